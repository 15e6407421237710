#!/usr/bin/env bash
# The posture workflow end to end on kplab's synthetic side-view set (7 min
# 9 s on 2 idle CPU cores, measured 2026-11-30, most of it the 34 training
# epochs; issue #17): people seen from the side, sitting
# or standing, each with its true trunk inclination, neck flexion and
# craniovertebral-angle proxy and a good/bad label from stated thresholds
# (datasets/synthetic_side/README.md), written as a YOLO-pose folder like the
# Kaggle posture sets, so the same commands serve a real one.
#
#   1. the set: 1,000 people (700 train, 100 val, 200 test) + truth.csv
#   2. its 256x256 cache, and the released LSPET model fine-tuned onto its
#      15 joints (experiments/posture_side_finetune_256.yaml)
#   3. the good/bad classifier (an MLP on normalised keypoints and posture
#      measures) trained on the train split's true keypoints
#   4. predict on the test images: keypoints, posture measures with their
#      sentences, the verdict and why, faces blurred
#   5. the report: measures against the true angles, the classifier on true
#      and predicted keypoints, overlays with verdicts (report.html)
#
# usage: tools/posture_demo.sh [OUT]   (default runs/posture)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh kplab
OUT=${1:-runs/posture}
K=build/kplab
SCHEMA=datasets/posture_side.yaml
mkdir -p "$OUT"

echo "== 1. the side-view posture set -> $OUT/side_set (YOLO-pose, truth.csv)"
$K to-yolo --format synthetic_side --count 1000 --seed 0 --split 700,100,200 --schema $SCHEMA \
  --out "$OUT/side_set" --force
echo "== 2. cache and fine-tuning from models/zoo/blazepose_lspet_128 -> $OUT/finetune_256"
$K prepare --format yolo --root "$OUT/side_set" --split source --schema $SCHEMA --size 256 \
  --out "$OUT/side_256.h5" --force --json "$OUT/prepare.json"
rm -rf "$OUT/finetune_256"   # this demo's own previous run
$K train experiments/posture_side_finetune_256.yaml --set "data.cache=$OUT/side_256.h5" --out "$OUT/finetune_256"
$K eval "$OUT/finetune_256" --split test --json "$OUT/finetune_256_eval_test.json"
$K export "$OUT/finetune_256" --onnx "$OUT/finetune_256/model.onnx" --with-heatmap --force
echo "== 3. the good/bad classifier on the train split's true keypoints -> $OUT/classifier"
$K classify train --keypoints "$OUT/side_set/truth.csv" --split train --schema $SCHEMA --model mlp \
  --out "$OUT/classifier" --force --json "$OUT/classifier_train.json"
echo "== 4. predict on the test images, with verdicts, faces blurred -> $OUT/predict_test"
rm -rf "$OUT/predict_test"
$K predict "$OUT/finetune_256/model.onnx" --input "$OUT/side_set/images/test" --out "$OUT/predict_test" \
  --classifier "$OUT/classifier" --blur-faces --json "$OUT/predict_test.json"
echo "== 5. the report -> $OUT/report.html"
$K posture-report --truth "$OUT/side_set/truth.csv" --split test \
  --predicted "fine-tuned=$OUT/predict_test/keypoints.csv" --classifier "$OUT/classifier" \
  --overlays "$OUT/predict_test" --out "$OUT/report.html" --json "$OUT/report.json"
echo "posture demo: done; set, cache, run, classifier, predictions and report.html in $OUT/"
