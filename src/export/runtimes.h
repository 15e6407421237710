// Running an exported model outside LibTorch, to prove parity:
//  - OpenCV DNN (linked in; what `kplab export` checks every ONNX file with),
//  - ONNX Runtime, an independent ONNX reference, and
//  - LiteRT (the TFLite runtime, XNNPACK on the CPU) for .tflite files,
// the last two through the venv's Python (tools/py/run_model.py). They are
// test-time oracles and export-time provers, never link-time dependencies:
// when the venv is missing they fail with one line naming tools/setup.sh.
#pragma once

#include <torch/torch.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kplab::onnx_export {

// Runs `onnx_path` in OpenCV DNN on `input` (float CPU tensor fed to the
// model's first graph input) and returns the named outputs as CPU float
// tensors shaped as the model declares them (OpenCV may report other shapes
// for low-rank outputs; the element count must agree). Throws kplab::Error.
std::map<std::string, torch::Tensor> run_opencv_dnn(const std::string& onnx_path, const torch::Tensor& input,
                                                    const std::vector<std::string>& outputs);

// Runs `onnx_path` in ONNX Runtime (CPU, graph optimisations off) on `input`
// and returns the named outputs (all graph outputs when `outputs` is empty).
// input's first dimension may be a multiple of the graph's static batch (the
// outputs are then concatenated). Exchange files go to `work_dir` (an
// existing folder). Throws kplab::Error with the runtime's one-line reason.
std::map<std::string, torch::Tensor> run_onnxruntime(const std::string& onnx_path, const torch::Tensor& input,
                                                     const std::vector<std::string>& outputs,
                                                     const std::string& work_dir);

// Which kernels LiteRT runs a .tflite with: XNNPACK, its default CPU
// delegate (what a phone runs), or TFLite's builtin kernels without any
// delegate (what the converted graph computes, to float32 rounding).
enum class LiteRtKernels { xnnpack, builtin };

// The same for a .tflite written by `kplab export --tflite`, in LiteRT with
// `threads` threads: input in the ONNX layout (N x 3 x S x S), outputs in the
// ONNX layout and names; the file's kplab metadata maps its NHWC tensors.
std::map<std::string, torch::Tensor> run_litert(const std::string& tflite_path, const torch::Tensor& input,
                                                const std::vector<std::string>& outputs, const std::string& work_dir,
                                                int threads = 1, LiteRtKernels kernels = LiteRtKernels::xnnpack);

// Latency of `model_path` in the runtime people would use instead of kplab:
// ONNX Runtime for .onnx, LiteRT (XNNPACK) for .tflite, batch as exported,
// `threads` threads, `warmup` + `repeats` runs (tools/py/time_model.py).
// Returns its JSON: runtime, version, median_ms, p90_ms, p99_ms, mean_ms, ...
nlohmann::json time_in_runtime(const std::string& model_path, int threads, int warmup, int repeats);

}  // namespace kplab::onnx_export
