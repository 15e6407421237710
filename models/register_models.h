// The one registry table of model families (filled by later work on models/).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>

#include "core/registry.h"

namespace kplab {

// Builds a model from its registry name's preset plus option overrides (YAML text).
using ModelBuilder = std::function<torch::nn::AnyModule(const std::string& overrides_yaml)>;
using ModelRegistry = Registry<ModelBuilder>;

// Fills `registry` with every model family kplab ships. Called once at start
// by tools/ and the tests.
void register_models(ModelRegistry& registry);

}  // namespace kplab
