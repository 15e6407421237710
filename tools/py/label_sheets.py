"""Contact sheets of a random sample of people from a kplab cache, their labels drawn, for judging
the labels by eye (e.g. whether left and right are swapped; issue #15's label-noise study).

The person's RIGHT side is drawn in red with an "R" at the wrist and ankle, the LEFT side in blue
with an "L"; centre joints (neck, head top) in yellow. Each cell is numbered; sheets.csv maps every
cell to its cache row, image id and source file, so judgements can be joined back.

  .venv/bin/python tools/py/label_sheets.py runs/lspet_256.h5 --schema datasets/lsp.yaml \
      --split train --count 120 --seed 7 --out runs/label_noise/sheets
"""
import argparse
import csv
import os
import sys

import cv2
import h5py
import numpy as np

SPLITS = {"train": 0, "val": 1, "test": 2}
RED, BLUE, YELLOW = (40, 40, 230), (230, 120, 30), (0, 220, 255)  # BGR


def read_skeleton(path):
    """The skeleton's [a, b] pairs from a kplab schema file (its block list of flow pairs)."""
    pairs, inside = [], False
    with open(path) as f:
        for line in f:
            text = line.split("#", 1)[0].rstrip()
            if not text:
                continue
            if not text.startswith(" "):
                inside = text.startswith("skeleton:")
                continue
            if inside and text.strip().startswith("- ["):
                a, b = (t.strip() for t in text.strip()[3:].rstrip("]").split(","))
                pairs.append((a, b))
    if not pairs:
        sys.exit(f"{path}: skeleton: expected a list of [joint, joint] pairs, found none")
    return pairs


def side(name):
    if name.startswith("right") or name.startswith("r_"):
        return "R"
    if name.startswith("left") or name.startswith("l_"):
        return "L"
    return "C"


def draw_person(img, kp, vis, joints, skeleton, scale):
    colour = {"R": RED, "L": BLUE, "C": YELLOW}
    index = {n: i for i, n in enumerate(joints)}
    for a, b in skeleton:
        i, j = index[a], index[b]
        if vis[i] and vis[j]:
            s = side(a) if side(a) == side(b) else "C"
            p = tuple(int(round(v * scale)) for v in kp[i])
            q = tuple(int(round(v * scale)) for v in kp[j])
            cv2.line(img, p, q, colour[s], 2, cv2.LINE_AA)
    for i, name in enumerate(joints):
        if not vis[i]:
            continue
        p = tuple(int(round(v * scale)) for v in kp[i])
        cv2.circle(img, p, 3, colour[side(name)], -1, cv2.LINE_AA)
        if side(name) != "C" and ("wrist" in name or "ankle" in name):
            cv2.putText(img, side(name), (p[0] + 4, p[1] - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
            cv2.putText(img, side(name), (p[0] + 4, p[1] - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour[side(name)], 1,
                        cv2.LINE_AA)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cache")
    ap.add_argument("--schema", required=True)
    ap.add_argument("--split", default="train", choices=sorted(SPLITS))
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cell", type=int, default=256, help="cell side in pixels")
    ap.add_argument("--columns", type=int, default=4)
    ap.add_argument("--rows", type=int, default=3)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    skeleton = read_skeleton(a.schema)
    with h5py.File(a.cache, "r") as f:
        split = f["split"][:]
        joints = [n.decode() if isinstance(n, bytes) else str(n) for n in f.attrs["joint_names"]]
        unknown = sorted({j for pair in skeleton for j in pair} - set(joints))
        if unknown:
            sys.exit(f"{a.schema}: skeleton: expected the cache's joints {joints}, found {unknown}")
        rows = np.flatnonzero(split == SPLITS[a.split])
        if a.count > len(rows):
            sys.exit(f"{a.cache}: split {a.split}: expected at least {a.count} people, found {len(rows)}")
        pick = np.sort(np.random.default_rng(a.seed).choice(rows, a.count, replace=False))
        os.makedirs(a.out, exist_ok=True)
        per_sheet = a.columns * a.rows
        table = []
        for s0 in range(0, len(pick), per_sheet):
            sheet = np.full((a.rows * a.cell, a.columns * a.cell, 3), 255, np.uint8)
            sheet_no = s0 // per_sheet + 1
            for c, r in enumerate(pick[s0:s0 + per_sheet]):
                buf = np.frombuffer(f["images"][r], np.uint8)
                img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
                if img is None:
                    sys.exit(f"{a.cache}: images[{r}]: expected a JPEG crop, found undecodable bytes")
                scale = a.cell / img.shape[0]
                img = cv2.resize(img, (a.cell, a.cell), interpolation=cv2.INTER_AREA)
                draw_person(img, f["keypoints"][r], f["visible"][r], joints, skeleton, scale)
                cell_no = s0 + c + 1
                cv2.putText(img, str(cell_no), (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 4, cv2.LINE_AA)
                cv2.putText(img, str(cell_no), (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 1, cv2.LINE_AA)
                y, x = divmod(c, a.columns)
                sheet[y * a.cell:(y + 1) * a.cell, x * a.cell:(x + 1) * a.cell] = img
                src = f["source"][r]
                table.append({"cell": cell_no, "sheet": sheet_no, "cache_row": int(r),
                              "image_id": int(f["image_id"][r]),
                              "source": src.decode() if isinstance(src, bytes) else str(src)})
            cv2.imwrite(os.path.join(a.out, f"sheet_{sheet_no:02d}.png"), sheet)
    with open(os.path.join(a.out, "sheets.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["cell", "sheet", "cache_row", "image_id", "source"])
        w.writeheader()
        w.writerows(table)
    print(f"{len(table)} people from split {a.split} (seed {a.seed}) on {(len(table) + per_sheet - 1) // per_sheet} "
          f"sheets in {a.out}")


if __name__ == "__main__":
    main()
