#!/usr/bin/env bash
# Loader + full augmentation throughput at 256x256 (JSON out).
#   tools/bench_loader.sh [LSPET_DIR] [OUT_JSON]
# LSPET_DIR defaults to ../shared/datasets/lspet; when it is missing, a
# 2,000-image synthetic cache is used instead. Builds first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/datasets/lspet}
OUT=${2:-runs/bench/loader.json}
mkdir -p "$(dirname "$OUT")" runs/bench
tools/build.sh >/dev/null
CACHE=runs/bench/loader_cache.h5
if [ -f "$DATA/joints.mat" ]; then
  build/kplab prepare --format lsp --root "$DATA" --schema datasets/lsp.yaml --out "$CACHE" --force >/dev/null 2>&1
else
  echo "bench_loader: $DATA not found; using a synthetic cache" >&2
  build/kplab prepare --format synthetic --count 2000 --schema datasets/lsp.yaml --out "$CACHE" --force >/dev/null 2>&1
fi
THREADS=${KPLAB_THREADS:-$(nproc)}
build/bench_loader --cache "$CACHE" --schema datasets/lsp.yaml --batch 64 --batches 60 --threads "$THREADS" --json "$OUT"
