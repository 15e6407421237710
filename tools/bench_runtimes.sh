#!/usr/bin/env bash
# One model, every runtime, one run: kplab bench (LibTorch NCHW, LibTorch
# channels-last, the exported ONNX in OpenCV DNN) and, when the ONNX Runtime
# oracle is installed (tools/ort/install.sh), the same exported graph
# (coords + visibility, batch 1) in ONNX Runtime, all on THREADS threads with
# 10 warm-up and 100 timed runs. Run it on a quiet machine.
#   tools/bench_runtimes.sh [MODEL] [SIZE] [THREADS] [OUT_JSON]
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-blazepose}
SIZE=${2:-256}
THREADS=${3:-2}
OUT=${4:-runs/bench/runtimes_${MODEL}_${SIZE}.json}
mkdir -p "$(dirname "$OUT")"
tools/build.sh >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/kplab bench "$MODEL" --size "$SIZE" --threads "$THREADS" --batch 1 --warmup 10 --repeats 100 --json "$tmp/kplab.json"
if ! command -v node >/dev/null 2>&1; then
  echo "note: node not found: the ONNX Runtime row is left out"
  cp "$tmp/kplab.json" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
  echo "bench_runtimes: wrote $OUT"
  exit 0
fi
ort='null'
if node -e "require('./tools/ort/node_modules/onnxruntime-node')" 2>/dev/null; then
  build/kplab export --model "$MODEL" --set input_size="$SIZE" --onnx "$tmp/model.onnx" >/dev/null
  ort=$(node tools/ort/time_onnx.js "$tmp/model.onnx" "$THREADS" 10 100)
  echo "onnxruntime (node): median $(node -e "console.log(JSON.parse(process.argv[1]).median_ms.toFixed(2))" "$ort") ms"
else
  echo "note: ONNX Runtime oracle not installed (tools/ort/install.sh): its row is left out"
fi
node -e '
  const fs = require("fs");
  const j = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  j.onnxruntime = JSON.parse(process.argv[2]);
  fs.writeFileSync(process.argv[3] + ".tmp", JSON.stringify(j, null, 2) + "\n");
  fs.renameSync(process.argv[3] + ".tmp", process.argv[3]);
' "$tmp/kplab.json" "$ort" "$OUT"
echo "bench_runtimes: wrote $OUT"
