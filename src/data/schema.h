// Keypoint topology as data (datasets/*.yaml): joint names in order, flip
// pairs, skeleton edges, PCK reference joints and mappings to other schemas.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

namespace kplab {

struct Schema {
  std::string name;                            // e.g. "lsp"
  std::string path;                            // file it was read from
  std::vector<std::string> joints;             // K names, in dataset order
  std::vector<std::array<int, 2>> flip_pairs;  // left/right partners
  std::vector<std::array<int, 2>> skeleton;    // edges drawn in overlays
  std::array<int, 2> pck_torso{-1, -1};        // PCK normaliser (LSP: left shoulder, right hip)
  std::array<int, 2> pck_head{-1, -1};         // PCKh normaliser (neck, head top)
  // mappings[target schema name][target joint name] = source joints averaged
  // to make it (one name: copied; several: mean of all, labeled only when all
  // are; empty: absent here, always masked).
  std::map<std::string, std::map<std::string, std::vector<std::string>>> mappings;
  std::string text;  // the YAML it was read from: checkpoints and exported files carry it, so models describe themselves

  int num_joints() const { return static_cast<int>(joints.size()); }
  // Index of `joint`, or -1.
  int index_of(const std::string& joint) const;
  // perm[i] = the joint that takes joint i's place after a horizontal flip.
  std::vector<int64_t> flip_permutation() const;
};

// Reads and validates a schema file: unknown keys, duplicate names and joint
// names that are not in `keypoints` fail, naming the file and field.
Schema load_schema(const std::string& path);

// The same from YAML text (a checkpoint's or an ONNX file's copy); `where` names it in errors.
Schema parse_schema(const std::string& text, const std::string& where);

// How to build the joints of `to` from the joints of `from` (one entry per
// joint of `to`: the source indices to average; empty = absent). Uses
// from.mappings[to.name]; identical joint lists need no mapping.
std::vector<std::vector<int>> schema_mapping(const Schema& from, const Schema& to);

}  // namespace kplab
