#!/usr/bin/env python3
"""Converts a kplab ONNX file to TFLite with onnx2tf, the community converter
people use for ONNX -> TFLite, and describes the result:

  onnx_to_tflite.py MODEL.onnx WORK_DIR [--quantize none|fp16|int8] [--calibration CALIB.npy]

Writes WORK_DIR/model.tflite (float32, or the --quantize variant) and
WORK_DIR/float32.tflite (what parity is proven on), each with a
'kplab' metadata entry inside the file: input name, layout (onnx2tf makes the
input NHWC), normalisation, and for every output the permutation back to the
ONNX layout; plus WORK_DIR/report.json: onnx2tf's version, the builtin and
non-builtin (Flex or custom) operators, sizes, and that metadata. The layout
mapping is measured, not assumed: ONNX Runtime and LiteRT run the same random
input and each output takes the transpose that matches.

int8: weights and activations int8, float32 input and output, calibrated on
CALIB.npy (N x S x S x 3 float32 in [0, 1], NHWC, made by kplab from a cache).

Exit 1 with one line (onnx2tf's own reason where it gives one) on failure;
kplab (src/export/tflite_export.cpp) decides what to refuse from the report.
"""
import contextlib
import io
import itertools
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kplab_py  # noqa: E402
from kplab_py import Failure  # noqa: E402

VARIANT_SUFFIX = {"none": "_float32", "fp16": "_float16", "int8": "_integer_quant"}


def parse_args(argv):
    if len(argv) < 2:
        raise Failure("usage: onnx_to_tflite.py MODEL.onnx WORK_DIR [--quantize none|fp16|int8] [--calibration CALIB.npy]")
    args = {"onnx": argv[0], "work": argv[1], "quantize": "none", "calibration": None}
    rest = argv[2:]
    while rest:
        key = rest.pop(0)
        if key not in ("--quantize", "--calibration") or not rest:
            raise Failure(f"unknown or incomplete option '{key}'")
        args[key[2:]] = rest.pop(0)
    for key in ("onnx", "work", "calibration"):  # convert() changes the working folder
        if args[key]:
            args[key] = os.path.abspath(args[key])
    if args["quantize"] not in VARIANT_SUFFIX:
        raise Failure(f"--quantize: expected none, fp16 or int8, found '{args['quantize']}'")
    if args["quantize"] == "int8" and not args["calibration"]:
        raise Failure("--quantize int8 needs --calibration CALIB.npy")
    return args


def onnx2tf_reason(log):
    """onnx2tf's own one-line reason from its log (it prints 'ERROR: ...' lines)."""
    lines = [" ".join(line.split()) for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line]
    pick = errors[-1] if errors else (lines[-1] if lines else "no output")
    # Strip colour escapes onnx2tf adds.
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", pick)[:400]


def convert(args, input_name, log_path):
    import onnx2tf

    kwargs = dict(
        input_onnx_file_path=args["onnx"],
        output_folder_path=os.path.join(args["work"], "onnx2tf"),
        copy_onnx_input_output_names_to_tflite=True,
        output_signaturedefs=True,
        non_verbose=False,
        verbosity="error",
    )
    if args["quantize"] == "int8":
        kwargs.update(
            output_integer_quantized_tflite=True,
            quant_type="per-channel",
            # kplab's input is RGB in [0, 1] with no mean/std: calibrate on it as it is.
            custom_input_op_name_np_data_path=[[input_name, args["calibration"], [[[[0.0, 0.0, 0.0]]]],
                                                [[[[1.0, 1.0, 1.0]]]]]],
        )
    # onnx2tf runs sample images through image-shaped inputs and downloads them
    # unless this file is in the working folder; this machine reaches no such
    # host. Seeded smooth noise in [0, 1] serves (int8 calibrates on kplab's
    # own images, passed above).
    import numpy as np

    sample = os.path.join(args["work"], "calibration_image_sample_data_20x128x128x3_float32.npy")
    rng = np.random.default_rng(0)
    coarse = rng.random((20, 16, 16, 3), dtype=np.float32)
    np.save(sample, np.repeat(np.repeat(coarse, 8, axis=1), 8, axis=2))
    # onnx2tf simplifies the graph first by running the `onnxsim` command,
    # which lives beside this venv's python: found as on a user's shell.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    cwd = os.getcwd()
    os.chdir(args["work"])
    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            onnx2tf.convert(**kwargs)
    except SystemExit as e:
        raise Failure(f"onnx2tf failed (exit {e.code}): {onnx2tf_reason(log.getvalue())}")
    except Exception as e:  # noqa: BLE001
        raise Failure(f"onnx2tf failed: {type(e).__name__}: {' '.join(str(e).split())[:300]}")
    finally:
        os.chdir(cwd)
        with open(log_path, "w") as f:
            f.write(log.getvalue())
    base = os.path.splitext(os.path.basename(args["onnx"]))[0]
    return lambda variant: os.path.join(kwargs["output_folder_path"], base + VARIANT_SUFFIX[variant] + ".tflite")


def perms_between(src_shape, dst_shape):
    """Every permutation p with src.transpose(p).shape == dst_shape."""
    return [list(p) for p in itertools.permutations(range(len(src_shape)))
            if [src_shape[i] for i in p] == list(dst_shape)]


def layout_mapping(onnx_path, tflite_path):
    """Input and output mapping between the ONNX graph and the float32 TFLite file, measured."""
    import numpy as np

    sess = kplab_py.ort_session(onnx_path)
    (oi,) = sess.get_inputs()
    # A symbolic batch (the posture classifier's N) is 1 in the converted file.
    onnx_in = [d if isinstance(d, int) else 1 for d in oi.shape]
    interp = kplab_py.litert_interpreter(tflite_path)
    (ti,) = interp.get_input_details()
    tfl_in = [int(d) for d in ti["shape"]]
    cands = perms_between(onnx_in, tfl_in)
    if not cands:
        raise Failure(f"{tflite_path}: input shape {tfl_in} is no transpose of the ONNX input {onnx_in}")
    nhwc = [0, 2, 3, 1]
    perm_in = nhwc if nhwc in cands else cands[0]
    x = np.random.default_rng(1234).random(onnx_in, dtype=np.float32)
    ref = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, {oi.name: x})))
    interp.set_tensor(ti["index"], np.ascontiguousarray(x.transpose(perm_in)))
    interp.invoke()
    tfl = {o["name"]: interp.get_tensor(o["index"]) for o in interp.get_output_details()}
    outputs = {}
    for name, r in ref.items():
        best = None
        for tname, v in tfl.items():
            for p in perms_between(v.shape, r.shape):
                err = float(np.abs(v.transpose(p) - r).max())
                if best is None or err < best[0]:
                    best = (err, tname, p, list(v.shape))
        if best is None:
            raise Failure(f"{tflite_path}: no output has the shape of ONNX output '{name}' {list(r.shape)} "
                          f"(outputs: {', '.join(f'{k} {list(v.shape)}' for k, v in tfl.items())})")
        outputs[name] = {"tflite_name": best[1], "tflite_shape": best[3],
                         "onnx_shape": list(r.shape), "perm_to_onnx": best[2], "max_abs_diff_vs_onnxruntime": best[0]}
    return {"name": oi.name, "onnx_shape": onnx_in, "tflite_shape": tfl_in, "perm_from_onnx": perm_in,
            "layout": "NHWC" if perm_in == nhwc else "as ONNX"}, outputs


def renamed_for(path, float_path, outputs):
    """The float32 mapping applied to another variant of the same conversion
    (fp16, int8): the same outputs and layouts, perhaps other names and
    order. Each output is the variant's only one of its shape, or else the
    one closest to the float32 file's on the same input."""
    import numpy as np

    interp, ref = kplab_py.litert_interpreter(path), kplab_py.litert_interpreter(float_path)
    x = np.random.default_rng(7).random([int(d) for d in ref.get_input_details()[0]["shape"]], dtype=np.float32)
    for it in (interp, ref):
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
    ref_out = {o["name"]: ref.get_tensor(o["index"]) for o in ref.get_output_details()}
    mapped = {}
    for name, o in outputs.items():
        same = [d for d in interp.get_output_details() if [int(v) for v in d["shape"]] == o["tflite_shape"]]
        if not same:
            raise Failure(f"{path}: no output shaped {o['tflite_shape']} as the float32 file's '{name}'")
        want = ref_out[o["tflite_name"]]
        best = min(same, key=lambda d: float(np.abs(interp.get_tensor(d["index"]).astype(np.float32) - want).max()))
        mapped[name] = {k: v for k, v in o.items() if k not in ("tflite_index", "max_abs_diff_vs_onnxruntime")}
        mapped[name]["tflite_name"] = best["name"]
    return mapped


def stamp_metadata(src, dst, meta):
    """Copies the .tflite at src to dst with a 'kplab' metadata entry holding meta (JSON)."""
    import flatbuffers
    import numpy as np

    schema = kplab_py.tflite_schema()
    with open(src, "rb") as f:
        model = schema.ModelT.InitFromPackedBuf(f.read(), 0)
    buf = schema.BufferT()
    buf.data = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
    model.buffers.append(buf)
    entry = schema.MetadataT()
    entry.name = kplab_py.KPLAB_METADATA
    entry.buffer = len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if m.name != kplab_py.KPLAB_METADATA.encode()] + [entry]
    builder = flatbuffers.Builder(1 << 20)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    with open(dst, "wb") as f:
        f.write(builder.Output())


def onnx_metadata(path):
    import onnx

    m = onnx.load(path, load_external_data=False)
    return {p.key: p.value for p in m.metadata_props if p.key.startswith("kplab.")}, m.graph.input[0].name


def main(argv):
    args = parse_args(argv)
    if not os.path.isfile(args["onnx"]):
        raise Failure(f"{args['onnx']}: no such file")
    os.makedirs(args["work"], exist_ok=True)
    try:
        import onnx2tf
    except ImportError as e:
        raise Failure(f"onnx2tf is not installed in this venv (run tools/setup.sh): {e}")
    props, input_name = onnx_metadata(args["onnx"])
    # onnx2tf simplifies its input file in place (onnxsim folds kplab's
    # explicit Pads into the convs): it gets a copy, the caller's file stays.
    import shutil

    source = args["onnx"]
    args["onnx"] = os.path.join(args["work"], "model.onnx")
    shutil.copyfile(source, args["onnx"])
    path_of = convert(args, input_name, os.path.join(args["work"], "onnx2tf.log"))
    float_path, chosen = path_of("none"), path_of(args["quantize"])
    for p in (float_path, chosen):
        if not os.path.isfile(p):
            raise Failure(f"onnx2tf wrote no {os.path.basename(p)} (see {args['work']}/onnx2tf.log)")
    builtin, other = set(), set()
    for p in {float_path, chosen}:  # both are loaded: parity runs on the first, the second is written
        b, o = kplab_py.tflite_operators(kplab_py.read_tflite(p)[1])
        builtin.update(b)
        other.update(o)
    builtin, other = sorted(builtin), sorted(other)
    report = {"onnx2tf_version": onnx2tf.__version__, "quantize": args["quantize"],
              "builtin_operators": builtin, "non_builtin_operators": other}
    if not other:  # a file with Flex/custom ops is refused; LiteRT could not even run it
        inp, outputs = layout_mapping(source, float_path)
        # Pose models take an image; the posture classifier raw features (their
        # names are in the ONNX metadata, carried in "onnx" below).
        inp["normalisation"] = ("RGB, pixel / 255 in [0, 1], no mean/std" if len(inp["onnx_shape"]) == 4
                                else "none: raw features, as the ONNX file's metadata names them")
        meta = {"format": "kplab-tflite/1", "input": inp, "outputs": outputs,
                "converter": f"onnx2tf {onnx2tf.__version__}", "onnx": props}
        # float32.tflite: what parity is proven on; model.tflite: the file asked for.
        written = {}
        for name, src, quant in (("float32", float_path, "none"), ("model", chosen, args["quantize"])):
            out = os.path.join(args["work"], name + ".tflite")
            variant = dict(meta, quantize=quant)
            if src != float_path:
                variant["outputs"] = renamed_for(src, float_path, outputs)
            stamp_metadata(src, out, variant)
            written[name] = {"path": out, "bytes": os.path.getsize(out)}
        report.update(metadata=variant, files=written)
    with open(os.path.join(args["work"], "report.json"), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    kplab_py.run_main("onnx_to_tflite.py", main)
