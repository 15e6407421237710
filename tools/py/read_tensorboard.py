"""Reads a run folder's TensorBoard event files with TensorBoard's own reader
(EventAccumulator, from the venv's tensorboard package) and writes what it
found as JSON: the independent check that kplab's hand-written event files
(src/train/tensorboard_log.cpp) are what `tensorboard --logdir` shows.

usage: read_tensorboard.py LOGDIR OUT.json
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: read_tensorboard.py LOGDIR OUT.json", file=sys.stderr)
        return 2
    logdir, out = sys.argv[1], sys.argv[2]
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError as e:  # one line for kplab's error message
        print(f"tensorboard is not installed in this venv ({e}); run tools/setup.sh", file=sys.stderr)
        return 1
    acc = EventAccumulator(logdir, size_guidance={"scalars": 0, "images": 0})
    acc.Reload()
    tags = acc.Tags()
    result = {
        "scalars": {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags.get("scalars", [])},
        "images": {t: [[e.step, e.width, e.height] for e in acc.Images(t)] for t in tags.get("images", [])},
    }
    with open(out, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
