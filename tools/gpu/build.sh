#!/usr/bin/env bash
# kplab on the lent GPU machine without building there.
#
# The project builds against the LibTorch of the venv's torch 2.11.0+cu130
# wheel, the same torch the GPU machine has (../shared/ENVIRONMENT.md), and
# that build is already the CUDA configuration (CUDA paths, autocast, NCCL).
# So the binaries built here run there against that machine's own torch and
# CUDA libraries; only the Debian libraries they link (OpenCV, HDF5, yaml-cpp,
# matio, ONNX, protobuf, OpenBLAS, ...) have to travel, compressed, in the
# one call that uses them (each call carries <= 64 MiB, files there survive
# only while the machine stays warm).
#
#   here:  tools/gpu/build.sh bundle           # build/ -> build-gpu/kplab-gpu.tar.xz (checked <= 60 MiB)
#   there: tools/gpu/build.sh run CMD...       # with carry=["build-gpu"]: unpacks into ~/kplab-gpu, checks
#                                              # torch there is the one linked here, runs CMD with the paths set
# e.g. tools/gpu/build.sh run kplab_tests --gtest_filter='*_CUDA*'
#      tools/gpu/build.sh run kplab train experiments/X.yaml --device cuda --precision bf16 --out "$OUT/run"
#
# UNTESTED on a GPU: written and dry-run (bundle, then run on this CPU machine
# from the unpacked bundle) in a session that was lent no GPU. Assumes the GPU
# machine is x86_64 with glibc >= Debian bookworm's (2.36).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${KPLAB_BUILD_DIR:-build}
OUT_DIR=build-gpu
BUNDLE=$OUT_DIR/kplab-gpu.tar.xz
HOME_DIR=${KPLAB_GPU_HOME:-$HOME/kplab-gpu}
LIMIT=$((60 * 1024 * 1024))

# Libraries the GPU machine brings itself: glibc, the compiler runtime, and
# torch's own (its wheel and the nvidia-* wheels beside it).
provided() {
  case "$1" in
    */torch/lib/*|*/nvidia/*|*/cuda/*) return 0 ;;
  esac
  case "$(basename "$1")" in
    libc.so*|libm.so*|libdl.so*|librt.so*|libpthread.so*|ld-linux*|libstdc++.so*|libgcc_s.so*|libcuda.so*) return 0 ;;
  esac
  return 1
}

bundle() {
  [ -x "$BUILD/kplab" ] && [ -x "$BUILD/kplab_tests" ] || { echo "bundle: build first (tools/build.sh)" >&2; exit 1; }
  "$BUILD/kplab" --version | grep -q "CUDA build" || { echo "bundle: $BUILD is not a CUDA build" >&2; exit 1; }
  local stage
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/kplab-gpu/lib" "$stage/kplab-gpu/bin"
  cp "$BUILD/kplab" "$BUILD/kplab_tests" "$stage/kplab-gpu/bin/"
  .venv/bin/python -c 'import torch; print(torch.__version__)' > "$stage/kplab-gpu/TORCH_VERSION"
  ldd "$BUILD/kplab" "$BUILD/kplab_tests" | awk '/=> \//{print $3}' | sort -u | while read -r lib; do
    provided "$lib" || cp -L "$lib" "$stage/kplab-gpu/lib/"
  done
  mkdir -p "$OUT_DIR"
  tar -C "$stage" -cJf "$BUNDLE.tmp" kplab-gpu
  mv "$BUNDLE.tmp" "$BUNDLE"
  local size
  size=$(stat -c %s "$BUNDLE")
  [ "$size" -le "$LIMIT" ] || { echo "bundle: $BUNDLE is $((size / 1048576)) MiB, over the 60 MiB a call carries" >&2; exit 1; }
  (cd "$OUT_DIR" && sha256sum "$(basename "$BUNDLE")" > SHA256SUMS)
  echo "bundle: $BUNDLE: $((size / 1048576)) MiB, $(ls "$stage/kplab-gpu/lib" | wc -l) libraries; carry [\"$OUT_DIR\"]"
}

run() {
  [ -f "$BUNDLE" ] || { echo "run: $BUNDLE did not arrive (carry=[\"$OUT_DIR\"])" >&2; exit 1; }
  (cd "$OUT_DIR" && sha256sum -c --quiet SHA256SUMS) || { echo "run: $BUNDLE is corrupt" >&2; exit 1; }
  if [ ! -d "$HOME_DIR" ] || [ "$BUNDLE" -nt "$HOME_DIR" ]; then
    rm -rf "$HOME_DIR" && mkdir -p "$(dirname "$HOME_DIR")" && tar -C "$(dirname "$HOME_DIR")" -xJf "$BUNDLE"
  fi
  local py=${KPLAB_GPU_PYTHON:-python3} torch_lib want have
  torch_lib=$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  want=$(cat "$HOME_DIR/TORCH_VERSION")
  have=$("$py" -c 'import torch; print(torch.__version__)')
  [ "$want" = "$have" ] || { echo "run: the bundle links torch $want, this machine has $have: build there instead" >&2; exit 1; }
  # The nvidia-* wheels' libraries sit beside torch in site-packages.
  local nv
  nv=$(find "$(dirname "$(dirname "$torch_lib")")/nvidia" -maxdepth 3 -name lib -type d 2>/dev/null | tr '\n' ':')
  export LD_LIBRARY_PATH="$HOME_DIR/lib:$torch_lib:$nv${LD_LIBRARY_PATH:-}"
  export PATH="$HOME_DIR/bin:$PATH"
  "$@"
}

case "${1:-}" in
  bundle) bundle ;;
  run) shift; run "$@" ;;
  *) sed -n '2,24p' "$0"; exit 2 ;;
esac
