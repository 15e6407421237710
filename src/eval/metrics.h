// Accuracy metrics beyond a single PCK threshold, as pure functions.
#pragma once

#include <torch/torch.h>

#include <array>
#include <vector>

#include "eval/pck.h"

namespace kplab {

struct PckCurve {
  std::vector<double> alpha;  // steps + 1 values: max_alpha * i / steps
  std::vector<double> pck;    // mean PCK at each
  // Area under the curve normalised to [0, 1] (trapezoids over the alphas).
  double auc() const;
};

// PCK at `steps` + 1 evenly spaced alphas in [0, max_alpha].
PckCurve pck_curve(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
                   std::array<int, 2> reference, double max_alpha = 0.5, int steps = 50);

// pck_curve(...).auc(): the usual AUC of PCK for alpha in [0, 0.5].
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
