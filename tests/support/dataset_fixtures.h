// Tiny on-disk datasets for reader tests: LSP/LSPET joints.mat files (written
// with matio), YOLO-pose folders and COCO keypoint JSON files. Images are
// small noise JPEGs from write_test_jpeg.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kplab::test {

// ---- LSP / LSPET ----------------------------------------------------------

// One person: 14 joints of (x, y, flag), in the file's own flag meaning.
using LspJoints = std::vector<std::array<float, 3>>;

// A plausible person: joint j at (10 + 3j + shift, 5 + 2j + shift), every flag = `flag`.
LspJoints lsp_person(float flag, float shift = 0);

// Writes `joints` (N people x 14 joints) as MATLAB v5 variable `varname`:
// layout "lsp" -> 3x14xN (rows x, y, flag), "lspet" -> 14x3xN (columns x, y, flag).
void write_lsp_mat(const std::string& path, const std::string& layout,
                   const std::vector<LspJoints>& joints, const std::string& varname = "joints");

// Writes a double array of any shape; `data` is column-major (first index
// fastest) and defaults to 0, 1, 2, ... when empty.
void write_mat_array(const std::string& path, const std::string& varname,
                     const std::vector<size_t>& dims, std::vector<double> data = {});

// Writes im0001.jpg... ("lsp") or im00001.jpg... ("lspet") for images 1..n into `dir`.
// Returns the paths written.
std::vector<std::string> write_lsp_images(const std::string& dir, const std::string& layout, int n,
                                          int w = 64, int h = 48);

// ---- YOLO-pose -------------------------------------------------------------

struct YoloPerson {
  int cls = 0;
  float cx = 0.5f, cy = 0.5f, w = 0.5f, h = 0.8f;   // normalized box centre and size
  std::vector<std::array<float, 3>> kpts;          // K x (x, y, v); v ignored when dims == 2
};

// "cls cx cy w h x y v ..." (or "... x y ..." when dims == 2).
std::string yolo_label_line(const YoloPerson& p, int dims = 3);

// A YOLO person with K keypoints at (0.1 + 0.05j, 0.2 + 0.03j), all with flag v.
YoloPerson yolo_person(int k, int v = 2);

// data.yaml text: train: images/train, val: images/val, kpt_shape: [k, dims],
// names: {0: person}, then `extra` (more lines, e.g. "flip_idx: [1, 0]\n").
std::string yolo_yaml(int k, int dims = 3, const std::string& extra = "");

// Writes ROOT/images/SPLIT/STEM.jpg (w x h) and, when with_label,
// ROOT/labels/SPLIT/STEM.txt with one line per person. Returns the image path.
std::string write_yolo_image(const std::string& root, const std::string& split, const std::string& stem,
                             const std::vector<YoloPerson>& people, int dims = 3, bool with_label = true,
                             int w = 64, int h = 48);

// ---- COCO ------------------------------------------------------------------

struct CocoImage {
  int64_t id;
  std::string file_name;
};

struct CocoPerson {
  CocoPerson(int64_t image_id, std::vector<float> keypoints, int iscrowd = 0, std::vector<float> bbox = {})
      : image_id(image_id), keypoints(std::move(keypoints)), iscrowd(iscrowd), bbox(std::move(bbox)) {}
  int64_t image_id;
  std::vector<float> keypoints;   // 3K: x, y, v
  int iscrowd = 0;
  std::vector<float> bbox;        // empty: no bbox field
};

// 3K keypoint values: keypoint j at (x0 + 2j, y0 + 3j) with flag v.
std::vector<float> coco_keypoints(int k, int v = 2, float x0 = 10, float y0 = 12);

// A COCO keypoints document: images, annotations (ids 1, 2, ...; num_keypoints
// filled) and one "person" category with K keypoint names kp0..kp{K-1}
// (no categories field when with_categories is false). Tests may edit it before writing.
nlohmann::json coco_json(const std::vector<CocoImage>& images, const std::vector<CocoPerson>& people, int k,
                         bool with_categories = true);

// Writes `j` to `path` (creating parent folders).
void write_json(const std::string& path, const nlohmann::json& j);

}  // namespace kplab::test
