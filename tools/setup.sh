#!/usr/bin/env bash
# Installs what kplab needs on a Debian machine, and only what is missing:
#  1. Debian packages: compilers, OpenCV, HDF5, cxxopts, GoogleTest, ONNX/protobuf,
#     yaml-cpp, matio, nlohmann-json, gloo headers, cpp-httplib (kplab serve),
#     chromium (reports, kplab serve's browser test); root or sudo.
#  2. The project virtual environment .venv/ from tools/requirements.txt (every
#     version pinned): torch (kplab links the LibTorch inside its wheel),
#     onnxruntime (ONNX parity oracle), onnx2tf + tensorflow (ONNX -> TFLite)
#     and ai-edge-litert (LiteRT, the TFLite runtime).
# Idempotent and quiet when everything is there. A fresh machine downloads
# about 1 GB of Debian packages and 4 GB of wheels (7 GB unpacked in .venv/);
# measured here: ~1 min for apt, ~1.5 min for pip.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libopenblas0-openmp libopencv-dev libhdf5-dev libcxxopts-dev
  libgtest-dev libonnx-dev libprotobuf-dev protobuf-compiler
  libyaml-cpp-dev libmatio-dev nlohmann-json3-dev libgloo-dev zlib1g-dev libcpp-httplib-dev
  chromium
)
VENV=${KPLAB_VENV:-.venv}
REQUIREMENTS=tools/requirements.txt
PYTHON=${KPLAB_PYTHON_BOOTSTRAP:-python3}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The venv is current when its stamp holds the requirements file's checksum.
want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
stamp="$VENV/.kplab-requirements.sha256"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  [ ${#missing[@]} -gt 0 ] && echo "setup: done"
  exit 0
fi
command -v "$PYTHON" >/dev/null || { echo "setup: $PYTHON not found: Python 3.11 with venv and pip is needed for $VENV" >&2; exit 1; }
echo "setup: installing the Python side into $VENV from $REQUIREMENTS (about 4 GB the first time)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --progress-bar off -r "$REQUIREMENTS"
# (TensorFlow logs to stderr on import: shown only when an import fails.)
if ! log=$("$VENV/bin/python" -c 'import torch, onnxruntime, onnx2tf, ai_edge_litert.interpreter' 2>&1); then
  echo "$log" | tail -5 >&2
  echo "setup: $VENV is incomplete: importing torch, onnxruntime, onnx2tf or ai_edge_litert failed" >&2
  exit 1
fi
echo "$want" > "$stamp"
echo "setup: done"
