#include "train/trained_schema.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "core/error.h"
#include "export/python_tools.h"

namespace fs = std::filesystem;

namespace kplab {

namespace {

// data.schema as written in the experiment, or "".
std::string named_schema(const std::string& experiment_yaml) {
  YAML::Node config;
  try {
    config = YAML::Load(experiment_yaml);
  } catch (const YAML::Exception&) {
    return "";
  }
  if (!config.IsMap() || !config["data"] || !config["data"]["schema"] || !config["data"]["schema"].IsScalar()) return "";
  return config["data"]["schema"].as<std::string>();
}

}  // namespace

std::optional<std::string> find_experiment_schema(const std::string& experiment_yaml) {
  const std::string path = named_schema(experiment_yaml);
  if (path.empty()) return std::nullopt;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return path;
  const fs::path shipped = fs::path(onnx_export::source_tree()) / path;
  if (fs::path(path).is_relative() && fs::is_regular_file(shipped, ec)) return shipped.string();
  return std::nullopt;
}

Schema checkpoint_schema(const Checkpoint& c, const std::string& path) {
  if (!c.schema_yaml.empty()) return parse_schema(c.schema_yaml, path + " (its schema)");
  if (const auto found = find_experiment_schema(c.config)) return load_schema(*found);
  const std::string named = named_schema(c.config);
  if (named.empty()) throw input_error(path, "config data.schema", "the schema the model was trained in", "none");
  return load_schema(named);  // the error names the missing file
}

}  // namespace kplab
