#!/usr/bin/env bash
# Training throughput, written as JSON (kplab train --json) under OUT_DIR:
#
# 1. train_blazepose_256.json, train_blazepose_128.json,
#    train_blazepose_lite_128.json (and *_nchw):
#    one process, all cores, batch 16, one epoch on a synthetic cache of 1,600
#    people (1,440 train, 90 steps: the first, cold steps weigh little, as
#    PyTorch eager's harness leaves its first two out): loader + augmentation + step, start-up and the
#    epoch's validation pass included in "images_per_s" ("step_images_per_s":
#    the steps alone); pytorch_eager_train_*.txt: PyTorch eager, model step only;
#    train_vs_eager.json: blazepose at 256 and 128, kplab's better layout over
#    PyTorch eager's better layout (the issue's ratio).
# 2. train_dist.json (an array): blazepose at 256x256 on the CPU, batch 16 per
#    rank, loader + full augmentation, the same 432 train people:
#      1 rank x 1 thread, 1 rank x C threads, C ranks x 1 thread (C = cores).
#    The fair comparison of data parallelism is the last two: the same cores,
#    as threads of one process or as processes. With C ranks each step sees
#    C x 16 images (fewer, larger steps), so this measures speed, not accuracy.
#    When a CUDA device answers (nvidia-smi), also one GPU at batch 64 and 256
#    in fp32, bf16 and fp16 on a 1,200-person cache (1,080 train).
#
#   tools/bench_train.sh [OUT_DIR]          (default runs/bench)
# KPLAB_BUILD_DIR picks the build (default build/); KPLAB_BENCH_SKIP_BUILD=1
# uses it as it is (on the GPU machine: tools/gpu/build.sh builds build-gpu/).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/bench}
BUILD=${KPLAB_BUILD_DIR:-build}
KPLAB=$BUILD/kplab
mkdir -p runs/bench "$OUT"
[ "${KPLAB_BENCH_SKIP_BUILD:-0}" = 1 ] || KPLAB_BUILD_DIR=$BUILD tools/build.sh >/dev/null

cache_of() {  # cache_of SIZE COUNT -> path (made once)
  local cache=runs/bench/train_${1}_$2.h5
  [ "$2" = 480 ] && cache=runs/bench/train_$1.h5  # the name earlier runs used
  [ -f "$cache" ] || "$KPLAB" prepare --format synthetic --count "$2" --size "$1" --split 0.9,0.1 \
    --schema datasets/lsp.yaml --out "$cache" >/dev/null 2>&1
  echo "$cache"
}

# run NAME [kplab train options...]: one run, its JSON in $OUT/NAME.json, one line printed.
run() {
  local name=$1; shift
  local dir=runs/bench/$name
  rm -rf "$dir"
  if "$KPLAB" train experiments/bench_train.yaml --out "$dir" --json "$OUT/$name.json" "$@" >"$dir.log" 2>&1; then
    echo "bench_train: $name: $(grep -o '"step_images_per_s": [0-9.]*' "$OUT/$name.json" | cut -d' ' -f2) images/s" \
         "(steps only; $(grep -o '"images_per_s": [0-9.]*' "$OUT/$name.json" | cut -d' ' -f2) with start-up and validation)"
  else
    echo "bench_train: $name failed (see $dir.log)"; rm -f "$OUT/$name.json"
  fi
}

# The JSON objects named, as one array.
join_json() {
  local out=$1; shift
  { echo '['; local first=1
    for f in "$@"; do [ -f "$f" ] || continue; [ $first = 1 ] || echo ','; cat "$f"; first=0; done
    echo ']'; } > "$out"
  echo "bench_train: wrote $out"
}

# 1. One process per model, all cores: kplab's default (channels-last on the
#    CPU) and NCHW (--memory-format contiguous, as the LibTorch 1.13 figures
#    in the README were measured), then the reference BlazePose's PyTorch
#    eager training step from the venv when ../shared/anchor is beside us.
for spec in blazepose:256 blazepose:128 blazepose_lite:128; do
  model=${spec%%:*}; size=${spec##*:}
  run "train_${model}_$size" --set model.name="$model" --set model.options.input_size="$size" \
    --set data.cache="$(cache_of "$size" 1600)"
  run "train_${model}_${size}_nchw" --set model.name="$model" --set model.options.input_size="$size" \
    --set data.cache="$(cache_of "$size" 1600)" --memory-format contiguous
done
ANCHOR=${KPLAB_ANCHOR:-../shared/anchor}
if [ -f "$ANCHOR/bench_train.py" ] && [ -x .venv/bin/python ]; then
  for layout in nchw channels_last; do
    .venv/bin/python "$ANCHOR/bench_train.py" "$(nproc)" 16 10 2 "$layout" | tee "$OUT/pytorch_eager_train_$layout.txt" | grep '^train'
  done
  # kplab's better layout against PyTorch eager's better layout, blazepose at
  # 256 and 128 (kplab: loader + augmentation + step; eager: the step alone).
  .venv/bin/python - "$OUT" <<'PY'
import json, os, re, sys
out = sys.argv[1]
eager = {}
for layout in ("nchw", "channels_last"):
    for m in re.finditer(r"train (\d+)x\d+ b16 \S+: median\s+([0-9.]+) ms/step -> +([0-9.]+) img/s",
                         open(f"{out}/pytorch_eager_train_{layout}.txt").read()):
        eager.setdefault(int(m.group(1)), {})[layout] = float(m.group(3))
summary = []
for size in (256, 128):
    kp = {}
    for layout, suffix in (("channels_last", ""), ("nchw", "_nchw")):
        f = f"{out}/train_blazepose_{size}{suffix}.json"
        if os.path.exists(f):
            kp[layout] = json.load(open(f))["step_images_per_s"]
    if not kp or size not in eager:
        continue
    row = {"model": "blazepose", "size": size, "batch": 16, "kplab_images_per_s": kp,
           "pytorch_eager_images_per_s": eager[size],
           "ratio_best_over_best": max(kp.values()) / max(eager[size].values())}
    summary.append(row)
    print(f"bench_train: blazepose {size}: kplab {max(kp.values()):.1f} img/s (loader + augmentation + step) vs "
          f"PyTorch eager {max(eager[size].values()):.1f} (step alone): {row['ratio_best_over_best']:.2f}x")
with open(f"{out}/train_vs_eager.json.tmp", "w") as f:
    json.dump(summary, f, indent=2)
os.replace(f"{out}/train_vs_eager.json.tmp", f"{out}/train_vs_eager.json")
PY
fi

# 2. Data parallelism on the CPU: the same cores as threads or as ranks.
cores=$(nproc)
cpu=(--set model.name=blazepose --set model.options.input_size=256 --set data.cache="$(cache_of 256 480)"
     --set phases.0.batch_size=16)
names=()
run dist_cpu_1rank_1thread "${cpu[@]}" --threads 1; names+=(dist_cpu_1rank_1thread)
run "dist_cpu_1rank_${cores}threads" "${cpu[@]}" --threads "$cores"; names+=("dist_cpu_1rank_${cores}threads")
run "dist_cpu_${cores}ranks_1thread" "${cpu[@]}" --threads 1 --nproc "$cores"; names+=("dist_cpu_${cores}ranks_1thread")

# 3. One GPU, when there is one.
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  gpu=(--device cuda --set model.name=blazepose --set model.options.input_size=256
       --set data.cache="$(cache_of 256 1200)")
  for batch in 64 256; do
    for precision in fp32 bf16 fp16; do
      run "dist_cuda_b${batch}_$precision" "${gpu[@]}" --set phases.0.batch_size=$batch --precision $precision
      names+=("dist_cuda_b${batch}_$precision")
    done
  done
else
  echo "bench_train: no CUDA device (nvidia-smi): GPU configurations skipped"
fi
files=()
for n in "${names[@]}"; do files+=("$OUT/$n.json"); done
join_json "$OUT/train_dist.json" "${files[@]}"
rm -f "${files[@]}"
