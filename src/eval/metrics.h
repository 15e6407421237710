// Accuracy metrics beyond a single PCK threshold, as pure functions.
#pragma once

#include <torch/torch.h>

#include <array>
#include <vector>

#include "eval/pck.h"

namespace kplab {

// Area under the PCK(alpha) curve for alpha in [0, max_alpha], normalised to
// [0, 1]: the mean of PCK over `steps` + 1 evenly spaced alphas (trapezoids).
double pck_auc(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
               std::array<int, 2> reference, double max_alpha = 0.5, int steps = 50);

// Maps crop-pixel points N x K x 2 to original-image pixels through each
// sample's crop -> original affine (N x 6: x = a u + b v + c, y = d u + e v + f).
torch::Tensor crop_to_original(const torch::Tensor& points, const torch::Tensor& crop);

struct PixelError {
  double mean = 0, median = 0;  // over labeled joints
  int64_t joints = 0;
};
// Euclidean error over labeled joints (same units as the inputs).
PixelError pixel_error(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible);

}  // namespace kplab
