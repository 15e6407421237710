#!/usr/bin/env bash
# One command from a fresh Debian machine to a full test run:
# install what is missing, build, run every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
# The independent ONNX Runtime oracle for the parity tests (skipped without npm).
tools/ort/install.sh
tools/build.sh
cd "${KPLAB_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 600
