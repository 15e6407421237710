// Temporal smoothing of keypoints in video: the One Euro filter (Casiez,
// Roussel and Vogel, CHI 2012), the filter MediaPipe applies to its pose
// landmarks. A low-pass filter whose cut-off rises with the signal's speed:
// a still joint stops trembling (low cut-off), a moving one is followed with
// little lag (high cut-off).
#pragma once

#include <opencv2/core.hpp>

#include <vector>

namespace kplab {

struct OneEuroOptions {
  double min_cutoff = 1.0;  // Hz: the cut-off at rest (lower: smoother still joints, more lag)
  double beta = 5.0;        // cut-off gain per unit of speed (body heights per second): less lag when moving
  double d_cutoff = 1.0;    // Hz: the cut-off of the speed estimate
};

// One scalar signal.
class OneEuroFilter {
 public:
  explicit OneEuroFilter(OneEuroOptions o = {}) : o_(o) {}
  // The filtered value of `x` observed `dt` seconds after the previous one (the first passes through).
  double operator()(double x, double dt);
  void reset() { started_ = false; }

 private:
  OneEuroOptions o_;
  bool started_ = false;
  double x_ = 0, dx_ = 0;
};

// K joints in image pixels. Coordinates are filtered in units of `scale`
// pixels (e.g. the frame's height), so the options mean the same at any
// resolution.
class KeypointSmoother {
 public:
  KeypointSmoother(int num_joints, double scale, OneEuroOptions o = {});
  std::vector<cv::Point2f> operator()(const std::vector<cv::Point2f>& points, double dt);

 private:
  double scale_;
  std::vector<OneEuroFilter> x_, y_;
};

// Mean frame-to-frame displacement of the joints, in pixels: the jitter of a
// track of a near-static scene (frames x K points).
double mean_jitter(const std::vector<std::vector<cv::Point2f>>& track);

}  // namespace kplab
