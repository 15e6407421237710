#include "train/transfer.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "data/schema.h"
#include "train/checkpoint.h"
#include "train/freeze.h"
#include "train/trained_schema.h"

namespace fs = std::filesystem;

namespace kplab {

namespace {

std::string shape_text(const torch::Tensor& t) {
  std::string s;
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? "x" : "") + std::to_string(t.size(i));
  return s;
}

// The source's joint names: saved in the checkpoint, or (older checkpoints)
// those of the schema it was trained in.
std::vector<std::string> source_joints(const Checkpoint& c, const std::string& path, int64_t k) {
  if (!c.joint_names.empty()) return c.joint_names;
  const Schema schema = checkpoint_schema(c, path);
  if (schema.num_joints() != k)
    throw input_error(path, "joint names", str(k, " (the model's keypoints)"), str(schema.num_joints(), " in ", schema.path));
  return schema.joints;
}

bool wanted(const std::string& name, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns)
    if (matches_pattern(name, p)) return true;
  return false;
}

}  // namespace

std::string init_checkpoint_path(const InitConfig& init) {
  const fs::path from(init.from);
  std::error_code ec;
  if (fs::is_regular_file(from, ec)) return from.string();
  if (!fs::is_directory(from, ec))
    throw input_error(init.from, "init.from", "a zoo or run folder or a checkpoint file", "no such file or folder");
  const fs::path best = from / "checkpoints" / "best.pt", last = from / "checkpoints" / "last.pt";
  if (init.checkpoint == "best" && fs::is_regular_file(best, ec)) return best.string();
  if (fs::is_regular_file(last, ec)) return last.string();
  throw input_error(init.from, "init.from", "a folder with checkpoints/best.pt or last.pt", "none of them");
}

TransferReport transfer_weights(const InitConfig& init, PoseModelImpl& target, const std::vector<std::string>& target_joints,
                                const ModelRegistry& registry) {
  TransferReport rep;
  rep.checkpoint = init_checkpoint_path(init);
  const Checkpoint meta = load_checkpoint(rep.checkpoint, nullptr, "", nullptr);
  const YAML::Node described = YAML::Load(meta.model);
  if (!described["name"] || !registry.contains(described["name"].as<std::string>()))
    throw input_error(rep.checkpoint, "model", "a model of this build's registry", meta.model.substr(0, 80));
  rep.source_model = described["name"].as<std::string>();
  PoseModel source = registry.get(rep.source_model)(described["options"]);
  YAML::Emitter rebuilt;
  rebuilt << source->describe();
  load_checkpoint(rep.checkpoint, source.get(), rebuilt.c_str(), nullptr);

  rep.source_joints = source_joints(meta, rep.checkpoint, source->num_keypoints());
  rep.target_joints = target_joints;
  int shared = 0;
  for (const auto& name : target_joints) {
    auto it = std::find(rep.source_joints.begin(), rep.source_joints.end(), name);
    rep.joint_map.push_back(it == rep.source_joints.end() ? -1 : static_cast<int>(it - rep.source_joints.begin()));
    shared += rep.joint_map.back() >= 0;
  }
  if (shared == 0)
    throw input_error(rep.checkpoint, "joint names", "at least one joint shared with this run's schema",
                      "none (the model knows " + std::to_string(rep.source_joints.size()) + " other joints)");

  const auto source_rows = source->keypoint_parameters(), target_rows = target.keypoint_parameters();
  torch::OrderedDict<std::string, torch::Tensor> from = source->named_parameters();
  for (const auto& b : source->named_buffers()) from.insert(b.key(), b.value());
  torch::NoGradGuard no_grad;
  auto copy_into = [&](const std::string& name, torch::Tensor to) {
    if (!wanted(name, init.load)) return;
    const torch::Tensor* src = from.find(name);
    if (!src) {
      rep.fresh.emplace_back(name, "not in " + rep.source_model);
      return;
    }
    auto rt = target_rows.find(name), rs = source_rows.find(name);
    const bool per_joint = rt != target_rows.end() && rs != source_rows.end() && rt->second == rs->second;
    if (per_joint && src->dim() == to.dim() && src->sizes().slice(1) == to.sizes().slice(1)) {
      const int64_t r = rt->second;
      for (size_t j = 0; j < rep.joint_map.size(); ++j)
        if (rep.joint_map[j] >= 0) to.narrow(0, j * r, r).copy_(src->narrow(0, rep.joint_map[j] * r, r));
      rep.per_joint.push_back(name);
    } else if (!per_joint && src->sizes() == to.sizes()) {
      to.copy_(*src);
      rep.loaded.push_back(name);
    } else {
      rep.fresh.emplace_back(name, str("shape ", shape_text(*src), " in the source, ", shape_text(to), " here"));
    }
  };
  for (const auto& p : target.named_parameters()) copy_into(p.key(), p.value());
  for (const auto& b : target.named_buffers()) copy_into(b.key(), b.value());
  if (rep.loaded.empty() && rep.per_joint.empty())
    throw input_error(rep.checkpoint, "weights", str("parameters that fit this ", target.describe()["name"].as<std::string>(),
                                                     init.load.empty() ? "" : " and match init.load"),
                      str("none of ", rep.source_model, "'s"));
  return rep;
}

std::string TransferReport::text() const {
  std::string s = str("init: ", loaded.size() + per_joint.size(), " tensors from ", checkpoint, " (", source_model, "): ",
                      loaded.size(), " whole, ", per_joint.size(), " joint by joint, ", fresh.size(), " fresh\n");
  std::string mapped, fresh_joints;
  for (size_t j = 0; j < joint_map.size(); ++j) {
    if (joint_map[j] < 0) {
      fresh_joints += (fresh_joints.empty() ? "" : ", ") + target_joints[j];
    } else if (source_joints[joint_map[j]] != target_joints[j] || static_cast<int>(j) != joint_map[j]) {
      mapped += str(mapped.empty() ? "" : ", ", target_joints[j], " <- ", joint_map[j]);
    }
  }
  s += str("  joints: ", joint_map.size() - std::count(joint_map.begin(), joint_map.end(), -1), " of ", joint_map.size(),
           " from the source", mapped.empty() ? "" : " (reordered: " + mapped + ")",
           fresh_joints.empty() ? "" : "; fresh: " + fresh_joints, "\n");
  for (const auto& [name, why] : fresh) s += str("  fresh: ", name, " (", why, ")\n");
  return s;
}

nlohmann::json TransferReport::json() const {
  nlohmann::json joints = nlohmann::json::array();
  for (size_t j = 0; j < joint_map.size(); ++j)
    joints.push_back({{"joint", target_joints[j]},
                      {"from", joint_map[j] < 0 ? nlohmann::json(nullptr) : nlohmann::json(source_joints[joint_map[j]])}});
  nlohmann::json not_loaded = nlohmann::json::array();
  for (const auto& [name, why] : fresh) not_loaded.push_back({{"name", name}, {"why", why}});
  return {{"checkpoint", checkpoint}, {"source_model", source_model}, {"joints", joints},
          {"loaded", loaded},         {"per_joint", per_joint},       {"fresh", not_loaded}};
}

}  // namespace kplab
