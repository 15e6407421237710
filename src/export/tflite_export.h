// kplab export --tflite: an exported ONNX file converted to TFLite by onnx2tf
// (the converter people use for ONNX -> TFLite; tools/py/onnx_to_tflite.py),
// proven in LiteRT (the TFLite runtime, XNNPACK) against LibTorch, and only
// then renamed into place. Refused, leaving no file, when the converted model
// holds any non-builtin (Flex or custom) operator or when the float32 file
// differs from LibTorch by more than the tolerance on coordinates (input
// pixels, 1e-3) or probabilities (1e-4) in LiteRT's builtin kernels: the gate proves the
// conversion (measured: within one float32 ulp of LibTorch); XNNPACK, the
// delegate a phone runs, reorders float sums and is reported beside it (up to
// 1.4e-4 px at 256 px, tools/check_tflite.sh). The file carries kplab metadata: input name,
// NHWC layout, normalisation, and how each output maps to the ONNX layout.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "eval/evaluate.h"
#include "model/pose_model.h"

namespace kplab::onnx_export {

struct TfliteOptions {
  std::string quantize = "none";  // none (float32) | fp16 (float16 weights) | int8 (weights and activations)
  torch::Tensor calibration;      // int8: N x 3 x S x S float32 in [0, 1], images the model will see
  bool overwrite = false;         // replace an existing file
  double tolerance = 1e-4;        // float32 parity bound on probabilities
  double coords_tolerance = 1e-3; // ... and on coordinates, input px (see ExportOptions::coords_tolerance)
  int threads = 1;                // LiteRT threads for the parity runs
};

struct TfliteReport {
  std::string path;
  std::string quantize;
  std::string converter;                               // "onnx2tf X.Y.Z"
  int64_t bytes = 0;                                   // size of the written file
  int64_t float32_bytes = 0;                           // size of the float32 conversion
  std::vector<std::string> operators;                  // TFLite builtin operators used
  std::map<std::string, double> max_abs_diff;          // float32 file, LiteRT builtin kernels vs LibTorch (the gate)
  std::map<std::string, double> parity_bound;          // ... and the bound each output was held to
  std::map<std::string, double> max_abs_diff_xnnpack;  // float32 file, LiteRT XNNPACK vs LibTorch (reported)
  std::map<std::string, double> max_abs_diff_written;  // the written (quantised) file, XNNPACK vs LibTorch (reported)
  nlohmann::json metadata;                             // the 'kplab' metadata inside the file
  nlohmann::json to_json() const;
};

// Converts `onnx_path` (written by export_onnx for `model`) to `tflite_path`.
// Throws kplab::Error naming the file and the reason (onnx2tf's own one-line
// reason, the non-builtin operators, or the parity figure).
TfliteReport export_tflite(PoseModelImpl& model, const std::string& onnx_path, const std::string& tflite_path,
                           const TfliteOptions& options);

// The 'kplab' metadata of a .tflite written by export_tflite (read by the
// venv's Python: tools/py/tflite_info.py). Throws kplab::Error naming the file
// when it is not a TFLite file, is corrupt, or carries no kplab metadata.
nlohmann::json read_tflite_metadata(const std::string& tflite_path);

// Refuses (kplab::Error naming the file, expected and found shapes) a .tflite
// whose input is not 1 x 3 x S x S in the ONNX layout for `input_size`, or whose
// keypoint count differs from `num_keypoints`.
void check_tflite_matches(const nlohmann::json& metadata, const std::string& tflite_path, int input_size,
                          int num_keypoints);

// A predictor (src/eval/evaluate.h) that runs `tflite_path` in LiteRT with
// `threads` threads, exchanging files through `work_dir` (which must outlive
// it): kplab eval scores a .tflite exactly as it scores the LibTorch model.
// `metadata` from read_tflite_metadata; heatmaps come back when the file has them.
BatchPredictor litert_predictor(const std::string& tflite_path, const nlohmann::json& metadata,
                                const std::string& work_dir, int threads);

// Writes images (N x 3 x S x S float) as an NHWC float32 .npy file: onnx2tf's
// calibration input format.
void write_npy_nhwc(const torch::Tensor& images, const std::string& path);

}  // namespace kplab::onnx_export
