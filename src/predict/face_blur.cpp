#include "predict/face_blur.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace kplab {

FaceBlur::FaceBlur(const Schema& schema) {
  for (const char* name : {"nose", "left_eye", "right_eye", "left_ear", "right_ear"})
    if (int j = schema.index_of(name); j >= 0) face_.push_back(j);
  neck_ = schema.index_of("neck");
  head_top_ = schema.index_of("head_top");
  left_shoulder_ = schema.index_of("left_shoulder");
  right_shoulder_ = schema.index_of("right_shoulder");
  if (face_.empty() && (neck_ < 0 || head_top_ < 0))
    throw input_error(schema.path, "keypoints (--blur-faces)",
                      "head joints to find a face by: nose, eyes or ears, or neck and head_top",
                      str("none in schema ", schema.name));
}

cv::Vec3f FaceBlur::head_circle(const Pose& pose) const {
  const auto& p = pose.points;
  if (face_.empty()) {  // LSP: the head spans neck to head top; the face is its upper part
    const cv::Point2f n = p[neck_], t = p[head_top_];
    const cv::Point2f c = n + 0.55f * (t - n);
    return {c.x, c.y, std::max(4.f, 0.6f * static_cast<float>(cv::norm(t - n)) + 2.f)};
  }
  cv::Point2f c(0, 0);
  for (int j : face_) c += p[j];
  c *= 1.f / face_.size();
  float spread = 0;
  for (int j : face_) spread = std::max(spread, static_cast<float>(cv::norm(p[j] - c)));
  // A face's points can bunch up (a side view's nose and ear): the head is
  // also at least a third of the way from the face to the shoulders' middle.
  float to_shoulders = 0;
  if (left_shoulder_ >= 0 && right_shoulder_ >= 0)
    to_shoulders = static_cast<float>(cv::norm(0.5f * (p[left_shoulder_] + p[right_shoulder_]) - c));
  return {c.x, c.y, std::max({1.6f * spread, 0.45f * to_shoulders, 4.f})};
}

void FaceBlur::apply(cv::Mat& image, const Pose& pose) const {
  const cv::Vec3f h = head_circle(pose);
  const cv::Rect box = cv::Rect(cv::Point(static_cast<int>(h[0] - h[2]), static_cast<int>(h[1] - h[2])),
                                cv::Point(static_cast<int>(std::ceil(h[0] + h[2])) + 1, static_cast<int>(std::ceil(h[1] + h[2])) + 1)) &
                       cv::Rect(0, 0, image.cols, image.rows);
  if (box.width < 2 || box.height < 2) return;
  // Pixelate (coarse blocks carry no identity), then blur the block edges away.
  const cv::Mat roi = image(box);
  cv::Mat small, coarse;
  const int blocks = 6;
  cv::resize(roi, small, cv::Size(std::max(1, box.width * blocks / std::max(box.width, box.height)),
                                  std::max(1, box.height * blocks / std::max(box.width, box.height))),
             0, 0, cv::INTER_AREA);
  cv::resize(small, coarse, roi.size(), 0, 0, cv::INTER_NEAREST);
  const int k = std::max(3, (std::min(box.width, box.height) / 4) | 1);
  cv::GaussianBlur(coarse, coarse, cv::Size(k, k), 0);
  cv::Mat mask = cv::Mat::zeros(roi.size(), CV_8U);
  cv::circle(mask, cv::Point(static_cast<int>(h[0]) - box.x, static_cast<int>(h[1]) - box.y), static_cast<int>(h[2]),
             cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  coarse.copyTo(roi, mask);
}

}  // namespace kplab
