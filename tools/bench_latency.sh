#!/usr/bin/env bash
# Batch-1 latency of every registered model at 256x256 on 2 threads: LibTorch
# eager vs the exported ONNX in OpenCV DNN (warm-up 10, 100 repeats; median,
# p90, p99), with parameters and MACs. JSON out.
#   tools/bench_latency.sh [OUT_JSON] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-runs/bench/latency.json}
THREADS=${2:-2}
mkdir -p "$(dirname "$OUT")"
tools/build.sh >/dev/null
build/bench_latency --model all --size 256 --threads "$THREADS" --warmup 10 --repeats 100 --json "$OUT" >/dev/null
echo "bench_latency: wrote $OUT"
