#include "viz/skeleton_draw.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
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
    // Per-joint confidence: a white ring of the full radius, the coloured dot
    // inside it as large as the visibility (a full dot: visibility 1).
    const float v = scores.empty() || !style.dot_shows_confidence ? 1.f : std::clamp(scores[k], 0.f, 1.f);
    const int r = std::max(1, static_cast<int>(std::lround(style.radius * (0.35f + 0.65f * v))));
    cv::circle(image, points[k], style.radius + 1, cv::Scalar(255, 255, 255), cv::FILLED, cv::LINE_AA);
    if (style.dot_shows_confidence && !scores.empty())
      cv::circle(image, points[k], style.radius, cv::Scalar(60, 60, 60), cv::FILLED, cv::LINE_AA);
    cv::circle(image, points[k], r, joint_colour(schema.joints[k]), cv::FILLED, cv::LINE_AA);
  }
}

void draw_legend(cv::Mat& image, double min_visibility) {
  const double scale = std::max(0.3, std::max(image.cols, image.rows) / 1800.0);
  const int line = static_cast<int>(std::lround(22 * scale / 0.5)), pad = line / 4;
  const std::pair<const char*, cv::Scalar> rows[] = {{"person's left", joint_colour("left")},
                                                     {"person's right", joint_colour("right")},
                                                     {"centre", joint_colour("neck")}};
  const std::string note = "dot size = confidence (>= " + std::to_string(static_cast<int>(std::lround(100 * min_visibility))) + "%)";
  int baseline = 0;
  const int width = cv::getTextSize(note, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width + line + 3 * pad;
  const int height = 4 * line + 2 * pad;
  const cv::Rect box(0, std::max(0, image.rows - height), std::min(width, image.cols), std::min(height, image.rows));
  cv::Mat roi = image(box);
  cv::Mat shade(roi.size(), roi.type(), cv::Scalar(0, 0, 0));
  cv::addWeighted(roi, 0.45, shade, 0.55, 0, roi);  // darken behind the text so it reads on any photo
  int y = box.y + pad + line / 2;
  for (const auto& [label, colour] : rows) {
    cv::circle(image, cv::Point(pad + line / 2, y), line / 3, colour, cv::FILLED, cv::LINE_AA);
    cv::putText(image, label, cv::Point(pad + line + pad, y + line / 4), cv::FONT_HERSHEY_SIMPLEX, scale,
                cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
    y += line;
  }
  cv::putText(image, note, cv::Point(pad, y + line / 4), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), 1,
              cv::LINE_AA);
}

}  // namespace kplab
