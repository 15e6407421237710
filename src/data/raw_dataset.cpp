#include "data/raw_dataset.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <opencv2/imgcodecs.hpp>

#include "core/error.h"

namespace kplab {

void ReadStats::merge(const ReadStats& other) {
  for (const auto& kv : other.masked_joints) masked_joints[kv.first] += kv.second;
  for (const auto& kv : other.skipped_people) skipped_people[kv.first] += kv.second;
  outside_kept += other.outside_kept;
}

cv::Mat load_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "image", "a readable image file", "no such file");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw input_error(path, "image", "image data", "an empty file");
  bool jpeg = bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8;
  if (jpeg) {
    // libjpeg decodes a truncated file with a warning and grey rows; the
    // end-of-image marker (FF D9) near the end tells a whole file.
    size_t tail = std::min<size_t>(bytes.size(), 4096);
    bool eoi = false;
    for (size_t i = bytes.size() - tail; i + 1 < bytes.size(); ++i)
      if (bytes[i] == 0xFF && bytes[i + 1] == 0xD9) eoi = true;
    if (!eoi) throw input_error(path, "image", "a complete JPEG", "a truncated file (no end-of-image marker)");
  }
  cv::Mat img = cv::imdecode(bytes, cv::IMREAD_COLOR);
  if (img.empty())
    throw input_error(path, "image", "a decodable image", std::string(jpeg ? "corrupt JPEG data" : "unknown or corrupt image data"));
  return img;
}

}  // namespace kplab
