#include "run_model.h"

#include <filesystem>

#include "models/registry.h"

namespace kplab::cli {

RunModel load_run_model(const std::string& run) {
  RunModel r;
  r.checkpoint = run + "/checkpoints/best.pt";
  if (!std::filesystem::exists(r.checkpoint)) r.checkpoint = run + "/checkpoints/last.pt";
  r.meta = load_checkpoint(r.checkpoint, nullptr, "", nullptr);
  YAML::Node described = YAML::Load(r.meta.model);
  r.model = create_model(described["name"].as<std::string>(), described["options"]);
  YAML::Emitter rebuilt;
  rebuilt << r.model->describe();
  load_checkpoint(r.checkpoint, r.model.get(), rebuilt.c_str(), nullptr);
  return r;
}

}  // namespace kplab::cli
