// Paths inside an experiment file (data.cache, data.schema, init.from; base:
// too) are relative to the file that names them, so an experiment, a run's
// config.yaml or a zoo folder works from any working directory. Paths given on
// the command line (--set data.cache=...) stay relative to the working
// directory. These functions move a document's path fields between the two.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace kplab {

// Rewrites the relative path fields of `doc`, read from `file`, so that they
// work from the working directory. A value found only relative to the working
// directory (experiments written for kplab before paths followed their file)
// is kept as it is, with a warning naming the file and the field.
void resolve_experiment_paths(YAML::Node doc, const std::string& file);

// Rewrites the path fields of `doc` (which work from the working directory)
// relative to `folder`, for a file written there. Paths written absolute stay
// absolute; paths resolve_experiment_paths made absolute go back to relative.
void relativize_experiment_paths(YAML::Node doc, const std::string& folder);

// Drops resolve_experiment_paths' marks, for a document emitted as it is.
void untag_experiment_paths(YAML::Node doc);

// `yaml`, an experiment document read from `from_file`, with its path fields
// rewritten for a file in `to_folder` (release copies a run's config.yaml).
std::string rebase_experiment_yaml(const std::string& yaml, const std::string& from_file, const std::string& to_folder);

}  // namespace kplab
