#include "run/bench_target.h"

#include <filesystem>
#include <onnx/onnx_pb.h>
#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "export/onnx_graph.h"
#include "run/run_model.h"

namespace kplab {

BenchTarget resolve_bench_target(const std::string& target, int size, const ModelRegistry& registry) {
  namespace fs = std::filesystem;
  if (fs::is_directory(target)) {
    RunModel rm = load_run_model(target, registry);
    return {rm.model, rm.checkpoint};
  }
  if (target.size() > 5 && target.substr(target.size() - 5) == ".onnx") {
    auto proto = onnx_export::load_model(target);
    for (const auto& p : proto->metadata_props())
      if (p.key() == "kplab.model") {
        YAML::Node d = YAML::Load(p.value());
        return {registry.get(d["name"].as<std::string>())(d["options"]),
                target + " (architecture from its kplab.model metadata)"};
      }
    throw input_error(target, "metadata_props.kplab.model", "the architecture written by kplab export",
                      "none (not a kplab export)");
  }
  if (fs::exists(target))
    throw input_error(target, "target", "a run folder, an exported .onnx file or a registered model name",
                      "another kind of file");
  YAML::Node o;
  o["input_size"] = size;
  return {registry.get(target)(o), "registry (untrained weights)"};
}

}  // namespace kplab
