#include "predict/crop_square.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace kplab {

cv::Mat crop_square(const cv::Mat& bgr, int x0, int y0, int side, int size, Letterbox* lb) {
  lb->x0 = x0;
  lb->y0 = y0;
  lb->scale = static_cast<double>(size) / side;
  const cv::Rect inside = cv::Rect(x0, y0, side, side) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  cv::Mat square(side, side, bgr.type(), cv::Scalar(0, 0, 0)), out;
  if (inside.area() > 0) bgr(inside).copyTo(square(cv::Rect(inside.x - x0, inside.y - y0, inside.width, inside.height)));
  // Area averaging when shrinking (no aliasing from a 1080p frame), bilinear when enlarging.
  cv::resize(square, out, cv::Size(size, size), 0, 0, side > size ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

cv::Mat letterbox(const cv::Mat& bgr, int size, Letterbox* lb) {
  const int side = std::max(bgr.cols, bgr.rows);
  return crop_square(bgr, -(side - bgr.cols) / 2, -(side - bgr.rows) / 2, side, size, lb);
}

}  // namespace kplab
