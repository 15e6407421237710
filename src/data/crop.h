// Person-centred square crops. Coordinates use pixel centres at integers
// (OpenCV's convention): pixel i covers [i - 0.5, i + 0.5].
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "data/raw_dataset.h"

namespace kplab {

struct CropOptions {
  int size = 256;                // output crop is size x size
  float margin = 0.25f;          // box side = larger side of the person box x (1 + margin)
  float outlier_margin = 0.10f;  // labeled joints further outside the image than this
                                 // fraction of its larger side are masked as outliers
};

struct Crop {
  cv::Mat image;                       // size x size BGR
  std::vector<float> xy;               // K*2 in crop pixels
  std::vector<uint8_t> visible;        // K: 1 labeled (after outlier masking)
  std::vector<uint8_t> occluded;       // K
  std::array<float, 6> crop_to_image;  // x = a*u + b*v + c, y = d*u + e*v + f
};

// Masks labeled joints of `p` (pixel units) that lie far outside a w x h
// image and counts both the masked and the slightly-outside-but-kept ones.
void check_joints_against_image(RawPerson& p, int w, int h, float outlier_margin, ReadStats& stats);

// One person of a decoded w x h image, as both prepare and to-yolo first
// take it: labels to pixels when `normalized` (YOLO labels are fractions of
// the image), far-outside joints masked (check_joints_against_image). Returns
// the labeled joints left; a person without any is counted in `stats` as
// "no labeled joints" and is for the caller to skip.
int place_person_in_image(RawPerson& p, bool normalized, int w, int h, float outlier_margin, ReadStats& stats);

// The square box (cx, cy, side) around a person: its box if it has one, else
// its labeled joints' extent; nullopt (and a count in `stats`) when neither
// gives a usable box (fewer than 2 labeled joints, or a degenerate extent).
std::optional<std::array<float, 3>> person_square(const RawPerson& p, float margin, ReadStats& stats);

// Cuts the square (cx, cy, side) out of `image`, resized to options.size,
// and maps the person's joints into it. Outside the image is black.
Crop crop_person(const cv::Mat& image, const RawPerson& p, const std::array<float, 3>& square, int size);

// Applies a 2x3 affine (row-major a b c / d e f) to a point.
inline std::array<float, 2> apply_affine(const std::array<float, 6>& m, float x, float y) {
  return {m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]};
}

}  // namespace kplab
