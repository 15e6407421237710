# Where a synthetic-data model misses: PCK@0.2 of each joint split by whether it lies over the
# torso (the shirt quad src/data/readers/synthetic_reader.cpp draws: shoulders widened 1.15x,
# hips 1.3x about their midpoints), on one split of a synthetic cache, from an exported
# ONNX's `coords` in ONNX Runtime. The cache's crops are the model's input (RGB in [0, 1]).
#   .venv/bin/python tools/py/pck_over_torso.py CACHE.h5 MODEL.onnx SPLIT   (0 train, 1 val, 2 test)
import sys, h5py, numpy as np, cv2, onnxruntime as ort
cache, onnx_path, split_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
f = h5py.File(cache, 'r')
names = ["r_ankle","r_knee","r_hip","l_hip","l_knee","l_ankle","r_wrist","r_elbow","r_shoulder","l_shoulder","l_elbow","l_wrist","neck","head_top"]
sess = ort.InferenceSession(onnx_path, providers=['CPUExecutionProvider'])
inp = sess.get_inputs()[0]
outs = [o.name for o in sess.get_outputs()]
idx = np.where(f['split'][:] == split_id)[0]
hit = {}; 
for i in idx:
    im = cv2.imdecode(np.frombuffer(f['images'][i].tobytes(), np.uint8), 1)
    x = cv2.cvtColor(im, cv2.COLOR_BGR2RGB).astype(np.float32)[None] / 255.0
    if inp.shape[1] == 3: x = x.transpose(0, 3, 1, 2)
    res = dict(zip(outs, sess.run(None, {inp.name: x})))
    pred = res['coords'][0]
    kp = f['keypoints'][i]
    torso = np.linalg.norm(kp[9] - kp[2])
    def widen(q, c, s): return c + (q - c) * s
    ms, mh = (kp[8] + kp[9]) / 2, (kp[2] + kp[3]) / 2
    quad = np.array([widen(kp[8], ms, 1.15), widen(kp[9], ms, 1.15), widen(kp[3], mh, 1.3), widen(kp[2], mh, 1.3)], np.float32)
    for j in range(14):
        over = cv2.pointPolygonTest(quad, (float(kp[j][0]), float(kp[j][1])), False) >= 0
        ok = np.linalg.norm(pred[j] - kp[j]) <= 0.2 * torso
        hit.setdefault((names[j], over), []).append(ok)
print(f"{'joint':12s} {'over torso':>18s} {'elsewhere':>18s}")
for n in names:
    a, b = hit.get((n, True), []), hit.get((n, False), [])
    fa = f"{np.mean(a)*100:5.1f}% of {len(a):3d}" if a else "-"
    fb = f"{np.mean(b)*100:5.1f}% of {len(b):3d}" if b else "-"
    print(f"{n:12s} {fa:>18s} {fb:>18s}")
