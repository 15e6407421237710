#!/usr/bin/env bash
# One command from a fresh Debian machine to kplab's main job on the embedded
# default data: install, build, generate a synthetic LSP-schema dataset and
# prepare its HDF5 cache (later: train, evaluate, export).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
OUT=${KPLAB_QUICKSTART_DIR:-runs/quickstart}
mkdir -p "$OUT"
echo "== prepare: synthetic people in the LSP schema -> $OUT/synthetic.h5"
build/kplab prepare --format synthetic --count 2000 --seed 0 --schema datasets/lsp.yaml \
  --out "$OUT/synthetic.h5" --force --json "$OUT/prepare.json"
echo "quickstart: done; cache and summary in $OUT/"
