// COCO keypoints reader: one JSON file (images, annotations, optional
// categories). Keypoints are [x, y, v] * K with v 0 = unlabeled, 1 = labeled
// but hidden, 2 = visible; coordinates are taken as given, in pixels.
// Crowd annotations and people without a labeled keypoint are skipped and
// counted; images left without people are not included.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/readers/readers.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// "a string 'abc'", "a number 3", "a list of 4", ... for the "found" part.
std::string describe(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return str("a list of ", j.size());
    case json::value_t::string: {
      std::string s = j.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return "a string '" + s + "'";
    }
    case json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "the number " + j.dump();
    default: return "an unsupported value";
  }
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  const json& field(const json& obj, const std::string& where, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end()) throw input_error(file_, where, str("field '", key, "'"), "none");
    return *it;
  }
  const json& object(const json& j, const std::string& where) const {
    if (!j.is_object()) throw input_error(file_, where, "an object", describe(j));
    return j;
  }
  const json& array(const json& j, const std::string& where) const {
    if (!j.is_array()) throw input_error(file_, where, "a list", describe(j));
    return j;
  }
  double number(const json& j, const std::string& where) const {
    if (!j.is_number()) throw input_error(file_, where, "a number", describe(j));
    return j.get<double>();
  }
  int64_t integer(const json& j, const std::string& where) const {
    if (j.is_number_integer()) return j.get<int64_t>();
    if (j.is_number_float()) {
      double d = j.get<double>();
      if (std::isfinite(d) && d == std::floor(d)) return static_cast<int64_t>(d);
    }
    if (j.is_boolean()) return j.get<bool>() ? 1 : 0;
    throw input_error(file_, where, "an integer", describe(j));
  }
  std::string string(const json& j, const std::string& where) const {
    if (!j.is_string()) throw input_error(file_, where, "a string", describe(j));
    return j.get<std::string>();
  }
  // Image ids are integers in COCO; some exports use strings. Normalized to a key.
  std::string id_key(const json& j, const std::string& where) const {
    if (j.is_string()) return "s:" + j.get<std::string>();
    return "i:" + std::to_string(integer(j, where));
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

fs::path find_json(const fs::path& root) {
  if (fs::is_regular_file(root)) return root;
  if (!fs::is_directory(root))
    throw input_error(root.string(), "annotations", "a COCO .json file or a folder holding one", "no such file or folder");
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path());
  std::sort(found.begin(), found.end());
  if (found.size() == 1) return found[0];
  std::string list;
  for (const auto& p : found) list += (list.empty() ? "" : ", ") + p.filename().string();
  throw input_error(root.string(), "annotations", "exactly one .json file in the folder",
                    found.empty() ? std::string("none") : str(found.size(), " (", list, ")"));
}

json parse_json(const fs::path& json_path) {
  const std::string jfile = json_path.string();
  std::ifstream in(json_path, std::ios::binary);
  if (!in) throw input_error(jfile, "file", "a readable JSON file", "a file that cannot be opened");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
    throw Error(str(jfile, ": JSON syntax error: ", e.what()));
  }
}

// K, and where it was read: an annotation that disagrees is told where K came from.
struct KeypointCount {
  int k = 0;
  std::string source;
};

// From the person category's keypoint names, else the first category that
// lists keypoints; k stays 0 when none does.
KeypointCount count_from_categories(const Reader& r, const json& doc) {
  KeypointCount count;
  auto cats_it = doc.find("categories");
  if (cats_it == doc.end()) return count;
  const json& cats = r.array(*cats_it, "categories");
  const json* chosen = nullptr;
  for (size_t i = 0; i < cats.size(); ++i) {
    const std::string where = str("categories[", i, "]");
    const json& c = r.object(cats[i], where);
    auto kp = c.find("keypoints");
    if (kp == c.end()) continue;
    r.array(*kp, where + ".keypoints");
    auto nm = c.find("name");
    bool person = nm != c.end() && nm->is_string() && nm->get<std::string>() == "person";
    if (!chosen || person) {
      chosen = &c;
      count = {static_cast<int>(kp->size()), where + ".keypoints"};
    }
    if (person) break;
  }
  return count;
}

// From the first annotation that is not a crowd; `count` is kept when there is none.
void count_from_annotations(const Reader& r, const json& anns, KeypointCount& count) {
  for (size_t i = 0; i < anns.size(); ++i) {
    const std::string where = str("annotations[", i, "]");
    const json& a = r.object(anns[i], where);
    auto cr = a.find("iscrowd");
    if (cr != a.end() && r.integer(*cr, where + ".iscrowd") != 0) continue;
    const json& kp = r.array(r.field(a, where, "keypoints"), where + ".keypoints");
    if (kp.empty() || kp.size() % 3 != 0)
      throw input_error(r.file(), where + ".keypoints", "3*K numbers (x, y, v per keypoint)", describe(kp));
    count = {static_cast<int>(kp.size() / 3), where + ".keypoints"};
    return;
  }
}

KeypointCount keypoint_count(const Reader& r, const json& doc, const json& anns) {
  KeypointCount count = count_from_categories(r, doc);
  if (count.k == 0) count_from_annotations(r, anns, count);
  return count;
}

struct ImageEntry {
  std::string file_name;
  std::vector<RawPerson> people;
};

// The json's images in its order, and each image id's index among them.
struct ImageIndex {
  std::vector<ImageEntry> entries;
  std::map<std::string, size_t> by_id;
};

ImageIndex index_images(const Reader& r, const json& images) {
  ImageIndex index;
  index.entries.resize(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string where = str("images[", i, "]");
    const json& im = r.object(images[i], where);
    std::string id = r.id_key(r.field(im, where, "id"), where + ".id");
    index.entries[i].file_name = r.string(r.field(im, where, "file_name"), where + ".file_name");
    if (!index.by_id.emplace(id, i).second)
      throw input_error(r.file(), where + ".id", "a unique image id", str(im["id"].dump(), " (used before)"));
  }
  return index;
}

// Annotation `i`'s id against the earlier ones (id -> first index): a
// repeated id would write a person twice.
void check_unique_id(const Reader& r, const json& a, const std::string& where, size_t i,
                     std::map<std::string, size_t>& annotation_ids) {
  if (!a.contains("id")) return;
  const std::string id = r.id_key(a["id"], where + ".id");
  auto [first, inserted] = annotation_ids.emplace(id, i);
  if (!inserted)
    throw input_error(r.file(), where + ".id", "a unique annotation id",
                      str(a["id"].dump(), " (also the id of annotations[", first->second, "])"));
}

size_t image_of(const Reader& r, const json& a, const std::string& where, const ImageIndex& index) {
  const json& image_id = r.field(a, where, "image_id");
  auto img_it = index.by_id.find(r.id_key(image_id, where + ".image_id"));
  if (img_it == index.by_id.end())
    throw input_error(r.file(), where + ".image_id", "the id of an entry in images", image_id.dump());
  return img_it->second;
}

bool is_crowd(const Reader& r, const json& a, const std::string& where) {
  int64_t crowd = 0;
  auto cr = a.find("iscrowd");
  if (cr != a.end()) crowd = r.integer(*cr, where + ".iscrowd");
  if (crowd != 0 && crowd != 1) throw input_error(r.file(), where + ".iscrowd", "0 or 1", cr->dump());
  return crowd != 0;
}

struct JointCounts {
  int labeled = 0, unlabeled = 0;
};

// The annotation's K keypoints into `p` (coordinates of unlabeled ones are ignored).
JointCounts read_keypoints(const Reader& r, const json& a, const std::string& where, const KeypointCount& count,
                           RawPerson& p) {
  const int k = count.k;
  const json& kp = r.array(r.field(a, where, "keypoints"), where + ".keypoints");
  if (static_cast<int>(kp.size()) != 3 * k)
    throw input_error(r.file(), where + ".keypoints",
                      str(3 * k, " numbers (3 x ", k, " keypoints, as in ", count.source, ")"),
                      str(kp.size(), " numbers"));
  auto nk = a.find("num_keypoints");
  if (nk != a.end()) r.integer(*nk, where + ".num_keypoints");  // type check only

  p.xy.assign(2 * k, 0.f);
  p.labeled.assign(k, 0);
  p.occluded.assign(k, 0);
  JointCounts counts;
  for (int j = 0; j < k; ++j) {
    const std::string kw = str(where, ".keypoints[", 3 * j + 2, "] (keypoint ", j, " v)");
    double v = r.number(kp[3 * j + 2], kw);
    if (v != 0 && v != 1 && v != 2)
      throw input_error(r.file(), kw, "0 (unlabeled), 1 (occluded) or 2 (visible)", kp[3 * j + 2].dump());
    if (v == 0) {
      ++counts.unlabeled;
      continue;
    }
    double x = r.number(kp[3 * j], str(where, ".keypoints[", 3 * j, "] (keypoint ", j, " x)"));
    double y = r.number(kp[3 * j + 1], str(where, ".keypoints[", 3 * j + 1, "] (keypoint ", j, " y)"));
    if (!std::isfinite(x) || !std::isfinite(y))
      throw input_error(r.file(), str(where, ".keypoints (keypoint ", j, ")"), "finite x, y", str("(", x, ", ", y, ")"));
    p.xy[2 * j] = static_cast<float>(x);
    p.xy[2 * j + 1] = static_cast<float>(y);
    p.labeled[j] = 1;
    p.occluded[j] = v == 1;
    ++counts.labeled;
  }
  return counts;
}

// The optional bbox; a box without area is read (and checked) but not kept.
void read_box(const Reader& r, const json& a, const std::string& where, RawPerson& p) {
  auto bb = a.find("bbox");
  if (bb == a.end() || bb->is_null()) return;
  const json& box = r.array(*bb, where + ".bbox");
  if (box.size() != 4) throw input_error(r.file(), where + ".bbox", "[x, y, w, h]", describe(box));
  double b[4];
  for (int c = 0; c < 4; ++c) b[c] = r.number(box[c], str(where, ".bbox[", c, "]"));
  if (b[2] > 0 && b[3] > 0) {
    p.has_box = true;
    for (int c = 0; c < 4; ++c) p.box[c] = static_cast<float>(b[c]);
  }
}

// Each annotation into a person of its image; crowds and people without a
// labeled keypoint are counted in ds.stats and dropped.
void convert_annotations(const Reader& r, const json& anns, const KeypointCount& count, ImageIndex& index,
                         RawDataset& ds) {
  int64_t unlabeled = 0;
  std::map<std::string, size_t> annotation_ids;
  for (size_t i = 0; i < anns.size(); ++i) {
    const std::string where = str("annotations[", i, "]");
    const json& a = r.object(anns[i], where);
    check_unique_id(r, a, where, i, annotation_ids);
    const size_t image = image_of(r, a, where, index);
    if (is_crowd(r, a, where)) {
      ++ds.stats.skipped_people["crowd"];
      continue;
    }
    RawPerson p;
    const JointCounts joints = read_keypoints(r, a, where, count, p);
    if (joints.labeled == 0) {
      ++ds.stats.skipped_people["no labeled keypoints"];
      continue;
    }
    unlabeled += joints.unlabeled;
    read_box(r, a, where, p);
    index.entries[image].people.push_back(std::move(p));
  }
  if (unlabeled) ds.stats.masked_joints["unlabeled"] += unlabeled;
}

// Image files: under images_dir when given, else beside the json or in images/.
fs::path find_image_file(const Reader& r, const fs::path& json_path, const std::string& images_dir,
                         const ImageEntry& e, size_t i) {
  const fs::path json_dir = json_path.parent_path().empty() ? fs::path(".") : json_path.parent_path();
  std::vector<fs::path> tried;
  if (!images_dir.empty()) {
    tried.push_back(fs::path(images_dir) / e.file_name);
  } else {
    tried.push_back(json_dir / e.file_name);
    tried.push_back(json_dir / "images" / e.file_name);
  }
  std::error_code ec;  // not the throwing overload: a file_name too long must not escape as filesystem_error
  for (const auto& t : tried)
    if (fs::is_regular_file(t, ec)) return t;
  std::string list;
  for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t.string();
  throw input_error(r.file(), str("images[", i, "].file_name"), str("an existing image at ", list), "no such file");
}

// The images that kept people, in the json's order, each with its file.
void attach_images(const Reader& r, const fs::path& json_path, const std::string& images_dir, ImageIndex& index,
                   RawDataset& ds) {
  for (size_t i = 0; i < index.entries.size(); ++i) {
    ImageEntry& e = index.entries[i];
    if (e.people.empty()) continue;
    RawImage img;
    img.source = find_image_file(r, json_path, images_dir, e, i).string();
    img.load = [src = img.source] { return load_image_file(src); };
    img.people = std::move(e.people);
    ds.images.push_back(std::move(img));
  }
}

}  // namespace

RawDataset read_coco(const std::string& root, const std::string& images_dir) {
  const fs::path json_path = find_json(fs::path(root));
  Reader r(json_path.string());
  const json doc = parse_json(json_path);
  r.object(doc, "top level");
  const json& images = r.array(r.field(doc, "top level", "images"), "images");
  const json& anns = r.array(r.field(doc, "top level", "annotations"), "annotations");

  const KeypointCount count = keypoint_count(r, doc, anns);
  ImageIndex index = index_images(r, images);
  RawDataset ds;
  ds.format = "coco";
  ds.num_joints = count.k;
  convert_annotations(r, anns, count, index, ds);
  attach_images(r, json_path, images_dir, index, ds);
  return ds;
}

}  // namespace kplab
