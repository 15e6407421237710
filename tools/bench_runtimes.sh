#!/usr/bin/env bash
# One model, six runtimes, one run, batch 1, THREADS threads, 10 warm-up and
# 100 timed runs each:
#   kplab bench: LibTorch NCHW, LibTorch channels-last, and the exported ONNX
#                (coords + visibility, as deployed) in OpenCV DNN and in
#                kplab's own XNNPACK runner (what kplab predict runs);
#   the same exported graph in ONNX Runtime (all graph optimisations), and
#   its TFLite conversion (kplab export --tflite: onnx2tf, parity-proven) in
#   LiteRT with XNNPACK (tools/py/time_model.py, from the venv).
# and, where the reference BlazePose in PyTorch is beside the project
# (../shared/anchor, or $KPLAB_ANCHOR), PyTorch eager from the venv on the
# same machine (its own bench_infer.py: channels-last, coords + visibility).
# "ratios": kplab's runner against ONNX Runtime (median and p90; <= 1 is as
# fast or faster), from "paired": ROUNDS rounds (default 5), run first, that
# alternate the two, each in its own process on the same exported file (ONNX Runtime
# always runs in its own Python process; a runner timed after LibTorch and
# OpenCV DNN in one process is slowed by their idle threads), 10 warm-up +
# 100 timed runs each; the ratio is the median over rounds of each round's. "scaling": kplab's runtimes at batch 1, 4 and 16 on 1
# thread and on THREADS threads (latency per batch and images/s).
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
# The paired rounds first, on a machine still quiet (the TFLite conversion
# below is a minute of heavy work, after which this VM runs slower for a while).
build/kplab export --model "$MODEL" --set input_size="$SIZE" --onnx "$tmp/model.onnx" >/dev/null
for r in $(seq 1 "${ROUNDS:-5}"); do
  build/kplab bench "$tmp/model.onnx" --threads "$THREADS" --batch 1 --runtimes kplab_xnnpack --warmup 10 \
    --repeats 100 --json "$tmp/pair_kplab_$r.json" >/dev/null
  .venv/bin/python tools/py/time_model.py "$tmp/model.onnx" "$THREADS" 10 100 > "$tmp/pair_ort_$r.json"
done
build/kplab bench "$MODEL" --size "$SIZE" --threads "$THREADS" --batch 1 --warmup 10 --repeats 100 --profile \
  --json "$tmp/kplab.json"
build/kplab export --model "$MODEL" --set input_size="$SIZE" --onnx "$tmp/for_tflite.onnx" --tflite "$tmp/model.tflite" \
  --json "$tmp/export.json" >/dev/null
.venv/bin/python tools/py/time_model.py "$tmp/model.onnx" "$THREADS" 10 100 > "$tmp/ort.json"
.venv/bin/python tools/py/time_model.py "$tmp/model.tflite" "$THREADS" 10 100 > "$tmp/litert.json"
ANCHOR=${KPLAB_ANCHOR:-../shared/anchor}
if [ -f "$ANCHOR/bench_infer.py" ]; then
  .venv/bin/python "$ANCHOR/bench_infer.py" "$THREADS" 100 channels_last "$SIZE" > "$tmp/eager.txt"
else
  echo "note: no $ANCHOR/bench_infer.py: the PyTorch eager row is left out"
fi
for th in $(printf '%s\n' 1 "$THREADS" | sort -un); do
  build/kplab bench "$MODEL" --size "$SIZE" --threads "$th" --batch 1,4,16 --warmup 3 --repeats 20 \
    --json "$tmp/scaling_$th.json" >/dev/null
done
.venv/bin/python - "$tmp" "$OUT" <<'PY'
import glob, json, os, re, sys
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
j["paired"] = []
for f in sorted(glob.glob(f"{tmp}/pair_kplab_*.json"), key=lambda f: int(re.findall(r"_(\d+)\.json", f)[0])):
    k = [r for r in json.load(open(f))["results"] if r["runtime"] == "kplab_xnnpack"][0]
    o = json.load(open(f.replace("pair_kplab_", "pair_ort_")))
    j["paired"].append({"kplab_xnnpack_median_ms": k["median_ms"], "kplab_xnnpack_p90_ms": k["p90_ms"],
                        "onnxruntime_median_ms": o["median_ms"], "onnxruntime_p90_ms": o["p90_ms"]})
if j["paired"]:
    med = lambda v: sorted(v)[len(v) // 2]
    j["ratios"] = {
        "kplab_xnnpack_over_onnxruntime_median": med([p["kplab_xnnpack_median_ms"] / p["onnxruntime_median_ms"] for p in j["paired"]]),
        "kplab_xnnpack_over_onnxruntime_p90": med([p["kplab_xnnpack_p90_ms"] / p["onnxruntime_p90_ms"] for p in j["paired"]]),
        "rounds": len(j["paired"])}
    for i, p in enumerate(j["paired"], 1):
        print(f"round {i}: kplab_xnnpack {p['kplab_xnnpack_median_ms']:.2f} ms (p90 {p['kplab_xnnpack_p90_ms']:.2f}), "
              f"onnxruntime {p['onnxruntime_median_ms']:.2f} ms (p90 {p['onnxruntime_p90_ms']:.2f})")
    print("kplab_xnnpack / onnxruntime over {rounds} paired rounds: median {kplab_xnnpack_over_onnxruntime_median:.2f}x, "
          "p90 {kplab_xnnpack_over_onnxruntime_p90:.2f}x".format(**j["ratios"]))
j["scaling"] = []
for f in sorted(glob.glob(f"{tmp}/scaling_*.json")):
    s = json.load(open(f))
    for r in s["results"]:
        j["scaling"].append({"runtime": r["runtime"], "threads": s["hardware"]["threads"], "batch": r["batch"],
                             "median_ms": r["median_ms"], "p90_ms": r["p90_ms"], "images_per_s": r["images_per_s"]})
print("scaling (median ms per batch, images/s):")
for r in j["scaling"]:
    print(f"  {r['runtime']:>22} {r['threads']} thr batch {r['batch']:>2}: {r['median_ms']:8.2f} ms {r['images_per_s']:8.1f}/s")
with open(out + ".tmp", "w") as f:
    json.dump(j, f, indent=2)
os.replace(out + ".tmp", out)
PY
echo "bench_runtimes: wrote $OUT"
