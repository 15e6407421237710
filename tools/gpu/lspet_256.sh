#!/usr/bin/env bash
# The LSPET 256x256 runs for one lent GPU slot (issue #15): the reference
# recipe and our recipe (two rotation ranges, chosen on validation) trained
# side by side on one CUDA device with bf16 autocast, each stopped as on Ctrl-C
# (last.pt saved) if the slot ends first. Writes under OUT: each run's
# best.pt (< 16 MiB, what comes back from the machine), and runs.tar.gz with
# every run's metrics.csv, config.yaml, train JSON (images/s) and log (not the
# TensorBoard events: they can pass the size limit), plus
# nvidia-smi. Evaluation on the test split happens back on the CPU machine.
#
#   there: tools/gpu/build.sh run tools/gpu/lspet_256.sh "$OUT" SECONDS
#   dry run here (CPU, a small cache): KPLAB_GPU_DEVICE=cpu KPLAB_GPU_PRECISION=fp32 \
#     KPLAB_GPU_CACHE=runs/synthetic_256.h5 tools/gpu/lspet_256.sh /tmp/out 60
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: lspet_256.sh OUT SECONDS}
seconds=${2:?usage: lspet_256.sh OUT SECONDS}
cache=${KPLAB_GPU_CACHE:-${KPLAB_GPU_DATA:-}/lspet_256_q75.h5}
device=${KPLAB_GPU_DEVICE:-cuda}
precision=${KPLAB_GPU_PRECISION:-bf16}
[ -f "$cache" ] || { echo "lspet_256: cache $cache not found" >&2; exit 1; }
mkdir -p "$out"
# The run folders stay in $work after the slot: while the machine is warm a
# next call can continue a stopped run with `kplab train ... --out $work/NAME
# --resume` (how ours_rot60 finished on 2026-11-30).
work=$(mktemp -d)
log() { echo "[$(date +%T)] $*" | tee -a "$work/slot.log"; }
log "run folders in $work"

{ nvidia-smi 2>&1 || true; } > "$work/nvidia-smi.txt"
kplab --version | tee -a "$work/slot.log"
# Leave 40 s of the slot to pack the results.
train_s=$((seconds - 40))
threads=$(( $(nproc) / 3 ))
[ "$threads" -ge 1 ] || threads=1
log "cache $cache ($(stat -c %s "$cache") bytes), device $device $precision, $train_s s, $threads threads per run"

names=(reference ours_rot60 ours_rot120)
exps=(experiments/blazepose_reference_gpu.yaml experiments/blazepose_lspet_256_gpu.yaml experiments/blazepose_lspet_256_gpu.yaml)
extra=("" "" "data.augmentation.rotate_deg=120")
pids=()
for i in 0 1 2; do
  sets=(--set "data.cache=$cache")
  [ -z "${extra[$i]}" ] || sets+=(--set "${extra[$i]}")
  timeout -s INT -k 30 "$train_s" kplab train "${exps[$i]}" --out "$work/${names[$i]}" --device "$device" \
    --precision "$precision" --threads "$threads" --json "$work/${names[$i]}.json" "${sets[@]}" \
    > "$work/${names[$i]}.log" 2>&1 &
  pids+=($!)
done
# Report progress once a minute so a stopped call still shows how far each got.
ticks=0
while [ -n "$(jobs -rp)" ]; do
  sleep 5; ticks=$((ticks + 1))
  [ $((ticks % 12)) = 0 ] || continue
  for n in "${names[@]}"; do log "$n: $(tail -n 1 "$work/$n/metrics.csv" 2>/dev/null | cut -c1-160)"; done
done
for i in 0 1 2; do
  wait "${pids[$i]}"; rc=$?
  log "${names[$i]}: exit $rc (124/130 = stopped at the slot's end, last.pt saved)"
  tail -n 3 "$work/${names[$i]}.log" | tee -a "$work/slot.log"
  [ -f "$work/${names[$i]}/checkpoints/best.pt" ] && cp "$work/${names[$i]}/checkpoints/best.pt" "$out/${names[$i]}_best.pt"
done
tar -C "$work" -czf "$out/runs.tar.gz" --exclude='*.pt' --exclude='events.out.tfevents*' .
ls -l "$out"
