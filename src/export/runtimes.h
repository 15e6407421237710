// Running an exported ONNX file outside LibTorch, to prove parity:
//  - OpenCV DNN (linked in; what `kplab export` checks every file with), and
//  - ONNX Runtime, an independent reference, through node and the npm package
//    onnxruntime-node (tools/ort/run_onnx.js). A test-time oracle only: when
//    node or the package is missing, onnxruntime_available() says why and the
//    tests skip.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace kplab::onnx_export {

// Runs `onnx_path` in OpenCV DNN on `input` (float CPU tensor fed to the
// model's first graph input) and returns the named outputs as CPU float
// tensors shaped as the model declares them (OpenCV may report other shapes
// for low-rank outputs; the element count must agree). Throws kplab::Error.
std::map<std::string, torch::Tensor> run_opencv_dnn(const std::string& onnx_path, const torch::Tensor& input,
                                                    const std::vector<std::string>& outputs);

// Where tools/ort lives: `ort_dir` when not empty, else $KPLAB_ORT_DIR, else
// "tools/ort" (relative to the working directory: the repository root).
std::string resolve_ort_dir(const std::string& ort_dir = "");

// True when node is on PATH and ORT_DIR/node_modules/onnxruntime-node is
// installed (tools/ort/install.sh). Otherwise false, with the reason in *why.
bool onnxruntime_available(const std::string& ort_dir = "", std::string* why = nullptr);

// Runs `onnx_path` in ONNX Runtime (CPU) on `input` via
// `node ORT_DIR/run_onnx.js` and returns the named outputs (all graph outputs
// when `outputs` is empty). Exchange files go to `work_dir` (an existing
// folder). Throws kplab::Error carrying node's stderr on failure.
std::map<std::string, torch::Tensor> run_onnxruntime(const std::string& onnx_path, const torch::Tensor& input,
                                                     const std::vector<std::string>& outputs,
                                                     const std::string& work_dir, const std::string& ort_dir = "");

}  // namespace kplab::onnx_export
