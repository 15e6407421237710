// Swap-aware training targets. Crowd-sourced pose labels exchange a person's
// left and right now and then (LSPET: "Learning Effective Human Pose
// Estimation from Inaccurate Annotation"), and a model cannot learn a side
// the labels contradict. With `phases[].loss.left_right: swap_aware`, each
// person is trained on whichever assignment of its labels the model's
// heatmaps fit better: as labelled, or mirrored (every left/right partner
// exchanged) -- the per-person minimum of the heatmap loss over the two, as
// a hard assignment decided without gradient. Ties keep the labels, so a
// model that cannot tell the sides yet learns them as labelled. Start it from
// a model that already knows left from right (a later phase or a fine-tune):
// from scratch, the first choices are noise.
#pragma once

#include <torch/torch.h>

#include <string>

#include "data/augment.h"
#include "data/heatmap_codec.h"

namespace kplab {

struct SwapChoice {
  AugmentedBatch batch;   // the batch with the chosen persons' labels mirrored
  torch::Tensor mirrored; // B bool: which persons were
  // The heatmap targets and weights of `batch` (HeatmapCodec::encode's), on
  // the heatmaps' device: the loss uses them instead of encoding again.
  torch::Tensor heatmap_targets, heatmap_weights;
};

// heatmap_logits B x K x H x W (the model's); heatmap_kind "bce" or "mse";
// flip_perm K int64 (Schema::flip_permutation()).
SwapChoice choose_left_right(const torch::Tensor& heatmap_logits, const AugmentedBatch& batch,
                             const HeatmapCodec& codec, const torch::Tensor& flip_perm, const std::string& heatmap_kind);

}  // namespace kplab
