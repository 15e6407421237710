// Checkpoints carry everything a run needs to continue exactly where it
// stopped: model and optimizer state, the augmentation generator, the phase,
// epoch and batch, the best metric, the metrics so far, the effective
// experiment and the model's description, and a format version. Written to a
// temporary file and renamed.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace kplab {

constexpr int64_t kCheckpointFormatVersion = 1;

// Where a run is: what --resume continues from.
struct TrainProgress {
  int64_t phase = 0;         // phase index to continue in
  int64_t epoch = 0;         // epoch of that phase to continue at
  int64_t batch = 0;         // batches of that epoch already trained
  int64_t step = 0;          // optimizer steps taken in that phase
  double best_metric = -1;   // best validation PCK of the phase so far (-1: none yet)
  std::string metrics_csv;   // metrics.csv so far (train/metrics_log.h)
  torch::Tensor augment_rng; // augmentation generator state (CPU uint8)
  torch::Tensor augment_rng_ranks;  // uint8 [W, state bytes]: each rank's generator state (multi-process runs only)
  double loss_scale = 1;     // fp16 loss scaler's scale (1 when not scaling)
  torch::Tensor epoch_sums;  // float64 [N + 1]: the unfinished epoch's loss sums (total, then the logged
                             // terms in metrics.csv's order) and its batch count last
};

struct Checkpoint {
  int64_t format_version = kCheckpointFormatVersion;
  TrainProgress progress;
  std::string config;        // effective experiment (YAML)
  std::string model;         // the model's describe() (YAML): the architecture
  std::vector<std::string> joint_names;  // the schema's joints, in the model's order (empty in older checkpoints)
  std::string schema_yaml;   // the schema file's text (empty in older checkpoints): exports carry it on
};

// `optimizer` may be null (a weights-only checkpoint, e.g. best.pt).
void save_checkpoint(const std::string& path, const Checkpoint& c, const torch::nn::Module& model,
                     const torch::optim::Optimizer* optimizer);

// Reads the metadata; loads weights into `model` and state into `optimizer`
// when given. A model whose description differs from the checkpoint's is
// refused with both descriptions, before any weight is touched.
Checkpoint load_checkpoint(const std::string& path, torch::nn::Module* model, const std::string& model_description,
                           torch::optim::Optimizer* optimizer);

}  // namespace kplab
