#!/usr/bin/env bash
# Builds kplab on the lent GPU machine against its PyTorch wheel's CUDA LibTorch
# (with the NCCL backend of multi-process training), the other libraries
# (HDF5, OpenCV, yaml-cpp, cxxopts, matio, ONNX, protobuf, GoogleTest, gloo
# headers, nlohmann-json) carried there as Debian .deb files and unpacked with
# `dpkg -x` into a prefix in the home folder, never into / (that machine has no
# apt and no network; /work/shared/ENVIRONMENT.md, "GPU machine").
#
# UNTESTED: written in a session that was lent no GPU. It is kept
# straightforward on purpose; expect to adjust it on the first real run.
# Assumptions it rests on: the GPU machine is x86_64 with a glibc at least as
# new as Debian bookworm's (2.36), `python3 -c 'import torch'` works there, and
# the wheel was built with the C++11 ABI (PyTorch >= 2.7 wheels are).
#
# Three steps, the last two on the GPU machine in back-to-back calls (files
# there survive only while it stays warm, and each call carries <= 64 MiB):
#
#   here:  tools/gpu/build.sh fetch            # .debs -> build-gpu/debs/part-N (<= 48 MiB each)
#   there: tools/gpu/build.sh receive N        # one call per part, with carry=["build-gpu/debs/part-N"]:
#                                              #   copied to ~/kplab-debs, checksums checked
#   there: tools/gpu/build.sh build            # unpack into ~/kplab-prefix, configure, build into build-gpu/
#
# then e.g. `build-gpu/kplab_tests --gtest_filter='*_CUDA'` or tools/bench_train.sh with
# KPLAB_BUILD_DIR=build-gpu KPLAB_BENCH_SKIP_BUILD=1 (source build-gpu/env.sh first: library path).
set -euo pipefail
cd "$(dirname "$0")/../.."

DEBS_HOME=${KPLAB_DEBS:-$HOME/kplab-debs}
PREFIX=${KPLAB_PREFIX:-$HOME/kplab-prefix}
BUILD_DIR=${KPLAB_BUILD_DIR:-build-gpu}
PART_BYTES=$((48 * 1024 * 1024))

# What kplab's CMakeLists.txt finds, as Debian package names (LibTorch itself comes from the wheel).
PACKAGES=(libhdf5-dev libyaml-cpp-dev libcxxopts-dev libmatio-dev libopencv-dev libgtest-dev
          libonnx-dev libprotobuf-dev nlohmann-json3-dev libgloo-dev libopenblas0-openmp pkgconf)

fetch() {
  command -v apt-get >/dev/null || { echo "fetch: run this on the Debian machine (needs apt-get)" >&2; exit 1; }
  local out=build-gpu/debs
  rm -rf "$out" && mkdir -p "$out/all"
  # The dependency closure, less the base system the GPU machine has anyway
  # (Priority required/important: libc6, libstdc++6, ...).
  mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "${PACKAGES[@]}" | grep '^[a-z0-9]' | sort -u)
  local wanted=()
  for p in "${closure[@]}"; do
    prio=$(apt-cache show --no-all-versions "$p" 2>/dev/null | awk '/^Priority:/{print $2; exit}')
    [ -z "$prio" ] && continue  # a virtual package
    case "$prio" in required|important) continue ;; esac
    wanted+=("$p")
  done
  echo "fetch: downloading ${#wanted[@]} packages"
  (cd "$out/all" && apt-get download "${wanted[@]}" >/dev/null)
  # Parts small enough to carry one per call.
  local n=0 size=0
  mkdir -p "$out/part-$n"
  for f in $(ls -S "$out"/all/*.deb); do
    s=$(stat -c %s "$f")
    if [ $((size + s)) -gt $PART_BYTES ] && [ $size -gt 0 ]; then n=$((n + 1)); size=0; mkdir -p "$out/part-$n"; fi
    mv "$f" "$out/part-$n/"; size=$((size + s))
  done
  rmdir "$out/all"
  for d in "$out"/part-*; do (cd "$d" && sha256sum *.deb > SHA256SUMS); done
  echo "fetch: $(du -sh "$out" | cut -f1) in $((n + 1)) parts under $out (carry each as build-gpu/debs/part-N)"
}

receive() {
  local n=$1 src=build-gpu/debs/part-$1
  [ -d "$src" ] || { echo "receive: $src did not arrive (carry it: carry=[\"$src\"])" >&2; exit 1; }
  (cd "$src" && sha256sum -c --quiet SHA256SUMS) || { echo "receive: part $n is corrupt" >&2; exit 1; }
  mkdir -p "$DEBS_HOME" && cp "$src"/*.deb "$DEBS_HOME"/ && cp "$src/SHA256SUMS" "$DEBS_HOME/SHA256SUMS.part-$n"
  echo "receive: part $n ok; $(ls "$DEBS_HOME"/*.deb | wc -l) packages in $DEBS_HOME"
}

build() {
  command -v nvcc >/dev/null || echo "build: note: no nvcc on PATH" >&2
  local torch_prefix site
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  site=$(python3 -c 'import torch, os; print(os.path.dirname(os.path.dirname(torch.__file__)))')
  python3 -c 'import torch; assert torch.cuda.is_available(), "no CUDA in this torch"; print("torch", torch.__version__, "CUDA", torch.version.cuda)'
  for f in "$DEBS_HOME"/SHA256SUMS.part-*; do (cd "$DEBS_HOME" && sha256sum -c --quiet "$f"); done
  mkdir -p "$PREFIX"
  for f in "$DEBS_HOME"/*.deb; do dpkg -x "$f" "$PREFIX"; done   # into the prefix, never into /
  local arch=x86_64-linux-gnu lib="$PREFIX/usr/lib/x86_64-linux-gnu"

  # The wheel's gloo headers match its c10d; Debian's (in the prefix) are the fallback.
  local gloo_inc="$PREFIX/usr/include"
  [ -d "$(dirname "$torch_prefix")/../include/gloo" ] && gloo_inc=""
  # NCCL's header ships in the nvidia-nccl wheel the torch wheel depends on.
  local nccl_h nccl_args=()
  nccl_h=$(find "$site/nvidia" -name nccl.h 2>/dev/null | head -1 || true)
  if [ -n "$nccl_h" ]; then nccl_args=(-DKPLAB_NCCL=ON -DKPLAB_NCCL_INCLUDE_DIR="$(dirname "$nccl_h")")
  else echo "build: note: nccl.h not found under $site/nvidia: building without the NCCL backend" >&2; fi
  local cudnn_h cudnn_args=()
  cudnn_h=$(find "$site/nvidia" -name cudnn.h 2>/dev/null | head -1 || true)
  [ -n "$cudnn_h" ] && cudnn_args=(-DCUDNN_INCLUDE_PATH="$(dirname "$cudnn_h")" -DCUDNN_LIBRARY_PATH="$(dirname "$(dirname "$cudnn_h")")/lib")

  # Relocated Debian files: CMake configs under lib/<arch>/cmake and share/cmake,
  # pkg-config files with prefix=/usr (the sysroot variable re-roots them),
  # HDF5 through FindHDF5 without its compiler wrappers.
  export PATH="$PREFIX/usr/bin:$PATH"
  export PKG_CONFIG_PATH="$lib/pkgconfig:$PREFIX/usr/share/pkgconfig"
  export PKG_CONFIG_SYSROOT_DIR="$PREFIX"
  export LD_LIBRARY_PATH="$lib:$lib/hdf5/serial:$lib/openblas-openmp:${LD_LIBRARY_PATH:-}"
  cat > "$BUILD_DIR.env.sh" <<EOF
# source this before running $BUILD_DIR/kplab: the carried libraries live in $PREFIX
export LD_LIBRARY_PATH="$LD_LIBRARY_PATH"
EOF
  mkdir -p "$BUILD_DIR" && mv "$BUILD_DIR.env.sh" "$BUILD_DIR/env.sh"
  local gen=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  cmake -S . -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$PREFIX/usr;$lib/cmake;$PREFIX/usr/share/cmake" \
    -DCMAKE_LIBRARY_ARCHITECTURE=$arch \
    -DHDF5_ROOT="$lib/hdf5/serial" -DHDF5_C_COMPILER_EXECUTABLE= -DHDF5_CXX_COMPILER_EXECUTABLE= \
    -DCMAKE_CXX_FLAGS="${gloo_inc:+-isystem $gloo_inc}" \
    -DCMAKE_BUILD_RPATH="$lib;$lib/hdf5/serial" \
    "${nccl_args[@]}" "${cudnn_args[@]}"
  cmake --build "$BUILD_DIR" -j "$(nproc)"
  echo "build: $BUILD_DIR/kplab built; source $BUILD_DIR/env.sh before running it"
}

case "${1:-}" in
  fetch) fetch ;;
  receive) receive "${2:?usage: tools/gpu/build.sh receive N}" ;;
  build) build ;;
  *) sed -n '2,28p' "$0"; exit 2 ;;
esac
