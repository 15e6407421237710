#include "robustness/robustness_fixtures.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "data/prepare.h"
#include "support/cli_run.h"

namespace kplab::test {

std::string synthetic_cache(const TempDir& dir, const std::string& name, int count, const std::string& split) {
  PrepareOptions o;
  o.format = "synthetic";
  o.synthetic_count = count;
  o.size = 64;
  o.split = split;
  o.schema_path = source_dir() + "/datasets/lsp.yaml";
  o.out = dir.file(name);
  o.progress = false;
  o.threads = 1;
  prepare(o);
  return o.out;
}

std::string tiny_experiment(const TempDir& dir, const std::string& cache, const std::string& optimizer) {
  const std::string path = dir.file("tiny_" + std::to_string(std::hash<std::string>()(cache + optimizer)) + ".yaml");
  std::ofstream(path) << "seed: 3\n"
                         "model: {name: blazepose_lite, options: {input_size: 64}}\n"
                         "data: {cache: " << cache << ", schema: " << source_dir() << "/datasets/lsp.yaml, workers: 1}\n"
                         "phases:\n"
                         "  - {name: heatmap, epochs: 2, trainable: [backbone, heatmap], batch_size: 4,\n"
                         "     loss: {heatmap: 1, coords: 0, visibility: 0}, optimizer: " << optimizer << "}\n"
                         "eval: {alphas: [0.2]}\n";
  return path;
}

std::pair<size_t, size_t> largest_zip_entry(const std::string& path) {
  // From the central directory: LibTorch's local headers leave the sizes to a data descriptor.
  const std::string b = slurp(path);
  auto u16 = [&](size_t at) { return size_t(uint8_t(b[at])) | size_t(uint8_t(b[at + 1])) << 8; };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  std::pair<size_t, size_t> best{0, 0};
  for (size_t at = b.find("PK\x01\x02"); at != std::string::npos && at + 46 <= b.size();
       at = b.find("PK\x01\x02", at + 4)) {
    const size_t size = u32(at + 20), local = u32(at + 42);
    if (local + 30 > b.size()) continue;
    const size_t data = local + 30 + u16(local + 26) + u16(local + 28);
    if (size > best.second && data + size <= b.size()) best = {data, size};
  }
  if (!best.second) throw std::runtime_error(path + ": no zip entry found");
  return best;
}

void add_exif_orientation(const std::string& jpeg_path, int orientation) {
  std::string b = slurp(jpeg_path);
  // APP1: "Exif\0\0", a little-endian TIFF header, IFD0 with one SHORT entry (0x0112).
  const std::string tiff = std::string("II*\0\x08\0\0\0", 8) + std::string("\x01\0", 2) +
                           std::string("\x12\x01\x03\0\x01\0\0\0", 8) + std::string(1, char(orientation)) +
                           std::string(3, '\0') + std::string(4, '\0');
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t length = payload.size() + 2;
  const std::string app1 = std::string("\xFF\xE1", 2) + char(length >> 8) + char(length & 0xFF) + payload;
  b.insert(2, app1);
  std::ofstream(jpeg_path, std::ios::binary) << b;
}

void set_jpeg_header_size(const std::string& jpeg_path, int width, int height) {
  std::string b = slurp(jpeg_path);
  const size_t sof = b.find("\xFF\xC0");
  if (sof == std::string::npos) throw std::runtime_error(jpeg_path + ": no baseline frame header");
  b[sof + 5] = char(height >> 8), b[sof + 6] = char(height & 0xFF);
  b[sof + 7] = char(width >> 8), b[sof + 8] = char(width & 0xFF);
  std::ofstream(jpeg_path, std::ios::binary) << b;
}

void flip_byte(const std::string& path, size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  char c = 0;
  f.get(c);
  f.seekp(offset);
  f.put(static_cast<char>(c ^ 0x10));
}

void cut_file(const std::string& path, size_t keep_bytes) { std::filesystem::resize_file(path, keep_bytes); }

}  // namespace kplab::test
