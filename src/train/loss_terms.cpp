#include "train/loss_terms.h"

#include "train/experiment.h"
#include "train/losses.h"
#include "train/swap_aware.h"

namespace kplab {

const std::vector<LossTerm>& loss_terms() {
  static const std::vector<LossTerm> terms = {
      {"heatmap", 1.0, true, true, "heatmap loss (heatmap_kind: bce or mse), mean over labeled maps' pixels",
       [](const LossInputs& in) {
         return in.heatmap_kind == "mse" ? heatmap_mse(in.out.heatmaps, in.heatmap_targets, in.heatmap_weights)
                                         : heatmap_bce(in.out.heatmaps, in.heatmap_targets, in.heatmap_weights);
       }},
      {"coords", 1.0, false, true, "coordinate loss of the regression output (coord_kind: mse, l1 or smooth_l1)",
       [](const LossInputs& in) {
         return coord_loss(in.out.coords, in.batch.keypoints, in.batch.visible, in.input_size, in.coord_kind);
       }},
      {"visibility", 1.0, false, true, "visibility BCE (visible = labeled and not hidden)",
       [](const LossInputs& in) {
         // Visible = labeled and not hidden (by the source's flag or an occlusion rectangle).
         return visibility_bce(in.out.visibility, in.batch.visible * (1 - in.batch.occluded));
       }},
      {"mirrored", 0.0, true, true, "mirrored-joint (\"negative heatmap\") loss: mass on the left/right partner",
       [](const LossInputs& in) {
         return mirrored_joint_loss(in.out.heatmaps, in.heatmap_targets, in.heatmap_weights, in.flip_perm);
       }},
      {"focal", 0.0, true, false,
       "quality focal loss on the heatmaps (BCE x |target - sigmoid|^2): easy background pixels weigh less",
       [](const LossInputs& in) { return heatmap_focal(in.out.heatmaps, in.heatmap_targets, in.heatmap_weights); }},
  };
  return terms;
}

const LossTerm* find_loss_term(const std::string& name) {
  for (const LossTerm& t : loss_terms())
    if (t.name == name) return &t;
  return nullptr;
}

LossValues compute_loss(const PoseOutput& out, const AugmentedBatch& labelled, const HeatmapCodec& codec,
                        const LossConfig& config, const torch::Tensor& flip_perm, double input_size) {
  SwapChoice swap;
  if (config.left_right == "swap_aware")
    swap = choose_left_right(out.heatmaps, labelled, codec, flip_perm, config.heatmap_kind);
  const AugmentedBatch& batch = swap.mirrored.defined() ? swap.batch : labelled;
  // Swap-aware: the choice already encoded `batch`'s targets (undefined otherwise: encoded below when needed).
  LossInputs in{out, batch, swap.heatmap_targets, swap.heatmap_weights, flip_perm.to(out.heatmaps.device()),
                input_size, config.heatmap_kind, config.coord_kind};
  for (const LossTerm& t : loss_terms())
    if (t.needs_heatmap_targets && config.weight(t.name) > 0 && !in.heatmap_targets.defined())
      std::tie(in.heatmap_targets, in.heatmap_weights) = codec.encode(batch.keypoints, batch.visible);
  LossValues v;
  v.total = torch::zeros({}, out.coords.options());
  for (const LossTerm& t : loss_terms()) {
    const double w = config.weight(t.name);
    if (!(w > 0)) continue;
    torch::Tensor value = t.compute(in);
    v.total = v.total + w * value;
    v.parts[t.name] = value;
  }
  if (swap.mirrored.defined()) v.mirrored_persons = swap.mirrored.sum().item<int64_t>();
  return v;
}

}  // namespace kplab

namespace kplab {

std::map<std::string, double> LossConfig::default_loss_weights() {
  std::map<std::string, double> w;
  for (const LossTerm& t : loss_terms()) w[t.name] = t.default_weight;
  return w;
}

double LossConfig::weight(const std::string& term) const {
  auto it = weights.find(term);
  if (it != weights.end()) return it->second;
  const LossTerm* t = find_loss_term(term);
  return t ? t->default_weight : 0.0;
}

}  // namespace kplab
