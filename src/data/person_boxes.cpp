#include "data/person_boxes.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace kplab {

namespace {

void check_box(const cv::Rect2f& b, const std::string& where, const std::string& field) {
  if (!std::isfinite(b.x) || !std::isfinite(b.y) || !(b.width > 0) || !(b.height > 0) || !std::isfinite(b.width) ||
      !std::isfinite(b.height))
    throw input_error(where, field, "a box x, y, w, h with w > 0 and h > 0",
                      str(b.x, ", ", b.y, ", ", b.width, ", ", b.height));
}

std::map<std::string, std::vector<PersonBox>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::vector<PersonBox>> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
    const std::string where = str(path, ":", n);
    if (n == 1) {
      if (cells != std::vector<std::string>{"image", "x", "y", "w", "h"})
        throw input_error(where, "header", "image,x,y,w,h", line);
      continue;
    }
    if (cells.size() != 5) throw input_error(where, "columns", "5 (image,x,y,w,h)", std::to_string(cells.size()));
    float v[4];
    for (int i = 0; i < 4; ++i) {
      try {
        size_t used = 0;
        v[i] = std::stof(cells[i + 1], &used);
        if (used != cells[i + 1].size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        throw input_error(where, std::string(1, "xywh"[i]), "a number", "'" + cells[i + 1] + "'");
      }
    }
    const cv::Rect2f box(v[0], v[1], v[2], v[3]);
    check_box(box, where, "box");
    out[cells[0]].push_back({box, where});
  }
  if (n == 0) throw input_error(path, "boxes", "a CSV with a header image,x,y,w,h", "an empty file");
  return out;
}

std::map<std::string, std::vector<PersonBox>> read_coco_boxes(const std::string& path) {
  std::ifstream in(path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw input_error(path, "boxes", "COCO json", "unparseable json");
  }
  if (!doc.is_object() || !doc.contains("images") || !doc["images"].is_array() || !doc.contains("annotations") ||
      !doc["annotations"].is_array())
    throw input_error(path, "top level", "COCO json with images and annotations lists", "other content");
  std::map<std::string, std::string> file_of;  // image id (as text) -> file_name
  for (size_t i = 0; i < doc["images"].size(); ++i) {
    const auto& im = doc["images"][i];
    if (!im.is_object() || !im.contains("id") || !im.contains("file_name") || !im["file_name"].is_string())
      throw input_error(path, str("images[", i, "]"), "an object with id and file_name", im.dump().substr(0, 60));
    file_of[im["id"].dump()] = im["file_name"].get<std::string>();
  }
  std::map<std::string, std::vector<PersonBox>> out;
  for (size_t i = 0; i < doc["annotations"].size(); ++i) {
    const auto& a = doc["annotations"][i];
    const std::string where = str(path, ": annotations[", i, "]");
    if (!a.is_object() || !a.contains("image_id") || !a.contains("bbox") || !a["bbox"].is_array() || a["bbox"].size() != 4)
      throw input_error(where, "bbox", "image_id and bbox [x, y, w, h]", a.dump().substr(0, 60));
    auto f = file_of.find(a["image_id"].dump());
    if (f == file_of.end()) throw input_error(where, "image_id", "the id of an entry in images", a["image_id"].dump());
    float v[4];
    for (int k = 0; k < 4; ++k) {
      if (!a["bbox"][k].is_number()) throw input_error(where, "bbox", "4 numbers", a["bbox"].dump());
      v[k] = a["bbox"][k].get<float>();
    }
    const cv::Rect2f box(v[0], v[1], v[2], v[3]);
    check_box(box, where, "bbox");
    out[f->second].push_back({box, where});
  }
  return out;
}

}  // namespace

std::map<std::string, std::vector<PersonBox>> read_person_boxes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw input_error(path, "--boxes", "a CSV (image,x,y,w,h) or COCO json file", "no such file");
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".json") return read_coco_boxes(path);
  if (ext == ".csv") return read_csv(path);
  throw input_error(path, "--boxes", "a .csv or .json file", "'" + ext + "'");
}

const std::vector<PersonBox>* boxes_for(const std::map<std::string, std::vector<PersonBox>>& boxes,
                                        const std::string& image_path) {
  auto it = boxes.find(image_path);
  if (it == boxes.end()) it = boxes.find(std::filesystem::path(image_path).filename().string());
  return it == boxes.end() ? nullptr : &it->second;
}

}  // namespace kplab
