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
# One thread per test process and one process per core: ctest -j with every
# process spinning a thread per core oversubscribed the machine 2x and made
# the training tests 5-10x slower.
OMP_NUM_THREADS=1 ctest --output-on-failure -j "$(nproc)" --timeout 600
