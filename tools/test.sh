#!/usr/bin/env bash
# One command from a fresh Debian machine to a full test run: install what is
# missing (tools/setup.sh: Debian packages and the .venv with torch, ONNX
# Runtime, onnx2tf and LiteRT), build, run every test under ctest.
#
# The build links the LibTorch of the venv's torch wheel, a CUDA build: with
# the CUDA toolkit present (nvcc), the same build is kplab's CUDA
# configuration (CUDA device paths, fp16/bf16 autocast, the NCCL backend), so
# CI compiles and links it on every run; its *_CUDA tests skip without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
BUILD_DIR=${KPLAB_BUILD_DIR:-build}
# Where nvcc is present, a build that quietly fell back to CPU-only would
# leave the GPU path uncompiled: say so and fail.
if command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then
  version=$("$BUILD_DIR/kplab" --version)
  echo "$version"
  case "$version" in
    *"CUDA build"*"NCCL backend built in"*) ;;
    *) echo "test: nvcc is present but the build is not the CUDA configuration: $version" >&2; exit 1 ;;
  esac
fi
cd "$BUILD_DIR"
# One thread per test process and one process per core: ctest -j with every
# process spinning a thread per core oversubscribed the machine 2x and made
# the training tests 5-10x slower.
OMP_NUM_THREADS=1 ctest --output-on-failure -j "$(nproc)" --timeout 900
