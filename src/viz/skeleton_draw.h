// Draws keypoints and the schema's skeleton on an image: the one overlay
// that `kplab predict` writes and `kplab report` puts in its grids. Joints
// whose partner is on the person's left are drawn in one colour, right in
// another, the rest (neck, head) in a third, so a left/right swap is visible.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "data/schema.h"

namespace kplab {

struct SkeletonStyle {
  int thickness = 2;
  int radius = 3;
  double min_visibility = 0.5;  // joints below this (when scores are given) are not drawn
  bool dot_shows_confidence = false;  // joint dots sized by visibility inside a full-size ring (predict's overlays)
};

// `points`: K (x, y) in the image's pixels; `scores`: K visibility
// probabilities, or empty to draw every joint. BGR image, drawn in place.
void draw_skeleton(cv::Mat& image, const std::vector<cv::Point2f>& points, const std::vector<float>& scores,
                   const Schema& schema, const SkeletonStyle& style = {});

// A legend in the bottom-left corner: the side colours and what the dot
// size means (predict's overlays, drawn with dot_shows_confidence).
void draw_legend(cv::Mat& image, double min_visibility);

// Joint colour by side: left, right or centre, from the joint's name.
cv::Scalar joint_colour(const std::string& joint_name);

}  // namespace kplab
