#include "data/schema.h"

#include <fstream>
#include <iterator>
#include <set>

#include "core/error.h"
#include "core/yaml_read.h"

namespace kplab {

int Schema::index_of(const std::string& joint) const {
  for (size_t i = 0; i < joints.size(); ++i)
    if (joints[i] == joint) return static_cast<int>(i);
  return -1;
}

std::vector<int64_t> Schema::flip_permutation() const {
  std::vector<int64_t> perm(joints.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int64_t>(i);
  for (const auto& p : flip_pairs) {
    perm[p[0]] = p[1];
    perm[p[1]] = p[0];
  }
  return perm;
}

namespace {

int joint_index(const Schema& s, const YAML::Node& node, const std::string& where) {
  auto name = yaml_as<std::string>(node, s.path, where, "a joint name of schema " + s.name);
  int idx = s.index_of(name);
  if (idx < 0) throw input_error(s.path, where, "a joint name of schema " + s.name, "'" + name + "'");
  return idx;
}

std::array<int, 2> joint_pair(const Schema& s, const YAML::Node& node, const std::string& where) {
  if (!node.IsSequence() || node.size() != 2)
    throw input_error(s.path, where, "a pair [joint, joint]", describe_node(node));
  return {joint_index(s, node[0], where + "[0]"), joint_index(s, node[1], where + "[1]")};
}

std::vector<std::array<int, 2>> joint_pairs(const Schema& s, const YAML::Node& node, const std::string& where) {
  std::vector<std::array<int, 2>> out;
  if (!node) return out;
  if (!node.IsSequence()) throw input_error(s.path, where, "a list of joint pairs", describe_node(node));
  for (size_t i = 0; i < node.size(); ++i)
    out.push_back(joint_pair(s, node[i], where + "[" + std::to_string(i) + "]"));
  return out;
}

}  // namespace

namespace {

Schema schema_from_node(const YAML::Node& root, const std::string& path) {
  check_known_keys(root, {"name", "keypoints", "flip_pairs", "skeleton", "pck", "mappings"}, path, "");
  Schema s;
  s.path = path;
  s.name = yaml_as<std::string>(root["name"], path, "name", "a schema name");
  s.joints = yaml_list<std::string>(root["keypoints"], path, "keypoints", "joint names");
  KP_CHECK(!s.joints.empty(), path, ": keypoints: expected at least one joint, found none");
  std::set<std::string> seen;
  for (size_t i = 0; i < s.joints.size(); ++i)
    if (!seen.insert(s.joints[i]).second)
      throw input_error(path, "keypoints[" + std::to_string(i) + "]", "unique joint names",
                        "'" + s.joints[i] + "' a second time");

  s.flip_pairs = joint_pairs(s, root["flip_pairs"], "flip_pairs");
  std::set<int> flipped;
  for (size_t i = 0; i < s.flip_pairs.size(); ++i) {
    const auto& p = s.flip_pairs[i];
    std::string where = "flip_pairs[" + std::to_string(i) + "]";
    if (p[0] == p[1]) throw input_error(path, where, "two different joints", "'" + s.joints[p[0]] + "' twice");
    for (int j : p)
      if (!flipped.insert(j).second)
        throw input_error(path, where, "each joint in at most one flip pair", "'" + s.joints[j] + "' again");
  }
  s.skeleton = joint_pairs(s, root["skeleton"], "skeleton");

  if (YAML::Node pck = root["pck"]) {
    check_known_keys(pck, {"torso", "head"}, path, "pck");
    if (pck["torso"]) s.pck_torso = joint_pair(s, pck["torso"], "pck.torso");
    if (pck["head"]) s.pck_head = joint_pair(s, pck["head"], "pck.head");
  }

  if (YAML::Node maps = root["mappings"]) {
    if (!maps.IsMap()) throw input_error(path, "mappings", "a mapping of schema names", describe_node(maps));
    for (const auto& target : maps) {
      std::string tname = yaml_as<std::string>(target.first, path, "mappings", "schema names as keys");
      std::string where = "mappings." + tname;
      if (!target.second.IsMap()) throw input_error(path, where, "a mapping of joint names", describe_node(target.second));
      auto& table = s.mappings[tname];
      for (const auto& entry : target.second) {
        std::string tjoint = yaml_as<std::string>(entry.first, path, where, "joint names as keys");
        std::string w = where + "." + tjoint;
        std::vector<std::string> sources;
        const YAML::Node& v = entry.second;
        if (v.IsNull()) {
        } else if (v.IsScalar()) {
          sources.push_back(s.joints[joint_index(s, v, w)]);
        } else if (v.IsSequence()) {
          for (size_t i = 0; i < v.size(); ++i)
            sources.push_back(s.joints[joint_index(s, v[i], w + "[" + std::to_string(i) + "]")]);
        } else {
          throw input_error(path, w, "a joint name, a list of joint names or null", describe_node(v));
        }
        table[tjoint] = sources;
      }
    }
  }
  return s;
}

}  // namespace

Schema load_schema(const std::string& path) {
  Schema s = schema_from_node(load_yaml_file(path), path);
  std::ifstream in(path, std::ios::binary);
  s.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return s;
}

Schema parse_schema(const std::string& text, const std::string& where) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw input_error(where, "schema", "valid YAML", e.msg);
  }
  if (!root.IsMap()) throw input_error(where, "schema", "a mapping (name, keypoints, ...)", describe_node(root));
  Schema s = schema_from_node(root, where);
  s.text = text;
  return s;
}

std::vector<std::vector<int>> schema_mapping(const Schema& from, const Schema& to) {
  std::vector<std::vector<int>> out(to.joints.size());
  if (from.joints == to.joints) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = {static_cast<int>(i)};
    return out;
  }
  auto it = from.mappings.find(to.name);
  if (it == from.mappings.end())
    throw input_error(from.path, "mappings." + to.name, "a mapping from " + from.name + " to " + to.name,
                      "none (the schemas' joints differ)");
  const auto& table = it->second;
  for (const auto& kv : table)
    if (to.index_of(kv.first) < 0)
      throw input_error(from.path, "mappings." + to.name + "." + kv.first,
                        "a joint name of schema " + to.name + " (" + to.path + ")", "'" + kv.first + "'");
  for (size_t j = 0; j < to.joints.size(); ++j) {
    auto e = table.find(to.joints[j]);
    if (e == table.end())
      throw input_error(from.path, "mappings." + to.name, "an entry for every joint of " + to.name,
                        "none for '" + to.joints[j] + "' (write '" + to.joints[j] + ": ~' if it is absent)");
    for (const auto& src : e->second) out[j].push_back(from.index_of(src));
  }
  return out;
}

}  // namespace kplab
