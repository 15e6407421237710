#include "core/yaml_read.h"

#include <filesystem>

namespace kplab {

YAML::Node load_yaml_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    throw input_error(path, "file", "an existing YAML file", "no such file");
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw Error(str(path, ":", e.mark.line + 1, ": YAML syntax error: ", e.msg));
  }
}

std::string describe_node(const YAML::Node& node) {
  if (!node || node.IsNull()) return "nothing";
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list of " + std::to_string(node.size());
  if (node.IsMap()) return "a mapping";
  return "an undefined node";
}

void check_known_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                      const std::string& file, const std::string& where) {
  if (!map.IsMap()) throw input_error(file, where.empty() ? "top level" : where, "a mapping", describe_node(map));
  for (const auto& kv : map) {
    // A key may be a list or a mapping in YAML (`? [a, b]`); as<std::string>() would throw YAML's exception.
    std::string key = yaml_as<std::string>(kv.first, file, where.empty() ? "top level" : where, "scalar keys");
    if (allowed.count(key)) continue;
    std::string known;
    for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
    throw input_error(file, where.empty() ? key : where + "." + key, "one of the keys {" + known + "}",
                      "unknown key '" + key + "'");
  }
}

}  // namespace kplab
