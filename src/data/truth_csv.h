// truth.csv beside a YOLO-pose set that `kplab to-yolo` wrote from a
// generator (synthetic_side): one row per person with what the generator knows
// exactly (its posture angles, the good/bad class) and the joints it drew, so
// the measures and the classifier can be scored against ground truth. Columns:
// source (the image, relative to the set), split, label (class name), the
// truth values by name (sorted), then JOINT_x, JOINT_y, JOINT_v per joint in
// image pixels, as `kplab predict`'s keypoints.csv has them. v is the
// visibility a pose model is trained to predict (1 visible; 0 hidden behind
// the body or unlabelled; a hidden joint keeps its x, y), not a YOLO flag:
// features computed from truth.csv and from predictions then agree on which
// joints are seen.
#pragma once

#include <string>
#include <vector>

#include "data/raw_dataset.h"
#include "data/schema.h"

namespace kplab {

class TruthCsv {
 public:
  TruthCsv(const Schema& schema, const std::vector<std::string>& class_names);
  // `p` in pixels of the written image. People without truth are not rows.
  void add(const std::string& image, const std::string& split, const RawPerson& p);
  bool empty() const { return rows_.empty(); }
  // The whole file; errors when two people disagree on the truth's names.
  std::string text() const;

 private:
  std::vector<std::string> joints_, class_names_;
  std::vector<std::string> keys_;  // the first person's truth names
  std::vector<std::string> rows_;
};

}  // namespace kplab
