#include "data/schema_from_yolo.h"

#include <filesystem>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "core/yaml_read.h"

namespace kplab {

namespace {

std::string flow_list(const std::vector<std::string>& items) {
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s + "]";
}

}  // namespace

std::string draft_schema_from_yolo(const std::string& data_yaml, const std::string& name) {
  std::filesystem::path path(data_yaml);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) path /= "data.yaml";
  const std::string file = path.string();
  const YAML::Node doc = load_yaml_file(file);
  if (!doc.IsMap()) throw input_error(file, "top level", "a mapping of keys", describe_node(doc));
  const YAML::Node shape = doc["kpt_shape"];
  if (!shape || !shape.IsSequence() || shape.size() != 2)
    throw input_error(file, "kpt_shape", "[K, 2] or [K, 3] (a YOLO-pose data.yaml)", describe_node(shape));
  const int k = yaml_as<int>(shape[0], file, "kpt_shape[0]", "a joint count");
  if (k < 1 || k > 1000) throw input_error(file, "kpt_shape[0]", "a joint count in 1..1000", std::to_string(k));

  std::vector<std::string> joints;
  bool placeholders = false;
  YAML::Node names = doc["kpt_names"];
  if (names && names.IsMap() && names.size() > 0) names = names.begin()->second;  // {class id: [names]}: the first class
  if (names && !names.IsNull()) {
    joints = yaml_list<std::string>(names, file, "kpt_names", "joint names");
    if (static_cast<int>(joints.size()) != k)
      throw input_error(file, "kpt_names", str(k, " names (kpt_shape[0])"), str(joints.size()));
  } else {
    for (int j = 0; j < k; ++j) joints.push_back("kp" + std::to_string(j));
    placeholders = true;
  }

  std::vector<std::vector<std::string>> pairs;
  if (doc["flip_idx"] && !doc["flip_idx"].IsNull()) {
    const std::vector<int> flip = yaml_list<int>(doc["flip_idx"], file, "flip_idx", "a keypoint index");
    if (static_cast<int>(flip.size()) != k)
      throw input_error(file, "flip_idx", str(k, " indices (kpt_shape[0])"), str(flip.size()));
    for (int j = 0; j < k; ++j) {
      const int f = flip[j];
      if (f < 0 || f >= k || flip[f] != j)
        throw input_error(file, str("flip_idx[", j, "]"), "a symmetric permutation (flip_idx[flip_idx[j]] = j)",
                          str(f));
      if (j < f) pairs.push_back({joints[j], joints[f]});
    }
  }

  std::ostringstream out;
  out << "# Drafted by `kplab schema-from-yolo " << file << "` from its kpt_shape"
      << (pairs.empty() ? "" : ", flip_idx") << (placeholders ? "" : " and kpt_names") << ".\n"
      << "# To complete: "
      << (placeholders ? "name the joints (kp0.. are placeholders; rename them in flip_pairs too), " : "")
      << "list the skeleton's bones (drawn on overlays),\n# and set pck.torso to the two joints whose distance "
         "normalises PCK (LSP uses left_shoulder and right_hip).\n"
      << "name: " << name << "\n"
      << "keypoints: " << flow_list(joints) << "\n";
  if (pairs.empty()) {
    out << "flip_pairs: []   # flip_idx missing: no left/right pairs (horizontal flips would swap nothing)\n";
  } else {
    out << "flip_pairs:\n";
    for (const auto& p : pairs) out << "  - " << flow_list(p) << "\n";
  }
  out << "skeleton: []   # TODO: bones to draw, e.g. - [left_shoulder, left_elbow]\n"
      << "# pck:\n#   torso: [JOINT, JOINT]   # TODO: needed for validation PCK during training\n";
  return out.str();
}

}  // namespace kplab
