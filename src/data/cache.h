// The HDF5 cache: one person per row, crops stored JPEG-encoded (compact
// enough to carry to a GPU machine) or raw, plus labels, the crop->original
// transform, the source and the recorded split.
//
//   images     vlen uint8 [N] (encoding "jpeg") or uint8 [N,S,S,3] ("raw"), RGB
//   keypoints  float32 [N,K,2]  crop pixels, pixel centres at integers
//   visible    uint8   [N,K]    0 unlabeled, 1 labeled
//   occluded   uint8   [N,K]    1 labeled but hidden (where the source says so)
//   crop       float32 [N,6]    crop -> original image: x = a u + b v + c, y = d u + e v + f
//   source     vlen string [N]  image file (or synthetic id)
//   image_id   int32   [N]      index of the source image (people of one image share it)
//   split      uint8   [N]      0 train, 1 val, 2 test
//   attributes: format_version, schema, joint_names, image_size, encoding, command, seed
//
// The first 512 bytes (HDF5's user block) are kplab's seal: size and CRC-32
// of the rest, checked before HDF5 reads the file (data/cache_seal.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kplab {

constexpr int kCacheFormatVersion = 2;  // 2: sealed (data/cache_seal.h)

struct CacheData {
  int image_size = 0;                 // S
  int num_joints = 0;                 // K
  std::string encoding = "jpeg";      // "jpeg" or "raw"
  std::string schema;                 // schema name
  std::vector<std::string> joint_names;
  std::string command;                // the command line that made it
  uint64_t seed = 0;

  std::vector<std::vector<uint8_t>> jpeg;  // N encoded crops (encoding == "jpeg")
  std::vector<uint8_t> raw;                // N*S*S*3 (encoding == "raw")
  std::vector<float> keypoints;            // N*K*2
  std::vector<uint8_t> visible;            // N*K
  std::vector<uint8_t> occluded;           // N*K
  std::vector<float> crop;                 // N*6
  std::vector<std::string> source;         // N
  std::vector<int32_t> image_id;           // N
  std::vector<uint8_t> split;              // N

  int64_t size() const { return static_cast<int64_t>(split.size()); }
};

// Writes `data` to `path` (callers pass an AtomicFile's temporary path).
// Checks that every field has N rows first.
// `name_in_errors`: the name errors give (the AtomicFile's target), default `path`.
void write_cache(const std::string& path, const CacheData& data, const std::string& name_in_errors = "");

// Reads a whole cache into memory, validating field names, shapes, dtypes,
// K against joint_names and the format version; errors name the file and field.
CacheData read_cache(const std::string& path);

}  // namespace kplab
