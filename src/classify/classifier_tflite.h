// classifier.tflite: the posture classifier for a phone, converted from
// classifier.onnx by onnx2tf (the converter kplab export --tflite uses,
// tools/py/onnx_to_tflite.py) and proven in LiteRT against LibTorch on the
// training rows' features before it is written. Refused, writing nothing,
// when the file holds a non-builtin (Flex or custom) operator or differs by
// more than `tolerance` in probability.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "classify/classifier_file.h"

namespace kplab::classify {

// Converts `onnx_path` (classifier.onnx of `c`) to `tflite_path`; `features`
// (N x F raw) are what parity is checked on. Returns the converter, the
// operators, the file's size and the max |LiteRT - LibTorch| per kernel set.
nlohmann::json save_classifier_tflite(const SavedClassifier& c, const std::string& onnx_path,
                                      const std::string& tflite_path, const torch::Tensor& features,
                                      double tolerance = 1e-5);

}  // namespace kplab::classify
