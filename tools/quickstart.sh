#!/usr/bin/env bash
# One command from a fresh Debian machine to kplab's main job on the embedded
# default data: install, build, generate synthetic people in the LSP schema,
# prepare their HDF5 cache, train blazepose_lite on 2 CPU cores, its exported
# coords the soft-argmax of its heatmaps (experiments/quick_synthetic.yaml,
# 47 epochs, 11-13 minutes on a slow 2-core machine), evaluate the best
# checkpoint on the test split, export it to a checked, TFLite-linted,
# parity-proven ONNX file and to a TFLite file (onnx2tf, builtin operators
# only, proven in LiteRT), and write the run's HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh kplab   # the command only: the test binary is tools/test.sh's
OUT=runs/quickstart
mkdir -p "$OUT"
echo "== prepare: 2,000 synthetic people at 128x128 -> $OUT/synthetic_128.h5"
build/kplab prepare --format synthetic --count 2000 --size 128 --seed 0 --schema datasets/lsp.yaml \
  --out "$OUT/synthetic_128.h5" --force --json "$OUT/prepare.json"
echo "== train: experiments/quick_synthetic.yaml -> $OUT/train"
rm -rf "$OUT/train"   # the quickstart's own previous run
build/kplab train experiments/quick_synthetic.yaml --out "$OUT/train"
echo "== evaluate: best checkpoint on the synthetic test split"
build/kplab eval "$OUT/train" --split test --json "$OUT/eval_test.json"
echo "== export: best checkpoint -> $OUT/model.onnx and $OUT/model.tflite"
build/kplab export "$OUT/train" --onnx "$OUT/model.onnx" --tflite "$OUT/model.tflite" --force
echo "== report: $OUT/report.html"
build/kplab report "$OUT/train" --split test --out "$OUT/report.html"
echo "quickstart: done; cache, run (metrics.csv, checkpoints), eval_test.json, model.onnx, model.tflite and report.html in $OUT/"
