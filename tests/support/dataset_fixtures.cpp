#include "support/dataset_fixtures.h"

#include <matio.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/temp_dir.h"

namespace kplab::test {

LspJoints lsp_person(float flag, float shift) {
  LspJoints p(14);
  for (int j = 0; j < 14; ++j) p[j] = {10.f + 3.f * j + shift, 5.f + 2.f * j + shift, flag};
  return p;
}

void write_mat_array(const std::string& path, const std::string& varname, const std::vector<size_t>& dims,
                     std::vector<double> data) {
  size_t count = 1;
  for (size_t d : dims) count *= d;
  if (data.empty())
    for (size_t i = 0; i < count; ++i) data.push_back(static_cast<double>(i));
  if (data.size() != count) throw std::runtime_error("write_mat_array: data size does not match dims");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  if (!mat) throw std::runtime_error("write_mat_array: cannot create " + path);
  std::vector<size_t> d = dims;
  matvar_t* var = Mat_VarCreate(varname.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, static_cast<int>(d.size()), d.data(),
                                data.data(), MAT_F_DONT_COPY_DATA);
  int rc = var ? Mat_VarWrite(mat, var, MAT_COMPRESSION_NONE) : 1;
  if (var) Mat_VarFree(var);
  Mat_Close(mat);
  if (rc != 0) throw std::runtime_error("write_mat_array: cannot write " + varname + " to " + path);
}

void write_lsp_mat(const std::string& path, const std::string& layout, const std::vector<LspJoints>& joints,
                   const std::string& varname) {
  if (layout != "lsp" && layout != "lspet") throw std::runtime_error("write_lsp_mat: layout must be lsp or lspet");
  const bool lspet = layout == "lspet";
  const size_t n = joints.size();
  const size_t d0 = lspet ? 14 : 3, d1 = lspet ? 3 : 14;
  std::vector<double> data(d0 * d1 * n, 0.0);
  for (size_t k = 0; k < n; ++k) {
    if (joints[k].size() != 14) throw std::runtime_error("write_lsp_mat: each person needs 14 joints");
    for (size_t j = 0; j < 14; ++j)
      for (size_t c = 0; c < 3; ++c) {
        size_t a = lspet ? j : c, b = lspet ? c : j;
        data[a + d0 * (b + d1 * k)] = joints[k][j][c];
      }
  }
  write_mat_array(path, varname, {d0, d1, n}, std::move(data));
}

std::vector<std::string> write_lsp_images(const std::string& dir, const std::string& layout, int n, int w, int h) {
  std::vector<std::string> paths;
  for (int i = 1; i <= n; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), layout == "lsp" ? "im%04d.jpg" : "im%05d.jpg", i);
    std::string p = (std::filesystem::path(dir) / name).string();
    write_test_jpeg(p, w, h, static_cast<unsigned>(i));
    paths.push_back(p);
  }
  return paths;
}

std::string yolo_label_line(const YoloPerson& p, int dims) {
  std::ostringstream os;
  os << p.cls << ' ' << p.cx << ' ' << p.cy << ' ' << p.w << ' ' << p.h;
  for (const auto& kp : p.kpts) {
    os << ' ' << kp[0] << ' ' << kp[1];
    if (dims == 3) os << ' ' << static_cast<int>(kp[2]);
  }
  return os.str();
}

YoloPerson yolo_person(int k, int v) {
  YoloPerson p;
  for (int j = 0; j < k; ++j) p.kpts.push_back({0.1f + 0.05f * j, 0.2f + 0.03f * j, static_cast<float>(v)});
  return p;
}

std::string yolo_yaml(int k, int dims, const std::string& extra) {
  std::ostringstream os;
  os << "train: images/train\nval: images/val\nkpt_shape: [" << k << ", " << dims << "]\nnames:\n  0: person\n"
     << extra;
  return os.str();
}

std::string write_yolo_image(const std::string& root, const std::string& split, const std::string& stem,
                             const std::vector<YoloPerson>& people, int dims, bool with_label, int w, int h) {
  namespace fs = std::filesystem;
  std::string image = (fs::path(root) / "images" / split / (stem + ".jpg")).string();
  write_test_jpeg(image, w, h, static_cast<unsigned>(stem.size()));
  if (with_label) {
    std::string text;
    for (const auto& p : people) text += yolo_label_line(p, dims) + "\n";
    write_file((fs::path(root) / "labels" / split / (stem + ".txt")).string(), text);
  }
  return image;
}

std::vector<float> coco_keypoints(int k, int v, float x0, float y0) {
  std::vector<float> out;
  for (int j = 0; j < k; ++j) {
    out.push_back(x0 + 2.f * j);
    out.push_back(y0 + 3.f * j);
    out.push_back(static_cast<float>(v));
  }
  return out;
}

nlohmann::json coco_json(const std::vector<CocoImage>& images, const std::vector<CocoPerson>& people, int k,
                         bool with_categories) {
  nlohmann::json doc;
  doc["images"] = nlohmann::json::array();
  for (const auto& im : images)
    doc["images"].push_back({{"id", im.id}, {"file_name", im.file_name}, {"width", 64}, {"height", 48}});
  doc["annotations"] = nlohmann::json::array();
  int64_t next_id = 1;
  for (const auto& p : people) {
    int labeled = 0;
    for (size_t i = 2; i < p.keypoints.size(); i += 3) labeled += p.keypoints[i] > 0;
    nlohmann::json a = {{"id", next_id++},       {"image_id", p.image_id}, {"category_id", 1},
                        {"iscrowd", p.iscrowd},  {"keypoints", p.keypoints}, {"num_keypoints", labeled}};
    if (!p.bbox.empty()) a["bbox"] = p.bbox;
    doc["annotations"].push_back(a);
  }
  if (with_categories) {
    nlohmann::json names = nlohmann::json::array();
    for (int j = 0; j < k; ++j) names.push_back("kp" + std::to_string(j));
    doc["categories"] = nlohmann::json::array({{{"id", 1}, {"name", "person"}, {"keypoints", names}}});
  }
  return doc;
}

void write_json(const std::string& path, const nlohmann::json& j) { write_file(path, j.dump(1)); }

}  // namespace kplab::test
