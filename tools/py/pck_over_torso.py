# Where a synthetic-data model misses: PCK@0.2 of each joint split by whether it lies over the
# torso (the shirt quad src/data/readers/synthetic_reader.cpp draws: shoulders widened 1.15x,
# hips 1.3x about their midpoints), on one split of a synthetic cache, from an exported
# ONNX's `coords` in ONNX Runtime. The cache's crops are the model's input (RGB in [0, 1]);
# the joints are found by name in the cache's `joint_names` (an LSP-schema cache).
#   .venv/bin/python tools/py/pck_over_torso.py CACHE.h5 MODEL.onnx SPLIT   (0 train, 1 val, 2 test)
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kplab_py  # noqa: E402
from kplab_py import Failure  # noqa: E402

NEEDED = ["right_shoulder", "left_shoulder", "right_hip", "left_hip"]


def widen(q, c, s):
    return c + (q - c) * s


def main(argv):
    import cv2
    import h5py
    import numpy as np

    if len(argv) != 3 or argv[2] not in ("0", "1", "2"):
        raise Failure("usage: pck_over_torso.py CACHE.h5 MODEL.onnx SPLIT (0 train, 1 val, 2 test)")
    cache, onnx_path, split_id = argv[0], argv[1], int(argv[2])
    f = h5py.File(cache, "r")
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in f.attrs.get("joint_names", [])]
    missing = [n for n in NEEDED if n not in names]
    if missing:
        raise Failure(f"{cache}: attribute joint_names: expected {', '.join(NEEDED)}, "
                      f"missing {', '.join(missing)} (found {names})")
    rs, ls, rh, lh = (names.index(n) for n in NEEDED)
    sess = kplab_py.ort_session(onnx_path)
    inp = sess.get_inputs()[0]
    outs = [o.name for o in sess.get_outputs()]
    if "coords" not in outs:
        raise Failure(f"{onnx_path}: no output named 'coords' (outputs: {', '.join(outs)})")
    hit = {}
    for i in np.where(f["split"][:] == split_id)[0]:
        im = cv2.imdecode(np.frombuffer(f["images"][i].tobytes(), np.uint8), cv2.IMREAD_COLOR)
        x = cv2.cvtColor(im, cv2.COLOR_BGR2RGB).astype(np.float32)[None] / 255.0
        if inp.shape[1] == 3:
            x = x.transpose(0, 3, 1, 2)
        pred = dict(zip(outs, sess.run(None, {inp.name: x})))["coords"][0]
        kp = f["keypoints"][i]
        torso = np.linalg.norm(kp[ls] - kp[rh])  # the LSP protocol's normaliser

        ms, mh = (kp[rs] + kp[ls]) / 2, (kp[rh] + kp[lh]) / 2
        quad = np.array([widen(kp[rs], ms, 1.15), widen(kp[ls], ms, 1.15),
                         widen(kp[lh], mh, 1.3), widen(kp[rh], mh, 1.3)], np.float32)
        for j, name in enumerate(names):
            over = cv2.pointPolygonTest(quad, (float(kp[j][0]), float(kp[j][1])), False) >= 0
            hit.setdefault((name, over), []).append(np.linalg.norm(pred[j] - kp[j]) <= 0.2 * torso)
    print(f"{'joint':14s} {'over torso':>18s} {'elsewhere':>18s}")
    for n in names:
        a, b = hit.get((n, True), []), hit.get((n, False), [])
        fa = f"{np.mean(a) * 100:5.1f}% of {len(a):3d}" if a else "-"
        fb = f"{np.mean(b) * 100:5.1f}% of {len(b):3d}" if b else "-"
        print(f"{n:14s} {fa:>18s} {fb:>18s}")


if __name__ == "__main__":
    kplab_py.run_main("pck_over_torso.py", main)
