// kplab to-yolo: any dataset kplab reads (LSP/LSPET, COCO, YOLO-pose,
// synthetic), in any schema it maps to, written as an Ultralytics YOLO-pose
// set: images/{train,val,test}/, labels/ beside them (one line per person:
// class 0, box cx cy w h, then x y v per joint, all normalised; v 2 visible,
// 1 occluded, 0 unlabelled) and data.yaml (kpt_shape, flip_idx from the
// schema). For training elsewhere (Ultralytics) on the same people and split
// as a kplab cache, and for building one set from several sources (--append).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "data/prepare.h"

namespace kplab {

struct YoloExportSummary;

struct YoloExportOptions {
  PrepareOptions source;    // format, root, schema_path, from_schema_path, images_dir, split, seed,
                            // synthetic_count, outlier_margin (the rest is prepare's)
  std::string out;          // the set's folder
  bool append = false;      // add to an existing set written in the same schema
  bool force = false;       // replace an existing set
  float box_margin = 0.1f;  // people without a box: their joints' extent, grown by this fraction per side
  std::string prefix;       // file name prefix of this source's images ("" = the format name)
  std::string command;      // recorded in data.yaml
  // Called with the summary before the set is renamed (or the appended files
  // moved) into place: a caller's own output that fails there (--json) leaves
  // nothing behind either.
  std::function<void(const YoloExportSummary&)> before_commit;
};

struct YoloExportSummary {
  std::string out;
  std::string prefix;
  int64_t images[3] = {0, 0, 0};  // per split
  int64_t people = 0;
  int64_t labeled_joints = 0;
  int64_t images_without_people = 0;
  int64_t truth_rows = 0;         // truth.csv rows (generated sources: synthetic_side)
  int64_t reencoded = 0;          // images written from decoded pixels (EXIF-turned, or not JPEG/PNG)
  ReadStats stats;
  nlohmann::json to_json() const;
  std::string to_text() const;
};

// Validates what it can first (schema, an existing set to append to: same
// kpt_shape and flip_idx), then writes. A new set appears whole or not at all
// (staged beside `out`, renamed); appended files are staged inside it and
// moved in at the end, labels before images. Throws kplab::Error on bad input.
YoloExportSummary export_yolo(const YoloExportOptions& options);

}  // namespace kplab
