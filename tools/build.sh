#!/usr/bin/env bash
# Configures and builds kplab into build/ (or $KPLAB_BUILD_DIR), Release by default.
# tools/build.sh [TARGET...]: only those targets (e.g. kplab: the quickstart
# builds the command alone, not the test binary); no argument: everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KPLAB_BUILD_DIR:-build}
JOBS=${KPLAB_JOBS:-$(nproc)}
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE="${KPLAB_BUILD_TYPE:-Release}" >/dev/null
fi
TARGETS=()
for t in "$@"; do TARGETS+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j "$JOBS" "${TARGETS[@]}"
