// On-device augmentation of a whole batch: one random affine (rotation,
// scale, translation, horizontal flip) resamples image and moves keypoints
// together, flipped samples swap left/right joints by the schema's flip
// pairs, then colour jitter and random occlusion rectangles. Random
// parameters are drawn on the CPU from a seeded generator, so a run is
// reproducible and draws the same parameters on CPU and CUDA.
//
// The image warp has two backends computing the same bilinear resampling:
// torch's grid_sample (any device; used on CUDA) and OpenCV's uint8
// warpAffine (CPU tensors), which measured ~6x cheaper than grid_sample on
// 2 cores (15 ms vs 45-80 ms for 64 crops at 256 px) and is what lets the
// CPU loader keep up with training. A test holds the two together.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "data/loader.h"

namespace kplab {

enum class WarpBackend { Auto, Torch, OpenCV };  // Auto: OpenCV for CPU tensors, torch otherwise

struct AugmentOptions {
  WarpBackend warp = WarpBackend::Auto;
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
  // The random stream (its state is saved in checkpoints for exact resume).
  at::Generator& generator() { return gen_; }

 private:
  AugmentOptions options_;
  torch::Tensor flip_perm_;  // K int64 (CPU)
  at::Generator gen_;
};

// Per-sample colour transform x' = matrix x + mean_offset * mean_grey(x),
// clamped to [0, 1], for x in 0..255 (output scaled to [0, 1]).
struct ColourJitter {
  torch::Tensor matrix;       // B x 3 x 3 (CPU)
  torch::Tensor mean_offset;  // B (CPU)
  // float B x 3 x S x S (0..255), any device -> float B x 3 x S x S in [0, 1]
  torch::Tensor apply(const torch::Tensor& images) const;
  // uint8 B x S x S x 3 CPU -> the same result in one fused pass
  torch::Tensor apply_u8(const torch::Tensor& images) const;
};

// ITU-R 601 luma weights (R, G, B), the grey used by saturation and contrast.
torch::Tensor grey_weights();

// Resamples images by the forward affines (B x 2 x 3, normalised coordinates;
// bilinear, black outside). Torch backend: B x 3 x S x S float in, same out.
torch::Tensor warp_images_torch(const torch::Tensor& images, const torch::Tensor& forward);
// OpenCV backend: B x S x S x 3 uint8 CPU in, same out.
torch::Tensor warp_images_opencv(const torch::Tensor& images, const torch::Tensor& forward);

// Moves keypoints by the affines, swaps flipped samples' joints (slot i takes
// joint perm[i]) and masks joints pushed outside the S x S crop. keypoints
// B x K x 2, visible/occluded B x K float; returns them in that order.
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> move_keypoints(
    const torch::Tensor& keypoints, const torch::Tensor& visible, const torch::Tensor& occluded,
    const Augmenter::Params& params, const torch::Tensor& flip_permutation, int64_t size);

}  // namespace kplab
