#include "train/swap_aware.h"

#include "core/error.h"

namespace kplab {

namespace {

// Each person's heatmap loss: the per-pixel loss averaged over each labelled
// map, then over the person's labelled joints (0 for a person with none).
torch::Tensor per_person_loss(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights,
                              const std::string& kind) {
  torch::Tensor per_pixel = kind == "mse" ? (torch::sigmoid(logits) - targets).pow(2)
                                          : torch::binary_cross_entropy_with_logits(
                                                logits, targets, {}, {}, at::Reduction::None);
  torch::Tensor per_map = per_pixel.mean({2, 3});  // B x K
  return (per_map * weights).sum(1) / weights.sum(1).clamp_min(1.0);
}

}  // namespace

SwapChoice choose_left_right(const torch::Tensor& heatmap_logits, const AugmentedBatch& batch,
                             const HeatmapCodec& codec, const torch::Tensor& flip_perm, const std::string& heatmap_kind) {
  KP_CHECK(heatmap_logits.dim() == 4 && heatmap_logits.size(0) == batch.keypoints.size(0) &&
               heatmap_logits.size(1) == batch.keypoints.size(1),
           "swap-aware targets: expected heatmaps B x K x H x W for the batch's ", batch.keypoints.sizes(),
           " keypoints, found ", heatmap_logits.sizes());
  KP_CHECK(flip_perm.dim() == 1 && flip_perm.size(0) == batch.keypoints.size(1),
           "swap-aware targets: expected a flip permutation of ", batch.keypoints.size(1), " joints, found ",
           flip_perm.sizes());
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = heatmap_logits.detach().to(torch::kFloat32);
  auto [targets, weights] = codec.encode(batch.keypoints, batch.visible);
  targets = targets.to(logits.device());
  weights = weights.to(logits.device());
  // The mirrored labels' targets are the labelled ones with the partners'
  // channels exchanged: each joint's map depends on that joint alone.
  const torch::Tensor perm = flip_perm.to(logits.device());
  const torch::Tensor mirrored_targets = targets.index_select(1, perm), mirrored_weights = weights.index_select(1, perm);
  SwapChoice c;
  c.mirrored = per_person_loss(logits, mirrored_targets, mirrored_weights, heatmap_kind) <
               per_person_loss(logits, targets, weights, heatmap_kind);
  // Per person: `mirrored` where chosen, else `labelled` (any tensor with the batch first).
  auto pick = [&](const torch::Tensor& labelled, const torch::Tensor& mirrored) {
    std::vector<int64_t> shape(labelled.dim(), 1);
    shape[0] = -1;
    return torch::where(c.mirrored.to(labelled.device()).view(shape), mirrored, labelled);
  };
  auto pick_joints = [&](const torch::Tensor& t) { return pick(t, t.index_select(1, perm.to(t.device()))); };
  c.batch = AugmentedBatch{batch.images, pick_joints(batch.keypoints), pick_joints(batch.visible),
                           pick_joints(batch.occluded)};
  c.heatmap_targets = pick(targets, mirrored_targets);
  c.heatmap_weights = pick(weights, mirrored_weights);
  return c;
}

}  // namespace kplab
