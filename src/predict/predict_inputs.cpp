#include "predict/predict_inputs.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "core/error.h"

namespace kplab {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kImageExtensions = {".jpg", ".jpeg", ".png", ".bmp"};
const std::vector<std::string> kVideoExtensions = {".mp4", ".avi", ".mov", ".mkv"};
const char* kInputKinds = "an image (.jpg .jpeg .png .bmp), a video (.mp4 .avi .mov .mkv) or a folder of images";

std::string lower_extension(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

bool is_one_of(const std::string& ext, const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), ext) != list.end();
}

PredictInputs list_folder(const std::string& input) {
  std::error_code ec;
  PredictInputs in;
  for (const auto& e : fs::directory_iterator(input, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.empty() && name[0] != '.' && e.is_regular_file(ec) &&
        is_one_of(lower_extension(e.path()), kImageExtensions))
      in.files.push_back(e.path().string());
    else
      ++in.skipped;
  }
  if (ec) throw input_error(input, "--input", "a readable folder", ec.message());
  if (in.files.empty()) throw input_error(input, "--input", "a folder with .jpg, .jpeg, .png or .bmp images", "none");
  std::sort(in.files.begin(), in.files.end());
  return in;
}

}  // namespace

PredictInputs list_inputs(const std::string& input) {
  std::error_code ec;
  if (!fs::exists(input, ec)) throw input_error(input, "--input", kInputKinds, "no such file or folder");
  if (fs::is_directory(input, ec)) return list_folder(input);
  PredictInputs in;
  const std::string ext = lower_extension(input);
  if (is_one_of(ext, kImageExtensions)) {
    in.files = {input};
  } else if (is_one_of(ext, kVideoExtensions)) {
    in.video = true;
    in.files = {input};
  } else {
    throw input_error(input, "--input", kInputKinds, ext.empty() ? "no extension" : "extension '" + ext + "'");
  }
  return in;
}

std::vector<std::string> overlay_names(const std::vector<std::string>& files) {
  std::map<std::string, int> stems;
  for (const auto& f : files) ++stems[fs::path(f).stem().string()];
  std::vector<std::string> names;
  for (const auto& f : files) {
    const fs::path p(f);
    std::string name = p.stem().string();
    if (stems[name] > 1) name += "_" + lower_extension(p).substr(1);
    names.push_back(name + "_pose.jpg");
  }
  return names;
}

}  // namespace kplab
