#!/usr/bin/env python3
"""Latency of one exported model in the runtime people would use instead of
kplab, measured as `kplab bench` measures its own: warm-up runs, then timed
repeats on one fixed input; median / p90 / p99 / mean / min / max in ms.

  time_model.py MODEL.onnx|MODEL.tflite THREADS WARMUP REPEATS

MODEL.onnx: ONNX Runtime (CPU, all graph optimisations, THREADS intra-op
threads, sequential). MODEL.tflite: LiteRT (its default XNNPACK delegate,
THREADS threads). Prints one JSON object. A comparison point for
tools/bench_runtimes.sh, never a dependency of kplab itself.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kplab_py  # noqa: E402
from kplab_py import Failure  # noqa: E402


def fixed_input(shape):
    import numpy as np

    count = int(np.prod(shape))
    i = np.arange(count, dtype=np.uint64)
    # Fixed, image-like values in [0, 1) (the same recipe for every runtime).
    return (((i * 2654435761) % 1000) / 1000).astype(np.float32).reshape(shape)


def timed(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return times


def main(argv):
    if len(argv) != 4:
        raise Failure("usage: time_model.py MODEL.onnx|MODEL.tflite THREADS WARMUP REPEATS")
    path = argv[0]
    try:
        threads, warmup, repeats = (int(v) for v in argv[1:])
    except ValueError:
        raise Failure(f"THREADS WARMUP REPEATS: expected integers, found {' '.join(argv[1:])}")
    if threads < 1 or warmup < 0 or repeats < 1:
        raise Failure("expected threads >= 1, warmup >= 0, repeats >= 1")
    if not os.path.isfile(path):
        raise Failure(f"{path}: no such file")
    if path.endswith(".tflite"):
        import ai_edge_litert

        interp = kplab_py.litert_interpreter(path, threads=threads)
        (inp,) = interp.get_input_details()
        shape = [int(d) for d in inp["shape"]]
        interp.set_tensor(inp["index"], fixed_input(shape))

        def run():
            interp.invoke()

        runtime, version = "litert (XNNPACK)", getattr(ai_edge_litert, "__version__", "unknown")
    else:
        import onnxruntime

        sess = kplab_py.ort_session(path, threads=threads, optimize=True)
        inp = sess.get_inputs()[0]
        shape = list(inp.shape)
        if not all(isinstance(d, int) and d > 0 for d in shape):
            raise Failure(f"{path}: expected a static input shape, found {shape}")
        feeds = {inp.name: fixed_input(shape)}

        def run():
            sess.run(None, feeds)

        runtime, version = "onnxruntime", onnxruntime.__version__
    result = {"runtime": runtime, "version": version, "model": path, "input_shape": shape, "threads": threads,
              "warmup": warmup, "repeats": repeats}
    result.update(kplab_py.quantiles(timed(run, warmup, repeats)))
    import json

    print(json.dumps(result))


if __name__ == "__main__":
    kplab_py.run_main("time_model.py", main)
