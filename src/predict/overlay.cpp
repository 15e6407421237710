#include "predict/overlay.h"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "predict/keypoints_csv.h"

namespace kplab {

namespace {

// A red banner across the top-left corner of an overlay.
void banner(cv::Mat& image, const std::string& text) {
  const double scale = std::max(0.4, std::max(image.cols, image.rows) / 800.0);
  int baseline = 0;
  const cv::Size box = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  cv::rectangle(image, cv::Rect(0, 0, box.width + 8, box.height + baseline + 8), cv::Scalar(0, 0, 160), cv::FILLED);
  cv::putText(image, text, cv::Point(4, box.height + 4), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), 1,
              cv::LINE_AA);
}

}  // namespace

SkeletonStyle overlay_style(const cv::Mat& image, double min_visibility) {
  SkeletonStyle s;
  const int side = std::max(image.cols, image.rows);
  s.thickness = std::max(2, side / 320);
  s.radius = std::max(3, side / 200);
  s.min_visibility = min_visibility;
  s.dot_shows_confidence = true;
  return s;
}

void flag_low_confidence(cv::Mat& image, const Pose& pose, double min_visibility) {
  if (pose.confidence() < min_visibility)
    banner(image, str("low confidence (", csv_number(pose.confidence(), 2), ")"));
}

void note_no_person(cv::Mat& image) { banner(image, "no person detected"); }

void write_jpeg(const cv::Mat& image, StagedOutputs& staged, const std::string& target) {
  std::vector<uchar> bytes;
  // The temporary's name does not end in .jpg, so encode here and write bytes.
  if (!cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, 90}))
    throw Error(str(target, ": JPEG encoding failed"));
  write_whole_file(staged.add(target), bytes.data(), bytes.size(), target);  // says when the disk is full
}

}  // namespace kplab
