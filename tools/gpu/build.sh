#!/usr/bin/env bash
# kplab on the lent GPU machine without building there.
#
# The project builds against the LibTorch of the venv's torch 2.11.0+cu130
# wheel, the same torch the GPU machine has (../shared/ENVIRONMENT.md), and
# that build is already the CUDA configuration (CUDA paths, autocast, NCCL).
# So the binaries built here run there against that machine's own torch and
# CUDA libraries; only the Debian libraries they link (OpenCV, HDF5, yaml-cpp,
# matio, ONNX, protobuf, OpenBLAS, ...) travel, with the data files the run
# needs. Each call carries <= 64 MiB together with the working tree, and files
# written there survive only while the machine stays warm (~30 s after a
# call), so everything travels as ONE byte stream cut into parts, one part
# per back-to-back call:
#
#   stream = bundle.tar.xz (bin/, lib/, TORCH_VERSION) ++ data file 1 ++ ...
#
# Each item is unpacked (and checked against its sha256) as soon as the parts
# received so far cover it: with the bundle first, the binaries can run a
# smoke test in the call that completes it while the data is still arriving.
#
#   here:  tools/gpu/build.sh bundle [DATA...]  # build/ + DATA -> build-gpu/part-N + MANIFEST
#   there: tools/gpu/build.sh receive N         # carry ["build-gpu/part-N", "build-gpu/MANIFEST"]
#   there: tools/gpu/build.sh run CMD...        # bundle unpacked? torch there the one linked here?
#                                               # then CMD with the paths set (data in $KPLAB_GPU_DATA)
# e.g. tools/gpu/build.sh receive 2 && tools/gpu/build.sh run kplab_tests --gtest_filter='*_CUDA*'
#
# The part size is 64 MiB less the working tree that travels with it (tracked
# and untracked-not-ignored files) less 1 MiB; `bundle` prints both.
# Assumes the GPU machine is x86_64 with glibc >= Debian bookworm's (2.36).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${KPLAB_BUILD_DIR:-build}
OUT_DIR=build-gpu
HOME_DIR=${KPLAB_GPU_HOME:-$HOME/kplab-gpu}
CALL_LIMIT=$((64 * 1024 * 1024))

# Libraries the GPU machine brings itself: glibc, the compiler runtime, and
# torch's own (its wheel and the nvidia-* wheels beside it).
provided() {
  case "$1" in
    */torch/lib/*|*/nvidia/*|*/cuda/*) return 0 ;;
  esac
  case "$(basename "$1")" in
    libc.so*|libm.so*|libdl.so*|librt.so*|libpthread.so*|ld-linux*|libstdc++.so*|libgcc_s.so*|libcuda.so*) return 0 ;;
  esac
  return 1
}

tree_bytes() {
  git ls-files -z --cached --others --exclude-standard | xargs -0 stat -L -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}'
}

bundle() {
  [ -x "$BUILD/kplab" ] && [ -x "$BUILD/kplab_tests" ] || { echo "bundle: build first (tools/build.sh)" >&2; exit 1; }
  "$BUILD/kplab" --version | grep -q "CUDA build" || { echo "bundle: $BUILD is not a CUDA build" >&2; exit 1; }
  local f
  for f in "$@"; do
    [ -f "$f" ] || { echo "bundle: data file $f: not found" >&2; exit 1; }
    case "$(basename "$f")" in *[!A-Za-z0-9._-]*) echo "bundle: data file $f: name must be letters, digits, '.', '_', '-'" >&2; exit 1 ;; esac
  done
  local stage
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/b/bin" "$stage/b/lib"
  cp "$BUILD/kplab" "$BUILD/kplab_tests" "$stage/b/bin/"
  .venv/bin/python -c 'import torch; print(torch.__version__)' > "$stage/b/TORCH_VERSION"
  ldd "$BUILD/kplab" "$BUILD/kplab_tests" | awk '/=> \//{print $3}' | sort -u | while read -r l; do
    provided "$l" || cp -L "$l" "$stage/b/lib/"
  done
  echo "bundle: compressing $(du -sm "$stage/b" | cut -f1) MB of binaries and libraries"
  tar -C "$stage/b" -cf - . | xz -9 -T0 > "$stage/bundle.tar.xz"
  # The stream and its manifest: one 'item NAME BYTES SHA256' line per item,
  # in stream order, then one 'SHA256  part-N' line per part.
  local manifest="$stage/MANIFEST" items=("$stage/bundle.tar.xz" "$@")
  : > "$manifest"
  for f in "${items[@]}"; do
    echo "item $(basename "$f") $(stat -L -c %s "$f") $(sha256sum < "$f" | cut -d' ' -f1)" >> "$manifest"
  done
  local tree part_bytes
  tree=$(tree_bytes)
  part_bytes=$((CALL_LIMIT - tree - 1024 * 1024))
  [ "$part_bytes" -gt $((8 * 1024 * 1024)) ] || { echo "bundle: the working tree ($((tree / 1048576)) MiB) leaves no room in a 64 MiB call" >&2; exit 1; }
  rm -rf "$OUT_DIR" && mkdir -p "$OUT_DIR"
  cat "${items[@]}" | split -b "$part_bytes" -a 1 -d - "$OUT_DIR/part-"
  (cd "$OUT_DIR" && sha256sum part-* >> "$manifest")
  cp "$manifest" "$OUT_DIR/MANIFEST"
  echo "bundle: working tree $((tree / 1048576)) MiB, so parts of $((part_bytes / 1048576)) MiB:"
  ls -l "$OUT_DIR"
  echo "bundle: carry build-gpu/part-N and build-gpu/MANIFEST in call N (back to back), receive N there"
}

# Unpack every item the stream received so far covers and that is not unpacked yet.
unpack_covered() {
  local have offset=0 name bytes sha
  have=$(stat -c %s "$HOME_DIR/stream")
  while read -r _ name bytes sha; do
    if [ ! -f "$HOME_DIR/.done-$name" ] && [ $((offset + bytes)) -le "$have" ]; then
      local tmp="$HOME_DIR/.item-$name"
      dd if="$HOME_DIR/stream" of="$tmp" bs=1M iflag=skip_bytes,count_bytes skip="$offset" count="$bytes" status=none
      [ "$(sha256sum < "$tmp" | cut -d' ' -f1)" = "$sha" ] || { echo "receive: item $name is corrupt" >&2; exit 1; }
      if [ "$name" = bundle.tar.xz ]; then
        tar -C "$HOME_DIR" -xJf "$tmp" && rm -f "$tmp"
      else
        mkdir -p "$HOME_DIR/data" && mv "$tmp" "$HOME_DIR/data/$name"
      fi
      touch "$HOME_DIR/.done-$name"
      echo "receive: $name ($bytes bytes) checked and unpacked"
    fi
    offset=$((offset + bytes))
  done < <(grep '^item ' "$HOME_DIR/MANIFEST")
}

receive() {
  local n=$1 file=$OUT_DIR/part-$1
  [ -f "$file" ] && [ -f "$OUT_DIR/MANIFEST" ] || { echo "receive: $file or $OUT_DIR/MANIFEST did not arrive (carry both)" >&2; exit 1; }
  (cd "$OUT_DIR" && grep " part-$n\$" MANIFEST | sha256sum -c --quiet) || { echo "receive: $file is corrupt" >&2; exit 1; }
  mkdir -p "$HOME_DIR"
  if [ "$n" = 0 ]; then
    rm -rf "${HOME_DIR:?}"/* "$HOME_DIR"/.done-* "$HOME_DIR"/.received-*
    cp "$OUT_DIR/MANIFEST" "$HOME_DIR/MANIFEST"
    : > "$HOME_DIR/stream"
  else
    cmp -s "$OUT_DIR/MANIFEST" "$HOME_DIR/MANIFEST" || { echo "receive: part $n belongs to another bundle than the one received (receive 0 first)" >&2; exit 1; }
    [ -f "$HOME_DIR/.received-$((n - 1))" ] || { echo "receive: part $((n - 1)) missing (the machine went cold? start again at 0)" >&2; exit 1; }
  fi
  [ ! -f "$HOME_DIR/.received-$n" ] || { echo "receive: part $n already received"; return 0; }
  cat "$file" >> "$HOME_DIR/stream"
  touch "$HOME_DIR/.received-$n"
  echo "receive: part $n appended ($(stat -c %s "$HOME_DIR/stream") bytes so far)"
  unpack_covered
  if [ "$(grep -c '^item ' "$HOME_DIR/MANIFEST")" = "$(ls "$HOME_DIR"/.done-* 2>/dev/null | wc -l)" ]; then
    rm -f "$HOME_DIR/stream"
    echo "receive: everything arrived"
  fi
}

run() {
  [ -f "$HOME_DIR/.done-bundle.tar.xz" ] || { echo "run: the bundle is not unpacked yet (receive its parts first)" >&2; exit 1; }
  local py=${KPLAB_GPU_PYTHON:-python3} torch_lib want have
  torch_lib=$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  want=$(cat "$HOME_DIR/TORCH_VERSION")
  have=$("$py" -c 'import torch; print(torch.__version__)')
  [ "$want" = "$have" ] || { echo "run: the bundle links torch $want, this machine has $have: build there instead" >&2; exit 1; }
  # The nvidia-* wheels' libraries sit beside torch in site-packages.
  local nv
  nv=$(find "$(dirname "$(dirname "$torch_lib")")/nvidia" -maxdepth 3 -name lib -type d 2>/dev/null | tr '\n' ':')
  export LD_LIBRARY_PATH="$HOME_DIR/lib:$torch_lib:$nv${LD_LIBRARY_PATH:-}"
  export PATH="$HOME_DIR/bin:$PATH"
  export KPLAB_GPU_DATA="$HOME_DIR/data"
  # The tests were built here: point them at the bundled kplab and this working tree.
  export KPLAB_TEST_BINARY="$HOME_DIR/bin/kplab" KPLAB_TEST_SOURCE_DIR="$PWD"
  "$@"
}

case "${1:-}" in
  bundle) shift; bundle "$@" ;;
  receive) receive "${2:?usage: tools/gpu/build.sh receive N}" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,29p' "$0"; exit 2 ;;
esac
