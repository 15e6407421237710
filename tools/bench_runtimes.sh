#!/usr/bin/env bash
# One model, five runtimes, one run, batch 1, THREADS threads, 10 warm-up and
# 100 timed runs each:
#   kplab bench: LibTorch NCHW, LibTorch channels-last, and the exported ONNX
#                (coords + visibility, as deployed) in OpenCV DNN;
#   the same exported graph in ONNX Runtime (all graph optimisations), and
#   its TFLite conversion (kplab export --tflite: onnx2tf, parity-proven) in
#   LiteRT with XNNPACK (tools/py/time_model.py, from the venv).
# and, where the reference BlazePose in PyTorch is beside the project
# (../shared/anchor, or $KPLAB_ANCHOR), PyTorch eager from the venv on the
# same machine (its own bench_infer.py: channels-last, coords + visibility).
# Untrained weights (seed 0): latency does not depend on them. Run it on a
# quiet machine; compare rows of one run, not across runs.
#   tools/bench_runtimes.sh [MODEL] [SIZE] [THREADS] [OUT_JSON]
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-blazepose}
SIZE=${2:-256}
THREADS=${3:-2}
OUT=${4:-runs/bench/runtimes_${MODEL}_${SIZE}.json}
mkdir -p "$(dirname "$OUT")"
tools/setup.sh
tools/build.sh >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/kplab bench "$MODEL" --size "$SIZE" --threads "$THREADS" --batch 1 --warmup 10 --repeats 100 --json "$tmp/kplab.json"
build/kplab export --model "$MODEL" --set input_size="$SIZE" --onnx "$tmp/model.onnx" --tflite "$tmp/model.tflite" \
  --json "$tmp/export.json" >/dev/null
.venv/bin/python tools/py/time_model.py "$tmp/model.onnx" "$THREADS" 10 100 > "$tmp/ort.json"
.venv/bin/python tools/py/time_model.py "$tmp/model.tflite" "$THREADS" 10 100 > "$tmp/litert.json"
ANCHOR=${KPLAB_ANCHOR:-../shared/anchor}
if [ -f "$ANCHOR/bench_infer.py" ]; then
  .venv/bin/python "$ANCHOR/bench_infer.py" "$THREADS" 100 channels_last "$SIZE" > "$tmp/eager.txt"
else
  echo "note: no $ANCHOR/bench_infer.py: the PyTorch eager row is left out"
fi
.venv/bin/python - "$tmp" "$OUT" <<'PY'
import json, os, re, sys
tmp, out = sys.argv[1], sys.argv[2]
j = json.load(open(f"{tmp}/kplab.json"))
j["onnxruntime"] = json.load(open(f"{tmp}/ort.json"))
j["litert"] = json.load(open(f"{tmp}/litert.json"))
j["litert"]["tflite"] = {k: v for k, v in json.load(open(f"{tmp}/export.json"))["tflite"].items() if k != "metadata"}
if os.path.exists(f"{tmp}/eager.txt"):
    text = open(f"{tmp}/eager.txt").read()
    m = re.search(r"coords\+vis\s*: median\s+([0-9.]+) ms\s+p90\s+([0-9.]+)", text)
    j["pytorch_eager"] = {"runtime": "pytorch eager (reference BlazePose, ../shared/anchor, channels-last)",
                          "version": text.split(",")[0].replace("torch ", ""), "median_ms": float(m.group(1)),
                          "p90_ms": float(m.group(2)), "outputs": "coords + visibility"}
for key in [k for k in ("onnxruntime", "litert", "pytorch_eager") if k in j]:
    r = j[key]
    print(f"{r['runtime']:>20}: median {r['median_ms']:.2f} ms, p90 {r['p90_ms']:.2f} ms")
with open(out + ".tmp", "w") as f:
    json.dump(j, f, indent=2)
os.replace(out + ".tmp", out)
PY
echo "bench_runtimes: wrote $OUT"
