// Where a trained model's schema comes from, wherever the model is read: the
// copy a checkpoint (or an exported file) carries, else the schema file its
// experiment names. One lookup for eval, export, predict and transfer learning.
#pragma once

#include <optional>
#include <string>

#include "data/schema.h"
#include "train/checkpoint.h"

namespace kplab {

// The schema file an experiment (its YAML text) names under data.schema,
// found as given (from the working directory) or, for a schema shipped in
// datasets/, in kplab's source tree; nullopt when the text names none, is
// not YAML, or the file is in neither place.
std::optional<std::string> find_experiment_schema(const std::string& experiment_yaml);

// The schema a checkpoint's model was trained in: its own copy, else the file
// its experiment names (find_experiment_schema). Throws kplab::Error naming
// `path` (or the missing schema file) when neither is there.
Schema checkpoint_schema(const Checkpoint& c, const std::string& path);

}  // namespace kplab
