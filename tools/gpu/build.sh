#!/usr/bin/env bash
# kplab on the lent GPU machine without building there.
#
# The project builds against the LibTorch of the venv's torch 2.11.0+cu130
# wheel, the same torch the GPU machine has (../shared/ENVIRONMENT.md), and
# that build is already the CUDA configuration (CUDA paths, autocast, NCCL).
# So the binaries built here run there against that machine's own torch and
# CUDA libraries; only the Debian libraries they link (OpenCV, HDF5, yaml-cpp,
# matio, ONNX, protobuf, OpenBLAS, ...) have to travel, compressed, in the
# calls before the one that uses them: they are ~330 MB (OpenCV pulls in
# GDAL and FFmpeg), ~84 MiB compressed, and each call carries <= 64 MiB, so
# they travel in parts, unpacked there while the machine stays warm.
#
#   here:  tools/gpu/build.sh bundle           # build/ -> build-gpu/part-N.tar.xz (each checked <= 60 MiB) + MANIFEST
#   there: tools/gpu/build.sh receive N        # one call per part, carry=["build-gpu/part-N.tar.xz",
#                                              #   "build-gpu/MANIFEST"]: checksum, unpack into ~/kplab-gpu
#   there: tools/gpu/build.sh run CMD...       # every part received? torch there the one linked here? then
#                                              # CMD with the paths set (may share the last receive's call)
# e.g. tools/gpu/build.sh receive 1 && tools/gpu/build.sh run kplab_tests --gtest_filter='*_CUDA*'
#      tools/gpu/build.sh run kplab train experiments/X.yaml --device cuda --precision bf16 --out "$OUT/run"
#
# UNTESTED on a GPU: written and dry-run (bundle, then run on this CPU machine
# from the unpacked bundle) in a session that was lent no GPU. Assumes the GPU
# machine is x86_64 with glibc >= Debian bookworm's (2.36).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${KPLAB_BUILD_DIR:-build}
OUT_DIR=build-gpu
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
  mkdir -p "$stage/0/bin" "$stage/0/lib"
  cp "$BUILD/kplab" "$BUILD/kplab_tests" "$stage/0/bin/"
  .venv/bin/python -c 'import torch; print(torch.__version__)' > "$stage/0/TORCH_VERSION"
  # Libraries, largest first, each into the part with the fewest bytes so far.
  local -a sizes=(0 0 0)
  local lib part
  while read -r size lib; do
    part=0
    for p in 1 2; do [ "${sizes[$p]}" -lt "${sizes[$part]}" ] && part=$p; done
    mkdir -p "$stage/$part/lib"
    cp -L "$lib" "$stage/$part/lib/"
    sizes[$part]=$((sizes[part] + size))
  done < <(ldd "$BUILD/kplab" "$BUILD/kplab_tests" | awk '/=> \//{print $3}' | sort -u | while read -r l; do
             provided "$l" || echo "$(stat -L -c %s "$l") $l"; done | sort -rn)
  rm -rf "$OUT_DIR" && mkdir -p "$OUT_DIR"
  for part in 0 1 2; do
    [ -d "$stage/$part" ] || continue
    tar -C "$stage/$part" -cJf "$OUT_DIR/part-$part.tar.xz" .
    local bytes
    bytes=$(stat -c %s "$OUT_DIR/part-$part.tar.xz")
    [ "$bytes" -le "$LIMIT" ] || { echo "bundle: part $part is $((bytes / 1048576)) MiB, over the 60 MiB a call carries" >&2; exit 1; }
    echo "bundle: $OUT_DIR/part-$part.tar.xz: $((bytes / 1048576)) MiB"
  done
  (cd "$OUT_DIR" && sha256sum part-*.tar.xz > MANIFEST)
  echo "bundle: $(wc -l < "$OUT_DIR/MANIFEST") parts; carry each with $OUT_DIR/MANIFEST, receive N there, then run"
}

receive() {
  local n=$1 file=$OUT_DIR/part-$1.tar.xz
  [ -f "$file" ] && [ -f "$OUT_DIR/MANIFEST" ] || { echo "receive: $file or $OUT_DIR/MANIFEST did not arrive (carry both)" >&2; exit 1; }
  (cd "$OUT_DIR" && grep " part-$n.tar.xz\$" MANIFEST | sha256sum -c --quiet) || { echo "receive: $file is corrupt" >&2; exit 1; }
  mkdir -p "$HOME_DIR" && tar -C "$HOME_DIR" -xJf "$file" && cp "$OUT_DIR/MANIFEST" "$HOME_DIR/MANIFEST"
  touch "$HOME_DIR/.received-$n"
  echo "receive: part $n unpacked into $HOME_DIR"
}

run() {
  [ -f "$HOME_DIR/MANIFEST" ] || { echo "run: nothing received yet (tools/gpu/build.sh receive N)" >&2; exit 1; }
  local n
  for n in $(sed -n 's/.*part-\([0-9]*\)\.tar\.xz$/\1/p' "$HOME_DIR/MANIFEST"); do
    [ -f "$HOME_DIR/.received-$n" ] || { echo "run: part $n not received (the machine went cold? receive every part again)" >&2; exit 1; }
  done
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
  # The tests were built here: point them at the bundled kplab and this working tree.
  export KPLAB_TEST_BINARY="$HOME_DIR/bin/kplab" KPLAB_TEST_SOURCE_DIR="$PWD"
  "$@"
}

case "${1:-}" in
  bundle) bundle ;;
  receive) receive "${2:?usage: tools/gpu/build.sh receive N}" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,27p' "$0"; exit 2 ;;
esac
