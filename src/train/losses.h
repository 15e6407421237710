// Training losses as pure functions on tensors. Every loss is masked per
// joint: unlabeled joints (weight 0) contribute nothing, and means are taken
// over the labeled entries only (a batch with none gives 0, not NaN).
#pragma once

#include <torch/torch.h>

#include <string>

namespace kplab {

// logits B x K x H x W, targets B x K x H x W in [0, 1], weights B x K (0/1).
// BCE with logits (the reference project's heatmap loss), mean over labeled maps' pixels.
torch::Tensor heatmap_bce(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights);
// MSE between sigmoid(logits) and targets, mean over labeled maps' pixels.
torch::Tensor heatmap_mse(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights);

// Quality focal loss (Li et al., "Generalized Focal Loss", NeurIPS 2020) on
// the heatmaps: the BCE of each pixel scaled by |target - sigmoid(logit)|^gamma,
// so the many background pixels the model already gets right weigh little and
// the joints' neighbourhoods dominate; mean over labeled maps' pixels.
torch::Tensor heatmap_focal(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights,
                            double gamma = 2.0);

// The reference project's "negative heatmap" loss: penalises probability
// mass in joint i's map where its left/right partner is, i.e. mean over
// joints with a partner (flip_perm[i] != i, partner labeled) of
// -log(1 - sigmoid(logit_i)) weighted by the partner's target map.
// flip_perm: K int64 (Schema::flip_permutation()).
torch::Tensor mirrored_joint_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                                  const torch::Tensor& weights, const torch::Tensor& flip_perm);

// pred, target B x K x 2 in input pixels; weights B x K. Differences are
// divided by `input_size` first (so the loss does not scale with resolution).
// kind: "mse" | "l1" | "smooth_l1" (beta 0.01 in normalised units). Mean over
// labeled joints' coordinates.
torch::Tensor coord_loss(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weights,
                         double input_size, const std::string& kind);

// logits B x K, targets B x K in {0, 1}: BCE with logits over all joints.
torch::Tensor visibility_bce(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace kplab
