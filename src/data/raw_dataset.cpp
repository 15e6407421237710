#include "data/raw_dataset.h"

#include <filesystem>
#include <fstream>
#include <cstring>
#include <iterator>

#include <opencv2/imgcodecs.hpp>

#include "core/error.h"

namespace kplab {

void ReadStats::merge(const ReadStats& other) {
  for (const auto& kv : other.masked_joints) masked_joints[kv.first] += kv.second;
  for (const auto& kv : other.skipped_people) skipped_people[kv.first] += kv.second;
  outside_kept += other.outside_kept;
  exif_rotated += other.exif_rotated;
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

uint16_t read16(const uint8_t* p, bool little) { return little ? p[0] | p[1] << 8 : p[0] << 8 | p[1]; }
uint32_t read32(const uint8_t* p, bool little) {
  return little ? p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24 : uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

// The orientation tag (0x0112) of a TIFF block (an EXIF APP1 payload after "Exif\0\0").
int tiff_orientation(const uint8_t* t, size_t n) {
  if (n < 8) return 1;
  const bool little = t[0] == 'I' && t[1] == 'I';
  if (!little && !(t[0] == 'M' && t[1] == 'M')) return 1;
  const uint32_t ifd = read32(t + 4, little);
  if (ifd + 2 > n) return 1;
  const uint16_t entries = read16(t + ifd, little);
  for (uint32_t e = 0; e < entries; ++e) {
    const size_t at = ifd + 2 + 12 * size_t(e);
    if (at + 12 > n) return 1;
    if (read16(t + at, little) == 0x0112) {
      const int v = read16(t + at + 8, little);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

}  // namespace

int exif_orientation(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> b(256 * 1024);  // EXIF sits in the first APP1 segment, at most 64 KB in
  in.read(reinterpret_cast<char*>(b.data()), b.size());
  b.resize(in.gcount());
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return 1;  // not a JPEG
  size_t i = 2;
  while (i + 4 <= b.size() && b[i] == 0xFF) {
    const uint8_t marker = b[i + 1];
    if (marker == 0xDA || marker == 0xD9) break;  // image data: no more headers
    const size_t length = size_t(b[i + 2]) << 8 | b[i + 3];
    if (length < 2 || i + 2 + length > b.size()) break;
    if (marker == 0xE1 && length >= 8 && std::memcmp(&b[i + 4], "Exif\0\0", 6) == 0)
      return tiff_orientation(&b[i + 10], length - 8);
    i += 2 + length;
  }
  return 1;
}

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
  cv::Mat img;
  try {
    img = cv::imdecode(bytes, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    // e.g. a header claiming 60000x60000 pixels (over OpenCV's decode limit).
    throw input_error(path, "image", "a decodable image of at most 2^30 pixels",
                      str("data OpenCV refuses (", e.err, ")"));
  }
  if (img.empty())
    throw input_error(path, "image", "a decodable image", std::string(jpeg ? "corrupt JPEG data" : "unknown or corrupt image data"));
  return img;
}

}  // namespace kplab
