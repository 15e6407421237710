#!/usr/bin/env bash
# Installs the ONNX Runtime test oracle (npm package onnxruntime-node) into
# tools/ort/node_modules. Idempotent: quiet when already present. Without npm
# it prints one note and exits 0: the tests that need it then skip.
set -euo pipefail
here="${BASH_SOURCE[0]%/*}"
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
cd "$here"
if [ -f node_modules/onnxruntime-node/package.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "note: npm not found: ONNX Runtime oracle not installed (its tests will skip)"
  exit 0
fi
# The post-install step downloads extra binaries from outside; the CPU library
# already ships inside the package, so skip it.
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null
echo "installed onnxruntime-node in tools/ort/node_modules"
