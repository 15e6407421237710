// On-device augmentation of a whole batch with torch ops: one random affine
// (rotation, scale, translation, horizontal flip) resamples image and moves
// keypoints together, flipped samples swap left/right joints by the schema's
// flip pairs, then colour jitter and random occlusion rectangles. Random
// parameters are drawn on the CPU from a seeded generator, so a run is
// reproducible and the same on CPU and CUDA.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "data/loader.h"

namespace kplab {

struct AugmentOptions {
  float rotate_deg = 30.0f;     // rotation uniform in [-r, r]
  float scale_min = 0.75f;      // zoom factor range (1 = as cropped)
  float scale_max = 1.25f;
  float translate = 0.10f;      // shift uniform in [-t, t] x crop size, per axis
  float flip_prob = 0.5f;       // horizontal flip with left/right joint swap
  float brightness = 0.25f;     // multiply by U[1-b, 1+b]
  float contrast = 0.25f;       // scale around the image mean by U[1-c, 1+c]
  float saturation = 0.25f;     // scale around grey by U[1-s, 1+s]
  float occlusion_prob = 0.3f;  // chance of one random solid rectangle (as BlazePose did)
  float occlusion_min = 0.10f;  // its side, as a fraction of the crop size
  float occlusion_max = 0.40f;
};

// A batch ready for a model.
struct AugmentedBatch {
  torch::Tensor images;     // B x 3 x S x S float32 in [0, 1], RGB
  torch::Tensor keypoints;  // B x K x 2 float32, input pixels (pixel centres at integers)
  torch::Tensor visible;    // B x K float32: 1 labeled and inside the crop, 0 masked
  torch::Tensor occluded;   // B x K float32: 1 hidden by the source's flag or an occlusion rectangle
};

// No augmentation: uint8 NHWC -> float NCHW in [0, 1] (evaluation).
AugmentedBatch to_model_input(const Batch& batch);

class Augmenter {
 public:
  // `flip_permutation` from Schema::flip_permutation().
  Augmenter(AugmentOptions options, std::vector<int64_t> flip_permutation, uint64_t seed);

  // Augments a batch that already lives on the training device.
  AugmentedBatch operator()(const Batch& batch);

  // The per-sample forward affine in normalised coordinates (x_n = (2x+1)/S - 1):
  // p_out = A p_in + t, as B x 2 x 3, and the flip flag per sample. Exposed for tests.
  struct Params {
    torch::Tensor forward;  // B x 2 x 3
    torch::Tensor flipped;  // B bool
  };
  Params sample_affine(int64_t batch_size);

  const AugmentOptions& options() const { return options_; }

 private:
  AugmentOptions options_;
  torch::Tensor flip_perm_;  // K int64 (CPU)
  at::Generator gen_;
};

// Applies the affine of `params` to images (bilinear, black outside) and
// keypoints, swaps flipped samples' joints and masks joints pushed outside
// the crop. Images B x 3 x S x S float; the rest as in AugmentedBatch.
AugmentedBatch apply_affine(const AugmentedBatch& in, const Augmenter::Params& params,
                            const torch::Tensor& flip_permutation);

}  // namespace kplab
