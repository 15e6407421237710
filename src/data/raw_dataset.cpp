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

namespace {

// libjpeg decodes a truncated file with only a warning and grey rows, so the
// structure is checked: walk the marker segments to the main image's first
// scan (an EXIF thumbnail, with its own scan and end marker, sits inside an
// APP1 segment and is skipped whole), then an end-of-image marker (FF D9)
// must follow. Data appended after it (e.g. a motion photo's video) is fine.
enum class JpegState { Complete, Truncated, Malformed };

JpegState jpeg_state(const std::vector<uint8_t>& b) {
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return JpegState::Malformed;  // not at a marker
    uint8_t marker = b[i + 1];
    if (marker == 0xFF) { ++i; continue; }         // fill byte
    if (marker == 0xD9) return JpegState::Malformed;  // end before any scan
    size_t length = (static_cast<size_t>(b[i + 2]) << 8) | b[i + 3];
    if (marker == 0xDA) {                          // start of scan: entropy data follows
      for (size_t j = i + 2 + length; j + 1 < b.size(); ++j)
        if (b[j] == 0xFF && b[j + 1] == 0xD9) return JpegState::Complete;
      return JpegState::Truncated;
    }
    i += 2 + length;
  }
  // The headers run past the end of the file: cut short, unless an end
  // marker sits in what is there (then the lengths are garbage).
  for (size_t j = 2; j + 1 < b.size(); ++j)
    if (b[j] == 0xFF && b[j + 1] == 0xD9) return JpegState::Malformed;
  return JpegState::Truncated;
}

}  // namespace

cv::Mat load_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "image", "a readable image file", "no such file");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw input_error(path, "image", "image data", "an empty file");
  bool jpeg = bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8;
  if (jpeg) {
    JpegState state = jpeg_state(bytes);
    if (state == JpegState::Truncated)
      throw input_error(path, "image", "a complete JPEG", "a truncated file (no end-of-image marker after the image data)");
    if (state == JpegState::Malformed)
      throw input_error(path, "image", "a decodable image", "corrupt JPEG data (broken marker structure)");
  }
  cv::Mat img = cv::imdecode(bytes, cv::IMREAD_COLOR);
  if (img.empty())
    throw input_error(path, "image", "a decodable image", std::string(jpeg ? "corrupt JPEG data" : "unknown or corrupt image data"));
  return img;
}

}  // namespace kplab
