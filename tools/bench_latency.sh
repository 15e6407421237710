#!/usr/bin/env bash
# Latency of every registered model at 256x256 on 2 threads (kplab bench all):
# LibTorch eager vs the exported ONNX (coords + visibility, as deployed) in
# OpenCV DNN, batch 1 and 8, warm-up 10, 100 repeats; median, p90, p99, with
# parameters and MACs. JSON out.
#   tools/bench_latency.sh [OUT_JSON] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/bench/latency.json}
THREADS=${2:-2}
mkdir -p "$(dirname "$OUT")"
tools/build.sh >/dev/null
build/kplab bench all --size 256 --threads "$THREADS" --batch 1,8 --warmup 10 --repeats 100 --json "$OUT"
echo "bench_latency: wrote $OUT"
