// Shared drawing helpers of the procedural generators; see synthetic_draw.h.
// The front-view set's images and labels are bit-identical to those drawn
// before these were factored out, so the random draws' order is fixed here.
#include "data/readers/synthetic_draw.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace kplab::synthetic {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

cv::Point2d rot(cv::Point2d v, double a) {
  double c = std::cos(a), s = std::sin(a);
  return {v.x * c - v.y * s, v.x * s + v.y * c};
}
cv::Point fixed(cv::Point2d p) {
  return {static_cast<int>(std::lround(p.x * (1 << kShift))), static_cast<int>(std::lround(p.y * (1 << kShift)))};
}

std::vector<cv::Point2f> convex(cv::Point2d c, double a, double b, double angle, bool ellipse) {
  std::vector<cv::Point2f> poly;
  int n = ellipse ? 24 : 4;
  for (int i = 0; i < n; ++i) {
    double t = ellipse ? i * 360.0 / n * kDeg : (45 + 90 * i) * kDeg;
    cv::Point2d v(a * std::cos(t) * (ellipse ? 1 : std::sqrt(2.0)), b * std::sin(t) * (ellipse ? 1 : std::sqrt(2.0)));
    poly.emplace_back(c + rot(v, angle));
  }
  return poly;
}

Occluder make_occluder(Rng& r, cv::Point2d c, double scale) {
  double a = r.uniform(0.2, 0.55) * scale, b = r.uniform(0.2, 0.55) * scale, t = r.uniform(0, 180) * kDeg;
  bool ellipse = r.chance(0.5);
  Occluder o;
  o.outer = convex(c, a, b, t, ellipse);
  o.inner = convex(c, 0.55 * a, 0.55 * b, t, ellipse);
  o.outer_colour = r.colour();
  o.inner_colour = r.colour();
  return o;
}

bool occluded_by(const std::vector<Occluder>& occluders, cv::Point2f p) {
  for (const auto& o : occluders)
    if (cv::pointPolygonTest(o.outer, p, false) >= 0) return true;
  return false;
}

void capsule(cv::Mat& img, cv::Point2d a, cv::Point2d b, double thick, const cv::Scalar& colour) {
  cv::line(img, fixed(a), fixed(b), colour, std::max(1, static_cast<int>(std::lround(thick))), cv::LINE_AA, kShift);
}
void disc(cv::Mat& img, cv::Point2d c, double radius, const cv::Scalar& colour) {
  cv::circle(img, fixed(c), static_cast<int>(std::lround(radius * (1 << kShift))), colour, cv::FILLED, cv::LINE_AA, kShift);
}
void polygon(cv::Mat& img, const std::vector<cv::Point2d>& pts, const cv::Scalar& colour) {
  std::vector<cv::Point> fx;
  for (const auto& q : pts) fx.push_back(fixed(q));
  cv::fillConvexPoly(img, fx, colour, cv::LINE_AA, kShift);
}

void draw_background(cv::Mat& img, Rng& r) {
  // Low-frequency colour field: a small random grid plus a linear ramp, resized.
  int g = r.integer(2, 6), size = img.rows;
  cv::Scalar base = r.colour(30, 225), ramp = r.colour(-60, 60);
  double dir = r.uniform(0, 360) * kDeg;
  cv::Mat grid(g, g, CV_8UC3);
  for (int y = 0; y < g; ++y)
    for (int x = 0; x < g; ++x) {
      double t = ((x + 0.5) / g - 0.5) * std::cos(dir) + ((y + 0.5) / g - 0.5) * std::sin(dir);
      for (int c = 0; c < 3; ++c)
        grid.at<cv::Vec3b>(y, x)[c] = cv::saturate_cast<uint8_t>(base[c] + ramp[c] * t + r.uniform(-45, 45));
    }
  cv::resize(grid, img, img.size(), 0, 0, cv::INTER_LINEAR);
  // Clutter: thin lines, boxes and rings, never thick person-like capsules.
  int n = r.integer(2, 8);
  int thin = std::max(1, size / 100);
  for (int i = 0; i < n; ++i) {
    cv::Point2d a(r.uniform(-0.1, 1.1) * size, r.uniform(-0.1, 1.1) * size);
    cv::Point2d b(r.uniform(-0.1, 1.1) * size, r.uniform(-0.1, 1.1) * size);
    cv::Scalar col = r.colour();
    int kind = r.integer(0, 2), thick = r.chance(0.4) ? cv::FILLED : r.integer(1, thin);
    if (kind == 0)
      cv::line(img, fixed(a), fixed(b), col, std::max(1, thick), cv::LINE_AA, kShift);
    else if (kind == 1)
      cv::rectangle(img, fixed(a), fixed(b), col, thick, cv::LINE_AA, kShift);
    else
      cv::circle(img, fixed(a), static_cast<int>(r.uniform(0.03, 0.2) * size * (1 << kShift)), col, thick, cv::LINE_AA, kShift);
  }
}

void draw_occluders(cv::Mat& img, const std::vector<Occluder>& occluders) {
  for (const auto& o : occluders) {
    polygon(img, {o.outer.begin(), o.outer.end()}, o.outer_colour);
    polygon(img, {o.inner.begin(), o.inner.end()}, o.inner_colour);
  }
}

void add_sensor_noise(cv::Mat& img, Rng& r) {
  // ~Gaussian as the sum of four uniform bytes (mean 510, sd ~147.8), from a
  // splitmix64 stream: cheap and library-free.
  int sigma16 = static_cast<int>(r.uniform(2, 10) * 16);
  uint64_t state = r.gen();
  uint8_t* px = img.ptr<uint8_t>(0);
  size_t n = img.total() * img.channels();
  for (size_t i = 0; i < n; i += 2) {
    uint64_t z = splitmix64(state += 0x632BE59BD9B4E019ull);
    for (size_t k = 0; k < 2 && i + k < n; ++k, z >>= 32) {
      int sum = static_cast<int>((z & 0xFF) + ((z >> 8) & 0xFF) + ((z >> 16) & 0xFF) + ((z >> 24) & 0xFF)) - 510;
      px[i + k] = cv::saturate_cast<uint8_t>(px[i + k] + sum * sigma16 / (148 * 16));
    }
  }
}

void check_options(const SyntheticOptions& options, const char* format) {
  if (options.count < 1) throw input_error(format, "count", "at least 1", std::to_string(options.count));
  if (options.image_size < 32 || options.image_size > 8192)
    throw input_error(format, "image_size", "32 to 8192 pixels", std::to_string(options.image_size));
}

}  // namespace kplab::synthetic
