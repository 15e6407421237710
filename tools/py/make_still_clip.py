"""Writes a near-static video clip from one photo: every frame is the photo
with camera-like noise (Gaussian pixel noise, a sub-pixel shake, a little
brightness flicker), so whatever moves in a pose model's output is jitter.
For tools/bench_jitter.sh (the One Euro filter's before/after).

usage: make_still_clip.py IMAGE OUT.avi [--frames 60] [--fps 30] [--noise 4] [--shake 0.7] [--seed 0]
"""
import argparse
import sys

import cv2
import numpy as np


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("image")
    ap.add_argument("out")
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--noise", type=float, default=4.0, help="pixel noise sigma (0-255 scale)")
    ap.add_argument("--shake", type=float, default=0.7, help="camera shake sigma, pixels")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    img = cv2.imread(a.image, cv2.IMREAD_COLOR)
    if img is None:
        print(f"{a.image}: not a readable image", file=sys.stderr)
        return 1
    h, w = img.shape[:2]
    rng = np.random.default_rng(a.seed)
    writer = cv2.VideoWriter(a.out, cv2.VideoWriter_fourcc(*"MJPG"), a.fps, (w, h))
    if not writer.isOpened():
        print(f"{a.out}: OpenCV cannot write an MJPG video", file=sys.stderr)
        return 1
    for _ in range(a.frames):
        dx, dy = rng.normal(0, a.shake, 2)
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        f = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT).astype(np.float32)
        f = f * rng.uniform(0.97, 1.03) + rng.normal(0, a.noise, f.shape)
        writer.write(np.clip(f, 0, 255).astype(np.uint8))
    writer.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
