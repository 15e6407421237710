#!/usr/bin/env bash
# Keypoint jitter on near-static clips, before and after the One Euro filter
# (kplab predict --keypoint-filter one-euro|none): each clip is one photo
# repeated with camera-like noise (tools/py/make_still_clip.py), so every
# frame-to-frame movement of a joint is jitter. JSON out.
#
#   tools/bench_jitter.sh [MODEL] [IMAGES_DIR] [COUNT] [OUT.json]
#   defaults: models/zoo/blazepose_lspet_128, ../shared/datasets/lspet/images, 7 photos,
#             runs/bench/jitter.json
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/zoo/blazepose_lspet_128}
IMAGES=${2:-../shared/datasets/lspet/images}
COUNT=${3:-7}
OUT=${4:-runs/bench/jitter.json}
KPLAB=${KPLAB:-build/kplab}
CROP=${CROP:-two-pass}   # predict --crop: two-pass (frames after the first tracked from the previous pose) or frame
PY=${KPLAB_VENV:-.venv}/bin/python
[ -x "$KPLAB" ] || tools/build.sh kplab
[ -x "$PY" ] || { echo "bench_jitter: $PY missing: run tools/setup.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$OUT")"
rows=()
# Photos spread over the last 3,000 (some were in the zoo model's training split: jitter is
# about stability, not accuracy, so seen photos are fine).
for f in $(ls "$IMAGES" | sort | tail -n 3000 | awk 'NR % 997 == 1 || NR % 997 == 500' | head -n "$COUNT"); do
  clip="$work/${f%.*}.avi"
  "$PY" tools/py/make_still_clip.py "$IMAGES/$f" "$clip" --frames 60 --fps 30
  for filter in none one-euro; do
    "$KPLAB" predict "$MODEL" --input "$clip" --out "$work/out_$filter" --keypoint-filter "$filter" --crop "$CROP" \
      --json "$work/$filter.json" >/dev/null
    rm -rf "$work/out_$filter"
  done
  rows+=("$("$PY" -c 'import json,sys; a=json.load(open(sys.argv[1]))["video"]; b=json.load(open(sys.argv[2]))["video"]; print(json.dumps({"image": sys.argv[3], "raw_px": a["mean_jitter_px_raw"], "one_euro_px": b["mean_jitter_px"]}))' "$work/none.json" "$work/one-euro.json" "$f")")
done
printf '%s\n' "${rows[@]}" | "$PY" -c '
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
raw = statistics.mean(r["raw_px"] for r in rows); smooth = statistics.mean(r["one_euro_px"] for r in rows)
print(json.dumps({"model": sys.argv[1], "crop": sys.argv[2], "clips": rows, "frames_per_clip": 60, "fps": 30,
                  "mean_jitter_px_raw": raw, "mean_jitter_px_one_euro": smooth, "reduction": 1 - smooth / raw,
                  "filter": {"min_cutoff_hz": 1.0, "beta": 5.0, "d_cutoff_hz": 1.0}}, indent=2))' "$MODEL" "$CROP" > "$OUT"
cat "$OUT"
