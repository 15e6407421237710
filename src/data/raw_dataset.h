// What a dataset reader produces: images (loaded lazily, so prepare can
// decode them on several threads) and the people labeled in each, in the
// reader's own joint order. Readers validate the labels they parse; geometry
// checks that need the decoded image (joints outside it) happen in prepare.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace kplab {

struct RawPerson {
  std::vector<float> xy;          // K*2: x, y per joint, in original-image pixels
                                  // (pixel centres at integers), or in [0,1] of the
                                  // image width/height when RawImage::normalized
  std::vector<uint8_t> labeled;   // K: 1 = position annotated, 0 = masked
  std::vector<uint8_t> occluded;  // K: 1 = annotated but hidden (COCO/YOLO v=1, LSP flag)
  bool has_box = false;
  float box[4] = {0, 0, 0, 0};    // x, y (top-left), w, h; same units as xy
  int class_id = 0;               // YOLO row class (a posture set's good/bad); 0 where the format has none
  // Values a generator knows exactly (synthetic_side: the posture angles it
  // set, in degrees), by name; to-yolo writes them to truth.csv.
  std::map<std::string, double> truth;
};

struct RawImage {
  std::string source;              // file path, or "synthetic:SEED:INDEX"
  std::function<cv::Mat()> load;   // BGR uint8; throws kplab::Error naming `source`
  bool normalized = false;         // xy and box are fractions of width/height (YOLO)
  int split = -1;                  // the source's own split (0 train, 1 val, 2 test) or -1
  std::vector<RawPerson> people;
};

// Counters reported in prepare's summary.
struct ReadStats {
  std::map<std::string, int64_t> masked_joints;   // reason -> labeled joints masked
  std::map<std::string, int64_t> skipped_people;  // reason -> people left out
  int64_t outside_kept = 0;   // labeled joints slightly outside the image, kept
  int64_t exif_rotated = 0;   // images whose EXIF orientation tag turns them for display
  void merge(const ReadStats& other);
};

struct RawDataset {
  std::string format;   // lsp, yolo, coco, synthetic
  int num_joints = 0;   // K of the reader's schema
  std::vector<std::string> class_names;  // YOLO names by class id (e.g. good, bad); empty: one unnamed class
  std::vector<RawImage> images;
  ReadStats stats;
};

// Generated images (synthetic, synthetic_side) have no file: their source
// is "FORMAT:SEED:INDEX".
inline bool is_generated_source(const std::string& source) {
  return source.rfind("synthetic:", 0) == 0 || source.rfind("synthetic_side:", 0) == 0;
}

// Reads an image file (JPEG, PNG, ...) as BGR. Missing, empty, corrupt or
// truncated files throw kplab::Error naming the path.
cv::Mat load_image_file(const std::string& path);

// The EXIF orientation tag of a JPEG file (1..8; 1 = stored as displayed,
// also for files without the tag or not JPEG). load_image_file() applies it,
// as phone galleries and Ultralytics do: labels are taken in the displayed
// orientation.
int exif_orientation(const std::string& path);

}  // namespace kplab
