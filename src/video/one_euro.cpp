#include "video/one_euro.h"

#include <cmath>

#include "core/error.h"

namespace kplab {

namespace {

// Exponential smoothing factor of a first-order low-pass filter with cut-off `cutoff` Hz sampled every `dt` s.
double alpha(double cutoff, double dt) {
  const double tau = 1.0 / (2 * M_PI * cutoff);
  return 1.0 / (1.0 + tau / dt);
}

}  // namespace

double OneEuroFilter::operator()(double x, double dt) {
  if (!started_ || !(dt > 0)) {
    started_ = true;
    x_ = x;
    dx_ = 0;
    return x;
  }
  const double dx = (x - x_) / dt;
  dx_ += alpha(o_.d_cutoff, dt) * (dx - dx_);
  const double cutoff = o_.min_cutoff + o_.beta * std::abs(dx_);
  x_ += alpha(cutoff, dt) * (x - x_);
  return x_;
}

KeypointSmoother::KeypointSmoother(int num_joints, double scale, OneEuroOptions o)
    : scale_(scale), x_(num_joints, OneEuroFilter(o)), y_(num_joints, OneEuroFilter(o)) {
  KP_CHECK(scale > 0, "keypoint smoother: expected a scale > 0, found ", scale);
  KP_CHECK(o.min_cutoff > 0 && o.d_cutoff > 0 && o.beta >= 0, "one euro filter: expected min_cutoff > 0, d_cutoff > 0 ",
           "and beta >= 0, found ", o.min_cutoff, ", ", o.d_cutoff, ", ", o.beta);
}

std::vector<cv::Point2f> KeypointSmoother::operator()(const std::vector<cv::Point2f>& points, double dt) {
  KP_CHECK(points.size() == x_.size(), "keypoint smoother: expected ", x_.size(), " points, found ", points.size());
  std::vector<cv::Point2f> out(points.size());
  for (size_t j = 0; j < points.size(); ++j)
    out[j] = cv::Point2f(static_cast<float>(x_[j](points[j].x / scale_, dt) * scale_),
                         static_cast<float>(y_[j](points[j].y / scale_, dt) * scale_));
  return out;
}

double mean_jitter(const std::vector<std::vector<cv::Point2f>>& track) {
  double sum = 0;
  int64_t n = 0;
  for (size_t t = 1; t < track.size(); ++t)
    for (size_t j = 0; j < track[t].size() && j < track[t - 1].size(); ++j) {
      sum += std::hypot(track[t][j].x - track[t - 1][j].x, track[t][j].y - track[t - 1][j].y);
      ++n;
    }
  return n ? sum / n : 0.0;
}

}  // namespace kplab
