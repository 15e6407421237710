// Reading YAML with errors that name the file and the key path
// ("datasets/lsp.yaml: flip_pairs[2][1]: expected a joint name, found 'x'").
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace kplab {

// Parses a YAML file; a missing file or a syntax error names the file and line.
YAML::Node load_yaml_file(const std::string& path);

// Describes what a node holds, for the "found ..." part of an error.
std::string describe_node(const YAML::Node& node);

// Fails naming the first key of `map` not in `allowed` (typos must not pass silently).
void check_known_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                      const std::string& file, const std::string& where);

// Converts a scalar to T or fails naming file, key path, the expected type and the value found.
template <typename T>
T yaml_as(const YAML::Node& node, const std::string& file, const std::string& where,
          const std::string& expected) {
  if (!node || !node.IsScalar()) throw input_error(file, where, expected, describe_node(node));
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw input_error(file, where, expected, "'" + node.Scalar() + "'");
  }
}

// A required sequence of scalars.
template <typename T>
std::vector<T> yaml_list(const YAML::Node& node, const std::string& file, const std::string& where,
                         const std::string& expected_item) {
  if (!node || !node.IsSequence())
    throw input_error(file, where, "a list of " + expected_item, describe_node(node));
  std::vector<T> out;
  for (size_t i = 0; i < node.size(); ++i)
    out.push_back(yaml_as<T>(node[i], file, where + "[" + std::to_string(i) + "]", expected_item));
  return out;
}

}  // namespace kplab
