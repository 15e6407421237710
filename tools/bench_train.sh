#!/usr/bin/env bash
# CPU training throughput (images/s, batch 16, loader + augmentation + step
# included, and the epoch's validation pass) for blazepose at 256x256 and
# blazepose_lite at 128x128, one epoch
# on a synthetic cache of 480 people. One JSON per model (kplab train --json).
#   tools/bench_train.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/bench}
mkdir -p runs/bench "$OUT"
tools/build.sh >/dev/null
for spec in blazepose:256 blazepose_lite:128; do
  model=${spec%%:*}; size=${spec##*:}
  cache=runs/bench/train_$size.h5
  [ -f "$cache" ] || build/kplab prepare --format synthetic --count 480 --size "$size" --split 0.9,0.1 \
    --schema datasets/lsp.yaml --out "$cache" >/dev/null 2>&1
  run=runs/bench/train_${model}_$size
  rm -rf "$run"
  build/kplab train experiments/bench_train.yaml --out "$run" --set model.name="$model" \
    --set model.options.input_size="$size" --set data.cache="$cache" --json "$OUT/train_${model}_$size.json" >/dev/null 2>&1
  echo "bench_train: wrote $OUT/train_${model}_$size.json"
  grep '"images_per_s"' "$OUT/train_${model}_$size.json"
done
