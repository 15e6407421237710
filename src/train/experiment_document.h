// An experiment file as one merged YAML document: `base:` chains merged key
// by key, then `--set` overrides, remembering for every key path which file
// (or which --set) last wrote it, so that a validation error names the file
// to fix (train/experiment.cpp reads the merged document).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

namespace kplab {

// "phases[1].loss" -> "phases.1.loss" (the form origins are stored under).
std::string canonical_path(const std::string& where);
// "data" + "cache" -> "data.cache"; "" + "seed" -> "seed".
std::string join_key(const std::string& where, const std::string& key);

// Which file each key path came from (canonical paths; "" is the root).
struct Origins {
  std::string top;                             // the file named by the caller
  std::map<std::string, std::string> by_path;  // longest matching prefix wins

  std::string file_for(const std::string& where) const;
  // `path` (canonical) and everything under it now come from `file`.
  void set(const std::string& path, const std::string& file);
};

struct Document {
  YAML::Node root;
  Origins origins;
};

// `path` with its chain of bases merged in, then each `--set key=value` of
// `overrides` applied (values relative to the working directory).
Document load_experiment_document(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace kplab
