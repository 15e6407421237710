// --blur-faces: each person's head region, found from the head joints the
// schema has (nose, eyes, ears; or neck and head_top), pixelated and blurred
// in every image predict writes, before the skeleton is drawn. The region is
// taken from the predicted joints whatever their visibility: a face the
// model is unsure of still needs hiding.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "data/schema.h"
#include "predict/pose_predictor.h"

namespace kplab {

class FaceBlur {
 public:
  // Throws, naming the schema file, when it has no head joints to find a face by.
  explicit FaceBlur(const Schema& schema);
  // The head's circle (centre, radius in pixels) for one person.
  cv::Vec3f head_circle(const Pose& pose) const;
  void apply(cv::Mat& image, const Pose& pose) const;

 private:
  std::vector<int> face_;       // nose, eyes, ears present in the schema
  int neck_ = -1, head_top_ = -1;
  int left_shoulder_ = -1, right_shoulder_ = -1;
};

}  // namespace kplab
