// What `kplab bench` times: a run folder (trained weights), an exported
// .onnx (the architecture from its kplab.model metadata; latency does not
// depend on the weight values) or a registry name at a given input size.
#pragma once

#include <string>

#include "model/pose_model.h"

namespace kplab {

struct BenchTarget {
  PoseModel model;
  std::string source;  // what the model came from, for the record
};

// Errors name the target and the kinds accepted.
BenchTarget resolve_bench_target(const std::string& target, int size, const ModelRegistry& registry);

}  // namespace kplab
