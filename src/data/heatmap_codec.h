// Keypoints <-> Gaussian heatmaps. Input pixel x maps to heatmap cell
// u = (x + 0.5) / stride - 0.5 (pixel centres at integers at both scales).
#pragma once

#include <torch/torch.h>

#include <utility>

namespace kplab {

struct HeatmapCodec {
  int input_size = 256;    // model input side S
  int heatmap_size = 128;  // heatmap side H (S / H = stride)
  float sigma = 2.0f;      // Gaussian sigma in heatmap cells

  // keypoints B x K x 2 (input pixels), visible B x K (0/1, any dtype)
  // -> targets B x K x H x H float32, peak 1 at the joint, all zero where
  //    masked; weights B x K float32 (1 labeled, 0 masked).
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& keypoints, const torch::Tensor& visible) const;

  // heatmaps B x K x H x H, non-negative (probabilities: apply sigmoid to logits first)
  // -> coords B x K x 2 in input pixels, scores B x K (the maximum).
  // Argmax, refined to sub-pixel by fitting a parabola to the log of the
  // maximum and its neighbours on each axis: exact for a Gaussian peak.
  std::pair<torch::Tensor, torch::Tensor> decode(const torch::Tensor& heatmaps) const;

  float stride() const { return static_cast<float>(input_size) / heatmap_size; }
};

}  // namespace kplab
