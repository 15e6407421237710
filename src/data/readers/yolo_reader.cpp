// YOLO-pose reader (Ultralytics layout).
//
// data.yaml:  path (optional root, relative to the yaml's folder), train, val,
// test (optional): image folders relative to path; kpt_shape: [K, 2|3];
// flip_idx (optional permutation of K); names (map or list). Other keys are
// ignored: Ultralytics files carry many.
// Labels: for .../images/.../a.jpg the label file is .../labels/.../a.txt (the
// last `images` component replaced). Each line: cls cx cy w h, then K x (x y v)
// or K x (x y), all normalized to [0, 1] of the image size.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/yaml_read.h"
#include "data/readers/readers.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;

// Values far outside [0, 1] are not rounding noise but broken labels.
constexpr double kMinCoord = -1.0, kMaxCoord = 2.0;
// Box edges may pass the image border by this much (rounding of labelling tools).
constexpr double kBoxEdgeSlack = 0.02;

bool is_image_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

// .../images/x/y.jpg -> .../labels/x/y.txt (last `images` component); an image
// outside any `images` folder has its label beside it.
fs::path label_path_for(const fs::path& image) {
  std::vector<fs::path> parts(image.begin(), image.end());
  for (size_t i = parts.size() - 1; i-- > 0;) {  // never the file name itself
    if (parts[i] == "images") {
      parts[i] = "labels";
      break;
    }
  }
  fs::path out;
  for (const auto& p : parts) out /= p;
  out.replace_extension(".txt");
  return out;
}

// Full-token number parse: "0.5" ok, "0.5x" / "" not.
bool parse_number(const std::string& tok, double& out) {
  if (tok.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(tok.c_str(), &end);
  return end == tok.c_str() + tok.size() && errno != ERANGE;
}

struct Schema {
  int k = 0;
  int dims = 3;
  size_t num_classes = 0;
};

// One label line's columns as numbers: cls cx cy w h, then K x (x y [v]).
std::vector<double> label_numbers(const std::vector<std::string>& toks, const std::string& where, const Schema& s) {
  const size_t expected = 5 + static_cast<size_t>(s.k) * s.dims;
  if (toks.size() != expected)
    throw input_error(where, "columns",
                      str(expected, " (cls cx cy w h + ", s.k, " x ", s.dims == 3 ? "(x y v)" : "(x y)", ")"),
                      str(toks.size()));
  std::vector<double> vals(toks.size());
  for (size_t c = 0; c < toks.size(); ++c) {
    if (!parse_number(toks[c], vals[c]))
      throw input_error(where, str("column ", c + 1), "a number", "'" + toks[c] + "'");
  }
  return vals;
}

void check_class_and_box(const std::vector<double>& vals, const std::vector<std::string>& toks,
                         const std::string& where, const Schema& s) {
  // Class id: a non-negative integer below the number of names.
  double cls = vals[0];
  if (!std::isfinite(cls) || cls < 0 || cls != std::floor(cls) || cls >= static_cast<double>(s.num_classes))
    throw input_error(where, "class id", str("an integer in [0, ", s.num_classes, ") (the names in data.yaml)"),
                      "'" + toks[0] + "'");
  // The box is normalized to the image, as Ultralytics requires ([0, 1]),
  // and lies inside it: a box that does not would give a crop of padding
  // with "visible" joints outside it.
  static const char* box_names[4] = {"cx", "cy", "w", "h"};
  for (int c = 1; c <= 4; ++c) {
    double val = vals[c];
    if (!std::isfinite(val) || val < 0 || val > 1)
      throw input_error(where, box_names[c - 1], "a normalized value in [0, 1]", "'" + toks[c] + "'");
  }
  for (int axis = 0; axis < 2; ++axis) {
    const double lo = vals[1 + axis] - vals[3 + axis] / 2, hi = vals[1 + axis] + vals[3 + axis] / 2;
    if (lo < -kBoxEdgeSlack || hi > 1 + kBoxEdgeSlack)
      throw input_error(where, axis ? "box (cy, h)" : "box (cx, w)", "a box inside the image (edges in [0, 1])",
                        str("edges ", lo, " .. ", hi));
  }
}

// Keypoint j's visibility: the v column, or for (x y) labels 0 at (0, 0).
int keypoint_visibility(const std::vector<double>& vals, const std::vector<std::string>& toks,
                        const std::string& where, const Schema& s, int j) {
  const size_t c = 5 + static_cast<size_t>(j) * s.dims;
  if (s.dims != 3) return (vals[c] == 0.0 && vals[c + 1] == 0.0) ? 0 : 2;  // (0, 0) marks an unlabeled keypoint
  double fv = vals[c + 2];
  if (fv != 0.0 && fv != 1.0 && fv != 2.0)
    throw input_error(where, str("keypoint ", j, " v (column ", c + 3, ")"),
                      "0 (unlabeled), 1 (occluded) or 2 (visible)", "'" + toks[c + 2] + "'");
  return static_cast<int>(fv);
}

// A checked label line as a person; unlabeled keypoints are counted in `stats`.
RawPerson person_from_line(const std::vector<double>& vals, const std::vector<std::string>& toks,
                           const std::string& where, const Schema& s, ReadStats& stats) {
  RawPerson p;
  p.has_box = true;
  p.box[0] = static_cast<float>(vals[1] - vals[3] / 2);
  p.box[1] = static_cast<float>(vals[2] - vals[4] / 2);
  p.box[2] = static_cast<float>(vals[3]);
  p.box[3] = static_cast<float>(vals[4]);
  p.xy.assign(2 * s.k, 0.f);
  p.labeled.assign(s.k, 0);
  p.occluded.assign(s.k, 0);
  for (int j = 0; j < s.k; ++j) {
    size_t c = 5 + static_cast<size_t>(j) * s.dims;
    const int v = keypoint_visibility(vals, toks, where, s, j);
    if (v == 0) {
      ++stats.masked_joints["unlabeled"];
      continue;  // coordinates of an unlabeled keypoint are not used
    }
    for (int a = 0; a < 2; ++a) {
      double val = vals[c + a];
      if (!std::isfinite(val) || val < kMinCoord || val > kMaxCoord)
        throw input_error(where, str("keypoint ", j, a ? " y" : " x", " (column ", c + a + 1, ")"),
                          str("a normalized value in [", kMinCoord, ", ", kMaxCoord, "]"),
                          "'" + toks[c + a] + "'");
    }
    p.xy[2 * j] = static_cast<float>(vals[c]);
    p.xy[2 * j + 1] = static_cast<float>(vals[c + 1]);
    p.labeled[j] = 1;
    p.occluded[j] = v == 1;
  }
  p.class_id = static_cast<int>(vals[0]);  // checked by check_class_and_box
  return p;
}

void parse_label_file(const fs::path& label_file, const Schema& s, RawImage& img, ReadStats& stats) {
  const std::string lfile = label_file.string();
  std::ifstream in(label_file);
  if (!in) throw input_error(lfile, "file", "a readable label file", "a file that cannot be opened");
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream ls(line);
    std::vector<std::string> toks;
    for (std::string t; ls >> t;) toks.push_back(t);
    if (toks.empty()) continue;
    const std::string where = str(lfile, ":", line_no);
    const std::vector<double> vals = label_numbers(toks, where, s);
    check_class_and_box(vals, toks, where, s);
    img.people.push_back(person_from_line(vals, toks, where, s, stats));
  }
}

// The image folders one split names (a string, or a list of strings).
std::vector<fs::path> split_folders(const YAML::Node& node, const std::string& key, const fs::path& base,
                                    const std::string& yfile) {
  std::vector<std::string> entries;
  if (node.IsSequence())
    entries = yaml_list<std::string>(node, yfile, key, "an image folder path");
  else
    entries.push_back(yaml_as<std::string>(node, yfile, key, "an image folder path"));
  std::vector<fs::path> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string field = node.IsSequence() ? str(key, "[", i, "]") : key;
    fs::path p(entries[i]);
    if (p.is_relative()) p = base / p;
    std::error_code exists_ec;
    // Roboflow's and Kaggle's exports say "../train/images" from a data.yaml
    // that sits beside train/: Ultralytics then drops the "../", and so do we.
    if (!fs::exists(p, exists_ec) && entries[i].rfind("../", 0) == 0) p = base / entries[i].substr(3);
    if (p.extension() == ".txt")
      throw input_error(yfile, field, "a folder of images (.txt image lists are not supported)",
                        "'" + entries[i] + "'");
    std::error_code ec;  // not the throwing overload: a name too long must not escape as filesystem_error
    if (!fs::is_directory(p, ec))
      throw input_error(yfile, field, "an existing folder of images", str("'", entries[i], "' (", p.string(), " does not exist)"));
    out.push_back(p);
  }
  return out;
}

std::string index_list(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// path: the dataset root, relative to the yaml's folder; the yaml's folder when absent.
fs::path dataset_base(const YAML::Node& doc, const fs::path& yaml_dir, const std::string& yfile) {
  if (!doc["path"] || doc["path"].IsNull()) return yaml_dir;
  fs::path p(yaml_as<std::string>(doc["path"], yfile, "path", "a folder path"));
  fs::path base = p.is_relative() ? yaml_dir / p : p;
  std::error_code ec;  // not the throwing overload: a name too long must not escape as filesystem_error
  if (!fs::is_directory(base, ec))
    throw input_error(yfile, "path", "an existing dataset folder", str("'", p.string(), "' (", base.string(), " does not exist)"));
  return base;
}

// kpt_shape: [K, 2 or 3], K = the schema's joint count.
Schema read_kpt_shape(const YAML::Node& doc, const std::string& yfile, int num_joints) {
  const YAML::Node ks = doc["kpt_shape"];
  const std::string expected_shape = str("[", num_joints, ", 3] or [", num_joints, ", 2] (the schema has ", num_joints, " joints)");
  if (!ks || !ks.IsSequence() || ks.size() != 2)
    throw input_error(yfile, "kpt_shape", expected_shape, describe_node(ks));
  Schema s;
  s.k = yaml_as<int>(ks[0], yfile, "kpt_shape[0]", "an integer joint count");
  s.dims = yaml_as<int>(ks[1], yfile, "kpt_shape[1]", "2 or 3");
  if (s.k != num_joints || (s.dims != 2 && s.dims != 3))
    throw input_error(yfile, "kpt_shape", expected_shape, str("[", s.k, ", ", s.dims, "]"));
  return s;
}

// flip_idx: optional permutation of the K keypoints.
void check_flip_idx(const YAML::Node& doc, const std::string& yfile, int k, const std::vector<int64_t>& schema_flip,
                    const std::string& schema_name) {
  if (!doc["flip_idx"] || doc["flip_idx"].IsNull()) return;
  auto flip = yaml_list<int>(doc["flip_idx"], yfile, "flip_idx", "a keypoint index");
  if (static_cast<int>(flip.size()) != k)
    throw input_error(yfile, "flip_idx", str("a list of ", k, " indices (kpt_shape[0])"), str("a list of ", flip.size()));
  std::vector<int> seen(k, 0);
  for (size_t i = 0; i < flip.size(); ++i) {
    if (flip[i] < 0 || flip[i] >= k)
      throw input_error(yfile, str("flip_idx[", i, "]"), str("an index in [0, ", k, ")"), str(flip[i]));
    if (seen[flip[i]]++)
      throw input_error(yfile, str("flip_idx[", i, "]"), "a permutation (each index once)", str(flip[i], " repeated"));
  }
  // The dataset's left/right pairs must be the schema's: a disagreement
  // would mirror labels one way in augmentation and another in evaluation.
  if (!schema_flip.empty() && std::vector<int64_t>(flip.begin(), flip.end()) != schema_flip)
    throw input_error(yfile, "flip_idx", str(index_list(schema_flip), " (the flip pairs of schema ", schema_name, ")"),
                      index_list(std::vector<int64_t>(flip.begin(), flip.end())));
}

// names: required, a map {id: name} or a list; the class count is one past the largest id.
size_t count_classes(const YAML::Node& doc, const std::string& yfile) {
  const YAML::Node names = doc["names"];
  if (!names || !(names.IsMap() || names.IsSequence()) || names.size() == 0)
    throw input_error(yfile, "names", "a non-empty map {id: name} or list of class names", describe_node(names));
  if (!names.IsMap()) return names.size();
  size_t num_classes = 0;
  for (const auto& kv : names) {
    int id = yaml_as<int>(kv.first, yfile, "names", "integer class ids as keys");
    if (id < 0) throw input_error(yfile, "names", "class ids >= 0", str(id));
    num_classes = std::max(num_classes, static_cast<size_t>(id) + 1);
  }
  return num_classes;
}

// The class names by id ("" for an id the map skips): a posture set's good/bad.
std::vector<std::string> class_names(const YAML::Node& doc, size_t num_classes) {
  std::vector<std::string> names(num_classes);
  const YAML::Node node = doc["names"];
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) names[i] = node[i].IsScalar() ? node[i].Scalar() : "";
  } else {
    for (const auto& kv : node) names[kv.first.as<int>()] = kv.second.IsScalar() ? kv.second.Scalar() : "";
  }
  return names;
}

// The images under one split folder, sorted; none is an error.
std::vector<fs::path> images_in(const fs::path& folder, const std::string& yfile, const std::string& key) {
  std::vector<fs::path> files;
  try {
    for (const auto& e : fs::recursive_directory_iterator(folder, fs::directory_options::follow_directory_symlink))
      if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path());
  } catch (const fs::filesystem_error& e) {  // e.g. a symlink loop, an unreadable folder
    throw input_error(yfile, key, "a readable folder of images", e.what());
  }
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw input_error(yfile, key, "a folder with .jpg/.jpeg/.png/.bmp images", str("no images in ", folder.string()));
  return files;
}

RawImage labelled_image(const fs::path& f, int split, const Schema& s, ReadStats& stats) {
  RawImage img;
  img.source = f.string();
  img.load = [src = img.source] { return load_image_file(src); };
  img.normalized = true;
  img.split = split;
  fs::path lp = label_path_for(f);
  if (fs::is_regular_file(lp))
    parse_label_file(lp, s, img, stats);
  else
    ++stats.skipped_people["no label file (images)"];
  return img;
}

}  // namespace

RawDataset read_yolo(const std::string& root, int num_joints, const std::vector<int64_t>& schema_flip,
                     const std::string& schema_name) {
  fs::path yaml_path(root);
  if (fs::is_directory(yaml_path)) yaml_path /= "data.yaml";
  const std::string yfile = yaml_path.string();
  YAML::Node doc = load_yaml_file(yfile);
  if (!doc.IsMap()) throw input_error(yfile, "top level", "a mapping of keys", describe_node(doc));
  const fs::path yaml_dir = yaml_path.parent_path().empty() ? fs::path(".") : yaml_path.parent_path();

  const fs::path base = dataset_base(doc, yaml_dir, yfile);
  Schema s = read_kpt_shape(doc, yfile, num_joints);
  check_flip_idx(doc, yfile, s.k, schema_flip, schema_name);
  s.num_classes = count_classes(doc, yfile);

  RawDataset ds;
  ds.format = "yolo";
  ds.num_joints = num_joints;
  ds.class_names = class_names(doc, s.num_classes);
  static const char* split_keys[3] = {"train", "val", "test"};
  for (int split = 0; split < 3; ++split) {
    const std::string key = split_keys[split];
    const YAML::Node node = doc[key];
    if (!node || node.IsNull()) {
      if (split == 2) continue;  // test is optional
      throw input_error(yfile, key, "an image folder path", "no such key");
    }
    for (const fs::path& folder : split_folders(node, key, base, yfile))
      for (const fs::path& f : images_in(folder, yfile, key)) ds.images.push_back(labelled_image(f, split, s, ds.stats));
  }
  return ds;
}

}  // namespace kplab
