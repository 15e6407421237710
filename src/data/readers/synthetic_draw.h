// Drawing helpers shared by kplab's procedural people (the front view in
// synthetic_reader.cpp, the side view in synthetic_side.cpp): one seeded
// random stream, anti-aliased shapes at 1/16 pixel, the cluttered background,
// occluders and the sensor-noise pass. Everything is deterministic in the
// seed and independent of the standard library's distributions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include <opencv2/core.hpp>

#include "data/readers/readers.h"

namespace kplab::synthetic {

constexpr double kDeg = 3.14159265358979323846 / 180.0;
constexpr int kShift = 4;  // drawing at 1/16 pixel, so labels and pixels agree sub-pixel

uint64_t splitmix64(uint64_t x);

// Our own uniforms from the raw 64-bit output: std distributions are
// implementation-defined, and the labels must not change with the library.
struct Rng {
  std::mt19937_64 gen;
  explicit Rng(uint64_t seed) : gen(seed) {}
  double uniform() { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  int integer(int lo, int hi) { return std::min(hi, lo + static_cast<int>(uniform() * (hi - lo + 1))); }
  bool chance(double p) { return uniform() < p; }
  cv::Scalar colour(double lo = 0, double hi = 255) { return {uniform(lo, hi), uniform(lo, hi), uniform(lo, hi)}; }
};

// The stream for image `index` of `seed`: independent of how many are read.
inline Rng image_rng(uint64_t seed, int64_t index) {
  return Rng(splitmix64(splitmix64(seed) ^ static_cast<uint64_t>(index)));
}

cv::Point2d rot(cv::Point2d v, double a);  // by a radians; a > 0 turns clockwise on screen (y down)
cv::Point fixed(cv::Point2d p);            // to OpenCV's fixed-point drawing coordinates

// A convex polygon: an ellipse (24 points) or a rectangle with half sides a, b, turned by `angle`.
std::vector<cv::Point2f> convex(cv::Point2d c, double a, double b, double angle, bool ellipse);

// A solid object in front of the person; occludes the joints under `outer`.
struct Occluder {
  std::vector<cv::Point2f> outer, inner;  // convex polygons; inner is a second tone (texture)
  cv::Scalar outer_colour, inner_colour;
};
// An occluder of 0.2-0.55 `scale` (half sides) centred on `c`.
Occluder make_occluder(Rng& r, cv::Point2d c, double scale);
bool occluded_by(const std::vector<Occluder>& occluders, cv::Point2f p);

void capsule(cv::Mat& img, cv::Point2d a, cv::Point2d b, double thick, const cv::Scalar& colour);
void disc(cv::Mat& img, cv::Point2d c, double radius, const cv::Scalar& colour);
void polygon(cv::Mat& img, const std::vector<cv::Point2d>& pts, const cv::Scalar& colour);  // convex

// A low-frequency colour field with thin clutter (lines, boxes, rings).
void draw_background(cv::Mat& img, Rng& r);
void draw_occluders(cv::Mat& img, const std::vector<Occluder>& occluders);
// Per-pixel noise of a random strength; `img` must be continuous (freshly allocated).
void add_sensor_noise(cv::Mat& img, Rng& r);

// The checks both generators make of their options; errors name `format`.
void check_options(const SyntheticOptions& options, const char* format);

}  // namespace kplab::synthetic
