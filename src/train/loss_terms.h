// The training loss as a table of named terms: each phase weights the terms
// it wants (`phases[].loss.NAME: weight`), the trainer sums the weighted
// ones, and metrics.csv, TensorBoard and checkpoints record each term by its
// name. Adding a loss term is one entry in loss_terms() (loss_terms.cpp),
// beside its pure function in losses.h: the experiment reader, the YAML
// writer, the trainer's sums, the metrics columns and the checkpoint's
// epoch sums all follow the table.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "data/augment.h"
#include "data/heatmap_codec.h"
#include "model/pose_model.h"

namespace kplab {

// What a term may read: the model's float32 outputs, the augmented batch, and
// (encoded once per step, only when a weighted term needs them) the heatmap
// targets and their per-joint weights.
struct LossInputs {
  const PoseOutput& out;
  const AugmentedBatch& batch;
  torch::Tensor heatmap_targets, heatmap_weights;  // B x K x H x W, B x K; undefined unless needed
  torch::Tensor flip_perm;                         // K int64 on the outputs' device
  double input_size = 0;                           // model input side, pixels
  std::string heatmap_kind, coord_kind;            // phases[].loss.heatmap_kind / coord_kind
};

struct LossTerm {
  std::string name;           // key in phases[].loss; metrics.csv column loss_NAME
  double default_weight = 0;  // weight when a phase does not set it
  bool needs_heatmap_targets = false;
  // metrics.csv has a loss_NAME column in every run (the columns every
  // existing metrics.csv has), or only in runs that weight the term.
  bool always_logged = false;
  std::string doc;            // one line for --help and the docs
  std::function<torch::Tensor(const LossInputs&)> compute;
};

// Every term, in metrics.csv's column order.
const std::vector<LossTerm>& loss_terms();
const LossTerm* find_loss_term(const std::string& name);

// The loss of one step: the weighted sum and each weighted term's value
// (terms weighted 0 are not computed and are absent from `parts`).
struct LossValues {
  torch::Tensor total;
  std::map<std::string, torch::Tensor> parts;
  int64_t mirrored_persons = 0;  // left_right: swap_aware: persons trained on their mirrored labels
};

struct LossConfig;  // train/experiment.h: each term's weight and the heatmap and coordinate kinds
LossValues compute_loss(const PoseOutput& out, const AugmentedBatch& batch, const HeatmapCodec& codec,
                        const LossConfig& config, const torch::Tensor& flip_perm, double input_size);

}  // namespace kplab
