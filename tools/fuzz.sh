#!/usr/bin/env bash
# Fuzzes kplab's input readers with libFuzzer + ASan (tests/fuzz/README.md).
#
#   tools/fuzz.sh TARGET SECONDS         one target: mat yolo coco yaml cache checkpoint
#   tools/fuzz.sh all SECONDS [SUMMARY]  every target in turn, SECONDS each; JSON summary
#                                        to SUMMARY (default runs/fuzz/summary.json)
#   tools/fuzz.sh seeds                  rewrites tests/fuzz/corpus/*/seed-* from the test fixtures
#
# Builds build-fuzz/ with clang (-DKPLAB_FUZZ=ON), one job, only what the target
# needs. Runs one fuzzer process on runs/fuzz/TARGET/corpus (a working copy
# of tests/fuzz/corpus/TARGET that keeps the new inputs it finds, out of git).
# A crash stops the run: its input is written to runs/fuzz/TARGET/crash-*, to
# be added to tests/fuzz/corpus/TARGET/ as crash-<description> once fixed, and
# the script exits 1 (FUZZ_KEEP_GOING=1: go on after crashes, still exit 1).
# Output of the last run: runs/fuzz/TARGET/fuzz.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-fuzz"
TARGETS=(mat yolo coco yaml cache checkpoint)

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# ASan with LibTorch, HDF5, matio, OpenCV and yaml-cpp, none of them built with
# it. detect_leaks=0: libhdf5 leaks on its own error paths (LeakSanitizer
# reported 104 bytes malloc'd inside libhdf5_serial for a damaged cache) and
# LibTorch keeps lazily made global state; a leak there is not a kplab bug.
# The seeds run clean under ASan's other defaults (alloc_dealloc_mismatch,
# detect_odr_violation, detect_container_overflow stay on); if an
# uninstrumented library trips one of them, add it here with the reason.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
# One thread for LibTorch's pools: one fuzzer process uses one core.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

build() {  # build TARGET...: configures build-fuzz once, then builds only what is named, one job
  if [[ ! -f "$BUILD/build.ninja" ]]; then
    CC=clang CXX=clang++ cmake -G Ninja -S "$ROOT" -B "$BUILD" -DKPLAB_FUZZ=ON -DKPLAB_NCCL=OFF >"$ROOT/runs/fuzz/configure.log" 2>&1 \
      || { tail -20 "$ROOT/runs/fuzz/configure.log" >&2; exit 1; }
  fi
  ninja -C "$BUILD" -j1 "$@" >"$ROOT/runs/fuzz/build.log" 2>&1 || { tail -30 "$ROOT/runs/fuzz/build.log" >&2; exit 1; }
}

# Prints one JSON object (target, seconds, execs, exec_per_s, corpus_files, crashes) and returns 1 on a crash.
run_target() {
  local t="$1" secs="$2" dir="$ROOT/runs/fuzz/$1"
  mkdir -p "$dir/corpus" "$dir/tmp"
  cp -n "$ROOT/tests/fuzz/corpus/$t/"* "$dir/corpus/" 2>/dev/null || true
  # FUZZ_KEEP_GOING=1: libFuzzer's fork mode with one child at a time, which
  # records a crash and goes on (e.g. to time a target whose crashes are known).
  local mode=()
  [[ "${FUZZ_KEEP_GOING:-0}" == 1 ]] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  touch "$dir/.started"
  local start rc=0
  start=$(date +%s)
  # -timeout: an input slower than 10 s is a hang (seeds take milliseconds); -rss_limit_mb: LibTorch under ASan needs ~0.6 GB to start.
  TMPDIR="$dir/tmp" "$BUILD/fuzz_$t" "$dir/corpus" "${mode[@]}" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$dir/" >"$dir/fuzz.log" 2>&1 || rc=$?
  local elapsed=$(( $(date +%s) - start ))
  local execs files crashes=()
  # Plain mode prints stat::number_of_executed_units at the end; fork mode "#N: cov: ..." lines.
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/fuzz.log" | grep -o '[0-9]*$' | tail -1 || true)
  [[ -n "$execs" ]] || execs=$(grep -o '^#[0-9]*' "$dir/fuzz.log" | tail -1 | tr -d '#' || true)
  files=$(find "$dir/corpus" -type f | wc -l)
  mapfile -t crashes < <(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
                           -o -name 'oom-*' -o -name 'slow-unit-*' \) -newer "$dir/.started" | sort)
  [[ $rc -eq 0 || ${#crashes[@]} -gt 0 ]] || crashes=("exit status $rc, see $dir/fuzz.log")
  if [[ ${#crashes[@]} -gt 0 ]]; then
    grep -E "escaped the reader|ERROR: (AddressSanitizer|libFuzzer)|^ *#[0-9] .* in kplab::" "$dir/fuzz.log" | head -8 >&2 || true
    for c in "${crashes[@]}"; do echo "fuzz_$t: crash input: $c (fix, then add it as tests/fuzz/corpus/$t/crash-<description>)" >&2; done
  fi
  local rate=$(( ${execs:-0} / (elapsed > 0 ? elapsed : 1) ))
  echo "fuzz_$t: ${elapsed} s, ${execs:-0} execs (${rate}/s), corpus ${files} files, crashes ${#crashes[@]} (log: $dir/fuzz.log)" >&2
  local list=""
  for c in "${crashes[@]}"; do list+="${list:+, }\"$c\""; done
  printf '{"target": "%s", "seconds": %d, "execs": %d, "exec_per_s": %d, "corpus_files": %d, "crashes": %d, "crash_inputs": [%s]}\n' \
    "$t" "$elapsed" "${execs:-0}" "$rate" "$files" "${#crashes[@]}" "$list"
  [[ ${#crashes[@]} -eq 0 ]]
}

mkdir -p "$ROOT/runs/fuzz"
case "${1:-}" in
  seeds)
    build fuzz_make_seeds
    "$BUILD/fuzz_make_seeds" "$ROOT"
    ;;
  all)
    [[ $# -ge 2 ]] || usage
    summary="${3:-$ROOT/runs/fuzz/summary.json}"
    build "${TARGETS[@]/#/fuzz_}"
    status=0 rows=()
    for t in "${TARGETS[@]}"; do
      row=$(run_target "$t" "$2") || status=1
      rows+=("$row")
    done
    mkdir -p "$(dirname "$summary")"
    { echo "["; for i in "${!rows[@]}"; do echo "  ${rows[$i]}$([[ $i -lt $(( ${#rows[@]} - 1 )) ]] && echo ,)"; done; echo "]"; } >"$summary"
    echo "summary: $summary" >&2
    exit $status
    ;;
  mat|yolo|coco|yaml|cache|checkpoint)
    [[ $# -eq 2 ]] || usage
    build "fuzz_$1"
    mkdir -p "$ROOT/runs/fuzz/$1"
    run_target "$1" "$2" >"$ROOT/runs/fuzz/$1/last.json" && status=0 || status=1
    cat "$ROOT/runs/fuzz/$1/last.json"
    exit $status
    ;;
  *) usage ;;
esac
