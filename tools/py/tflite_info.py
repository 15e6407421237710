#!/usr/bin/env python3
"""What a .tflite file holds, as JSON: kplab's metadata entry (input layout,
normalisation, output mapping; null when absent), the builtin and the
non-builtin (Flex or custom) operators, and the input and output tensors.

  tflite_info.py MODEL.tflite OUT.json

Reads the flatbuffer with LiteRT's own schema; exit 1 with one line naming the
file when it is not a TFLite file or is corrupt.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kplab_py  # noqa: E402
from kplab_py import Failure  # noqa: E402


def tensors(model, sg, indices):
    out = []
    for i in indices:
        t = sg.Tensors(int(i))
        out.append({"name": t.Name().decode(), "shape": [int(d) for d in t.ShapeAsNumpy()]})
    return out


def main(argv):
    if len(argv) != 2:
        raise Failure("usage: tflite_info.py MODEL.tflite OUT.json")
    path, out = argv
    _, model = kplab_py.read_tflite(path)
    builtin, other = kplab_py.tflite_operators(model)
    if model.SubgraphsLength() < 1:
        raise Failure(f"{path}: corrupt TFLite file: no subgraph")
    sg = model.Subgraphs(0)
    info = {"path": path, "bytes": os.path.getsize(path), "metadata": kplab_py.tflite_metadata(model),
            "builtin_operators": builtin, "non_builtin_operators": other,
            "inputs": tensors(model, sg, sg.InputsAsNumpy()), "outputs": tensors(model, sg, sg.OutputsAsNumpy())}
    with open(out, "w") as f:
        json.dump(info, f, indent=1)


if __name__ == "__main__":
    kplab_py.run_main("tflite_info.py", main)
