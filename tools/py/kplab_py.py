"""Shared pieces of kplab's Python helpers (tools/py/*.py).

kplab itself never needs Python at run time; these helpers are what it runs
as subprocesses from the project venv (.venv/, tools/setup.sh) for the parts
that only Python packages provide: ONNX Runtime (the independent ONNX oracle),
onnx2tf (ONNX -> TFLite) and LiteRT (the TFLite runtime).

Exchange protocol with the C++ side (src/export/python_tools.cpp): raw
little-endian float32 files in row-major order plus a JSON index; every
failure is one line on stderr and exit code 1.
"""
import json
import os
import sys

# TensorFlow, LiteRT and onnx2tf log to stderr on import; kplab shows a
# helper's stderr only when it fails, and then one line of it matters.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

KPLAB_METADATA = "kplab"  # name of the metadata entry kplab stamps into .tflite files


class Failure(Exception):
    """A one-line, user-facing reason; main() prints it and exits 1."""


def run_main(tool, fn):
    try:
        fn(sys.argv[1:])
    except Failure as e:
        sys.stderr.write(f"{tool}: {e}\n")
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - one line for anything unexpected too
        sys.stderr.write(f"{tool}: {type(e).__name__}: {' '.join(str(e).split())}\n")
        sys.exit(1)


def parse_shape(text):
    try:
        shape = [int(v) for v in text.split(",")]
    except ValueError:
        shape = []
    if not shape or any(d <= 0 for d in shape):
        raise Failure(f"bad shape '{text}': expected positive integers separated by commas")
    return shape


def read_input(path, shape):
    import numpy as np

    count = int(np.prod(shape))
    data = np.fromfile(path, dtype="<f4")
    if data.size != count:
        raise Failure(f"{path}: expected {count * 4} bytes for shape {shape}, found {data.size * 4}")
    return data.reshape(shape)


def write_outputs(out_dir, named):
    """named: list of (name, float32 array). Writes out_i.bin and outputs.json."""
    import numpy as np

    os.makedirs(out_dir, exist_ok=True)
    index = []
    for i, (name, value) in enumerate(named):
        arr = np.ascontiguousarray(value, dtype="<f4")
        fname = f"out_{i}.bin"
        arr.tofile(os.path.join(out_dir, fname))
        index.append({"name": name, "shape": list(arr.shape), "file": fname})
    with open(os.path.join(out_dir, "outputs.json"), "w") as f:
        json.dump(index, f)


def quantiles(times_ms):
    import numpy as np

    t = np.asarray(times_ms)
    return {
        "median_ms": float(np.quantile(t, 0.5)),
        "p90_ms": float(np.quantile(t, 0.9)),
        "p99_ms": float(np.quantile(t, 0.99)),
        "mean_ms": float(t.mean()),
        "min_ms": float(t.min()),
        "max_ms": float(t.max()),
    }


# ---- ONNX Runtime ----

def ort_session(path, threads=None, optimize=False):
    try:
        import onnxruntime as ort
    except ImportError as e:
        raise Failure(f"onnxruntime is not installed in this venv (run tools/setup.sh): {e}")
    so = ort.SessionOptions()
    so.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize
                                   else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    so.log_severity_level = 3
    if threads:
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    try:
        return ort.InferenceSession(path, sess_options=so, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001
        raise Failure(f"{path}: cannot create an ONNX Runtime session: {' '.join(str(e).split())}")


# ---- TFLite files ----

def tflite_schema():
    from ai_edge_litert import schema_py_generated as schema

    return schema


def read_tflite(path):
    """The file's bytes and its root Model table; a clear Failure when it is not a TFLite file."""
    try:
        with open(path, "rb") as f:
            buf = f.read()
    except OSError as e:
        raise Failure(f"{path}: cannot read: {e.strerror}")
    # A TFLite flatbuffer carries the file identifier "TFL3" at bytes 4..8.
    if len(buf) < 8 or buf[4:8] != b"TFL3":
        raise Failure(f"{path}: not a TFLite file (expected the flatbuffer identifier 'TFL3' at byte 4, "
                      f"found {buf[4:8]!r})")
    schema = tflite_schema()
    try:
        model = schema.Model.GetRootAs(buf, 0)
        model.OperatorCodesLength()
    except Exception as e:  # noqa: BLE001
        raise Failure(f"{path}: corrupt TFLite file: {e}")
    return buf, model


def tflite_operators(model):
    """(builtin operator names, non-builtin operator names) used by any subgraph, sorted."""
    schema = tflite_schema()
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    builtin, other = set(), set()
    codes = []
    for i in range(model.OperatorCodesLength()):
        oc = model.OperatorCodes(i)
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        if code == schema.BuiltinOperator.CUSTOM:
            custom = oc.CustomCode()
            codes.append(("custom", custom.decode() if custom else "CUSTOM"))
        else:
            codes.append(("builtin", names.get(code, f"BUILTIN_{code}")))
    for s in range(model.SubgraphsLength()):
        sg = model.Subgraphs(s)
        for j in range(sg.OperatorsLength()):
            kind, name = codes[sg.Operators(j).OpcodeIndex()]
            (builtin if kind == "builtin" else other).add(name)
    return sorted(builtin), sorted(other)


def tflite_metadata(model):
    """The kplab metadata entry of a .tflite (a dict), or None."""
    for i in range(model.MetadataLength()):
        md = model.Metadata(i)
        if md.Name() and md.Name().decode() == KPLAB_METADATA:
            buf = model.Buffers(md.Buffer())
            raw = bytes(buf.DataAsNumpy()) if buf.DataLength() else b""
            try:
                return json.loads(raw.decode())
            except ValueError:
                return None
    return None


def litert_interpreter(path, threads=None, kernels="xnnpack"):
    """kernels: "xnnpack" (LiteRT's default CPU delegate, what a phone runs)
    or "builtin" (TFLite's own kernels, no delegate: the reference for what
    the converted graph computes)."""
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError as e:
        raise Failure(f"ai-edge-litert is not installed in this venv (run tools/setup.sh): {e}")
    if kernels not in ("xnnpack", "builtin"):
        raise Failure(f"kernels: expected xnnpack or builtin, found '{kernels}'")
    resolver = OpResolverType.AUTO if kernels == "xnnpack" else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    try:
        interp = Interpreter(model_path=path, num_threads=threads or 1, experimental_op_resolver_type=resolver)
        interp.allocate_tensors()
    except Exception as e:  # noqa: BLE001
        raise Failure(f"{path}: LiteRT cannot load it: {' '.join(str(e).split())}")
    return interp
