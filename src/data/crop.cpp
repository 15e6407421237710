#include "data/crop.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace kplab {

void check_joints_against_image(RawPerson& p, int w, int h, float outlier_margin, ReadStats& stats) {
  const float limit = outlier_margin * std::max(w, h);
  const size_t k = p.labeled.size();
  for (size_t j = 0; j < k; ++j) {
    if (!p.labeled[j]) continue;
    float x = p.xy[2 * j], y = p.xy[2 * j + 1];
    // Distance outside the image's pixel area [-0.5, w - 0.5] x [-0.5, h - 0.5].
    float out = std::max({-0.5f - x, x - (w - 0.5f), -0.5f - y, y - (h - 0.5f), 0.0f});
    if (out <= 0) continue;
    if (out <= limit) {
      ++stats.outside_kept;
    } else {
      p.labeled[j] = 0;
      ++stats.masked_joints["far outside the image (outlier)"];
    }
  }
}

int place_person_in_image(RawPerson& p, bool normalized, int w, int h, float outlier_margin, ReadStats& stats) {
  if (normalized) {
    for (size_t j = 0; j < p.labeled.size(); ++j) {
      p.xy[2 * j] *= w;
      p.xy[2 * j + 1] *= h;
    }
    p.box[0] *= w;
    p.box[2] *= w;
    p.box[1] *= h;
    p.box[3] *= h;
  }
  check_joints_against_image(p, w, h, outlier_margin, stats);
  int labeled = 0;
  for (auto v : p.labeled) labeled += v;
  if (labeled == 0) ++stats.skipped_people["no labeled joints"];
  return labeled;
}

std::optional<std::array<float, 3>> person_square(const RawPerson& p, float margin, ReadStats& stats) {
  float x0, y0, x1, y1;
  if (p.has_box && p.box[2] > 1 && p.box[3] > 1) {
    x0 = p.box[0];
    y0 = p.box[1];
    x1 = x0 + p.box[2];
    y1 = y0 + p.box[3];
  } else {
    int n = 0;
    x0 = y0 = INFINITY;
    x1 = y1 = -INFINITY;
    for (size_t j = 0; j < p.labeled.size(); ++j) {
      if (!p.labeled[j]) continue;
      ++n;
      x0 = std::min(x0, p.xy[2 * j]);
      x1 = std::max(x1, p.xy[2 * j]);
      y0 = std::min(y0, p.xy[2 * j + 1]);
      y1 = std::max(y1, p.xy[2 * j + 1]);
    }
    if (n < 2) {
      ++stats.skipped_people["fewer than 2 labeled joints and no box"];
      return std::nullopt;
    }
  }
  float side = std::max(x1 - x0, y1 - y0) * (1.0f + margin);
  if (!(side >= 2.0f)) {
    ++stats.skipped_people["degenerate extent (under 2 px)"];
    return std::nullopt;
  }
  return std::array<float, 3>{0.5f * (x0 + x1), 0.5f * (y0 + y1), side};
}

Crop crop_person(const cv::Mat& image, const RawPerson& p, const std::array<float, 3>& square, int size) {
  const float cx = square[0], cy = square[1], side = square[2];
  // The square's edges [c - side/2, c + side/2] land on the crop's edges
  // [-0.5, size - 0.5]: u + 0.5 = k (x + 0.5 - (cx - side/2)), so u = k x + t.
  const float k = size / side;
  const float tx = k * (0.5f - cx + side / 2) - 0.5f;
  const float ty = k * (0.5f - cy + side / 2) - 0.5f;

  Crop out;
  cv::Mat src = image;
  float sk = 1.0f;  // scale of `src` relative to `image`
  if (k < 0.5f) {
    // Strong downscaling with bilinear warps aliases; shrink with area
    // averaging first so the warp only does the last factor of < 2.
    sk = 2.0f * k;
    cv::resize(image, src, cv::Size(), sk, sk, cv::INTER_AREA);
  }
  // Map from src pixels: x_src = sk * (x + 0.5) - 0.5  =>  x = (x_src + 0.5) / sk - 0.5.
  const float ks = k / sk;
  const float txs = tx + k * (0.5f / sk - 0.5f);
  const float tys = ty + k * (0.5f / sk - 0.5f);
  cv::Matx23f m(ks, 0, txs, 0, ks, tys);
  cv::warpAffine(src, out.image, m, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar(0, 0, 0));

  const size_t K = p.labeled.size();
  out.xy.resize(2 * K);
  out.visible = p.labeled;
  out.occluded = p.occluded.empty() ? std::vector<uint8_t>(K, 0) : p.occluded;
  for (size_t j = 0; j < K; ++j) {
    out.xy[2 * j] = k * p.xy[2 * j] + tx;
    out.xy[2 * j + 1] = k * p.xy[2 * j + 1] + ty;
    if (!out.visible[j]) out.xy[2 * j] = out.xy[2 * j + 1] = 0.0f;  // masked joints carry no position
  }
  out.crop_to_image = {1.0f / k, 0.0f, -tx / k, 0.0f, 1.0f / k, -ty / k};
  return out;
}

}  // namespace kplab
