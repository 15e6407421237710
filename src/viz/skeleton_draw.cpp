#include "viz/skeleton_draw.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace kplab {

cv::Scalar joint_colour(const std::string& name) {
  if (name.rfind("left", 0) == 0) return {255, 160, 0};   // BGR: blue-ish for the person's left
  if (name.rfind("right", 0) == 0) return {0, 140, 255};  // orange for the right
  return {80, 220, 80};                                   // green for neck, head, nose...
}

void draw_skeleton(cv::Mat& image, const std::vector<cv::Point2f>& points, const std::vector<float>& scores,
                   const Schema& schema, const SkeletonStyle& style) {
  auto shown = [&](int k) {
    return k >= 0 && k < static_cast<int>(points.size()) &&
           (scores.empty() || scores[k] >= style.min_visibility) && std::isfinite(points[k].x) &&
           std::isfinite(points[k].y);
  };
  // Edges first so the joint dots stay on top; an edge takes the colour of
  // its first joint's side unless that is a centre joint.
  for (const auto& e : schema.skeleton) {
    if (!shown(e[0]) || !shown(e[1])) continue;
    const std::string& a = schema.joints[e[0]];
    const std::string& b = schema.joints[e[1]];
    cv::Scalar c = joint_colour(a.rfind("left", 0) == 0 || a.rfind("right", 0) == 0 ? a : b);
    cv::line(image, points[e[0]], points[e[1]], c, style.thickness, cv::LINE_AA);
  }
  for (int k = 0; k < static_cast<int>(points.size()) && k < schema.num_joints(); ++k) {
    if (!shown(k)) continue;
    cv::circle(image, points[k], style.radius + 1, cv::Scalar(255, 255, 255), cv::FILLED, cv::LINE_AA);
    cv::circle(image, points[k], style.radius, joint_colour(schema.joints[k]), cv::FILLED, cv::LINE_AA);
  }
}

}  // namespace kplab
