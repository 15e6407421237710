#!/usr/bin/env python3
"""Runs one exported model on float32 input in an independent runtime and
writes the outputs back, in the ONNX graph's layout and names:

  run_model.py [--threads N] [--kernels xnnpack|builtin] MODEL INPUT.bin D0,D1,...,Dk OUT_DIR [NAME ...]

MODEL.onnx runs in ONNX Runtime (CPU, graph optimisations off: the oracle
computes what the graph says). MODEL.tflite runs in LiteRT, with XNNPACK (its
default CPU delegate, as on a phone) or with --kernels builtin TFLite's own
kernels (what the converted graph computes, to float32 rounding); kplab's metadata in the file (tools/py/onnx_to_tflite.py)
says how its NHWC tensors map to the ONNX layout, so callers feed NCHW and
read ONNX-shaped outputs for both.

INPUT.bin is raw little-endian float32, shape D0..Dk in the ONNX layout. D0
may be a multiple of the model's static batch: the input then runs in chunks
and the outputs are concatenated (one process for a whole evaluation split).
NAMEs are the outputs to fetch (all when none). Writes OUT_DIR/out_i.bin and
OUT_DIR/outputs.json ([{"name", "shape", "file"}]). Exit 1 with one line on
stderr on any failure.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kplab_py  # noqa: E402
from kplab_py import Failure  # noqa: E402


def chunks(x, batch, path):
    if x.shape[0] % batch:
        raise Failure(f"{path}: input batch {x.shape[0]} is not a multiple of the model's batch {batch}")
    return [x[i:i + batch] for i in range(0, x.shape[0], batch)]


def check_shape(path, got, want, what):
    if list(got[1:]) != list(want[1:]):
        raise Failure(f"{path}: {what}: expected shape [N, {', '.join(map(str, want[1:]))}], "
                      f"found {list(got)}")


def run_onnx(path, x, names):
    import numpy as np

    sess = kplab_py.ort_session(path)
    inp = sess.get_inputs()[0]
    want = [d if isinstance(d, int) else -1 for d in inp.shape]
    check_shape(path, x.shape, want, f"input '{inp.name}'")
    outputs = [o.name for o in sess.get_outputs()]
    for n in names:
        if n not in outputs:
            raise Failure(f"{path}: no graph output named '{n}' (outputs: {', '.join(outputs)})")
    names = names or outputs
    batch = want[0] if want[0] > 0 else x.shape[0]
    parts = [sess.run(names, {inp.name: c}) for c in chunks(x, batch, path)]
    return [(n, np.concatenate([p[i] for p in parts])) for i, n in enumerate(names)]


def run_tflite(path, x, names, threads, kernels):
    import numpy as np

    _, model = kplab_py.read_tflite(path)
    meta = kplab_py.tflite_metadata(model)
    if not meta:
        raise Failure(f"{path}: no '{kplab_py.KPLAB_METADATA}' metadata: expected a file written by "
                      "kplab export --tflite (it records the NHWC layout)")
    interp = kplab_py.litert_interpreter(path, threads=threads, kernels=kernels)
    (inp,) = interp.get_input_details()
    mi = meta["input"]
    check_shape(path, x.shape, mi["onnx_shape"], f"input '{mi['name']}' (ONNX layout)")
    if list(inp["shape"]) != mi["tflite_shape"]:
        raise Failure(f"{path}: input tensor: the metadata says {mi['tflite_shape']}, the file holds "
                      f"{list(inp['shape'])}")
    outs = {o["name"]: o for o in interp.get_output_details()}
    meta_out = meta["outputs"]
    for n in names:
        if n not in meta_out:
            raise Failure(f"{path}: no output named '{n}' (outputs: {', '.join(meta_out)})")
    names = names or list(meta_out)
    results = {n: [] for n in names}
    for c in chunks(x, mi["onnx_shape"][0], path):
        interp.set_tensor(inp["index"], np.ascontiguousarray(c.transpose(mi["perm_from_onnx"]), dtype=np.float32))
        interp.invoke()
        for n in names:
            mo = meta_out[n]
            if mo["tflite_name"] not in outs:
                raise Failure(f"{path}: output tensor '{mo['tflite_name']}' named by the metadata is not in the file")
            v = interp.get_tensor(outs[mo["tflite_name"]]["index"])
            results[n].append(v.transpose(mo["perm_to_onnx"]).astype(np.float32))
    return [(n, np.concatenate(results[n])) for n in names]


def main(argv):
    threads, kernels = 1, "xnnpack"
    while argv[:1] in (["--threads"], ["--kernels"]):
        key, value = argv[0], argv[1] if len(argv) > 1 else ""
        if key == "--threads":
            if not value.isdigit() or int(value) < 1:
                raise Failure(f"--threads: expected an integer >= 1, found '{value}'")
            threads = int(value)
        else:
            if value not in ("xnnpack", "builtin"):
                raise Failure(f"--kernels: expected xnnpack or builtin, found '{value}'")
            kernels = value
        argv = argv[2:]
    if len(argv) < 4:
        raise Failure("usage: run_model.py MODEL.onnx|MODEL.tflite INPUT.bin D0,D1,... OUT_DIR [NAME ...]")
    path, input_path, shape_arg, out_dir, *names = argv
    x = kplab_py.read_input(input_path, kplab_py.parse_shape(shape_arg))
    if not os.path.isfile(path):
        raise Failure(f"{path}: no such file")
    if path.endswith(".tflite"):
        named = run_tflite(path, x, names, threads, kernels)
    else:
        named = run_onnx(path, x, names)
    kplab_py.write_outputs(out_dir, named)


if __name__ == "__main__":
    kplab_py.run_main("run_model.py", main)
