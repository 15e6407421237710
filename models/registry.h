// The one registry table of kplab's model families and presets.
#pragma once

#include <string>

#include "model/pose_model.h"

namespace kplab {

// Fills `registry` with every model kplab ships (an explicit table: static
// self-registration can be dropped by the linker from static libraries).
void register_models(ModelRegistry& registry);

// The registry filled once; create_model(name, overrides) builds from it.
const ModelRegistry& model_registry();
PoseModel create_model(const std::string& name, const YAML::Node& overrides = YAML::Node());

}  // namespace kplab
