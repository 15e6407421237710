#!/usr/bin/env bash
# Every registered model (kplab models), untrained (seed 0) at SIZE px with
# its heatmaps, through kplab export --tflite: onnx2tf converts, the file must
# hold builtin TFLite operators only, and its float32 conversion must match
# LibTorch within 1e-4 in LiteRT (builtin kernels; XNNPACK's difference is
# recorded beside). One JSON array out: per model, ok, the reason when not,
# size, operators and the worst LiteRT - LibTorch difference per output.
# Exit 1 when any model fails.
#   tools/check_tflite.sh [SIZE] [OUT_JSON]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-256}
OUT=${2:-runs/bench/check_tflite_${SIZE}.json}
mkdir -p "$(dirname "$OUT")"
tools/setup.sh
tools/build.sh >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for model in $(build/kplab models); do
  start=$(date +%s)
  if build/kplab export --model "$model" --set input_size="$SIZE" --with-heatmap \
       --tflite "$tmp/$model.tflite" --json "$tmp/$model.json" >"$tmp/$model.log" 2>&1; then
    echo "check_tflite: $model ok ($(( $(date +%s) - start )) s)"
  else
    fail=1
    echo "check_tflite: $model FAILED: $(tail -1 "$tmp/$model.log")"
    tail -1 "$tmp/$model.log" > "$tmp/$model.err"
  fi
done
.venv/bin/python - "$tmp" "$OUT" "$SIZE" <<'PY'
import json, os, sys
tmp, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for name in sorted(f[:-4] for f in os.listdir(tmp) if f.endswith(".log")):
    row = {"model": name, "input_size": size}
    if os.path.exists(f"{tmp}/{name}.json"):
        j = json.load(open(f"{tmp}/{name}.json"))
        t = j["tflite"]
        row.update(ok=True, bytes=t["bytes"], converter=t["converter"], operators=t["operators"],
                   max_abs_diff_litert_vs_libtorch=t["max_abs_diff_litert_float32"],
                   max_abs_diff_litert_xnnpack_vs_libtorch=t["max_abs_diff_litert_float32_xnnpack"],
                   max_abs_diff_opencv_vs_libtorch=j["max_abs_diff_opencv_dnn"])
    else:
        row.update(ok=False, reason=open(f"{tmp}/{name}.err").read().strip())
    rows.append(row)
with open(out + ".tmp", "w") as f:
    json.dump(rows, f, indent=1)
os.replace(out + ".tmp", out)
PY
echo "check_tflite: wrote $OUT"
exit $fail
