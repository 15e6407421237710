// The trainer's inside (train/trainer.h is its interface): one TrainingRun
// per train() call holds what the run needs across its phases; the setup
// (model, run folder, resume state, validation data) is in
// training_setup.cpp, the phase -> epoch -> step loop in trainer.cpp.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/augment.h"
#include "data/cache.h"
#include "data/heatmap_codec.h"
#include "data/loader.h"
#include "data/schema.h"
#include "model/pose_model.h"
#include "train/checkpoint.h"
#include "train/metrics_log.h"
#include "train/mixed_precision.h"
#include "train/run_folder.h"
#include "train/tensorboard_log.h"
#include "train/trainer.h"
#include "train/transfer.h"

namespace kplab::training {

namespace fs = std::filesystem;

// `text` as the whole file at `path`, written to a temporary and renamed.
void write_text(const std::string& path, const std::string& text);

// The state of one epoch in progress: loss sums (total, then the logged
// terms), batches and images of this rank.
struct EpochSums {
  std::vector<double> sums;
  int64_t batches = 0, images = 0;
  int64_t mirrored_persons = 0;  // left_right: swap_aware, this rank's (a diagnostic, not resumed)
};

// One phase's trainable parameters, optimizer, shard of the data and augmenter.
struct PhaseRun {
  int64_t index = 0;
  const PhaseConfig* config = nullptr;
  std::vector<torch::Tensor> params;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::unique_ptr<Loader> loader;
  std::unique_ptr<Augmenter> augmenter;
  int64_t per_epoch = 0, total_steps = 0;
};

// One invocation of train(): the setup, then phase -> epoch -> step.
class TrainingRun {
 public:
  TrainingRun(const Experiment& exp, const TrainOptions& options, const ModelRegistry& registry);
  TrainResult run();

 private:
  void build_model(const ModelRegistry& registry);
  void open_run_folder();
  void restore_progress();
  void make_validation_loader();
  PhaseRun start_phase(int64_t p);
  bool train_epoch(PhaseRun& ph, int64_t e);       // false: stopped (last.pt saved)
  bool train_step(PhaseRun& ph, const Batch& b, int64_t e, EpochSums& epoch);  // false: step skipped
  void stop_mid_epoch(PhaseRun& ph, int64_t e, const EpochSums& epoch, double elapsed);
  void finish_epoch(PhaseRun& ph, int64_t e, const EpochSums& epoch, double lr, double secs);
  void save_augmentation_state(PhaseRun& ph);
  void log_epoch_summary(const PhaseRun& ph, int64_t e, const EpochMetrics& em);
  TrainResult& finish_result();

  const Experiment& exp_;
  const TrainOptions& options_;
  const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  Distributed* dist_;
  int rank_, world_;
  bool main_rank_;
  torch::Device device_;
  Precision precision_;
  torch::MemoryFormat memory_format_;
  Schema schema_;
  std::shared_ptr<const CacheData> cache_;
  PoseModel model_{nullptr};
  std::string description_;
  std::unique_ptr<TransferReport> transfer_;
  fs::path run_;
  std::string last_path_, best_path_;
  std::unique_ptr<RunFolder> folder_;
  std::unique_ptr<TensorBoardLog> tensorboard_;
  Checkpoint state_;
  std::vector<std::string> loss_columns_;  // the logged loss terms, metrics.csv's order
  torch::Tensor flip_perm_;
  HeatmapCodec codec_;
  std::unique_ptr<Loader> val_loader_;
  std::string headline_;
  LossScaler scaler_;
  TrainResult result_;
  int64_t nonfinite_steps_ = 0;  // steps skipped for a non-finite loss (options.max_nonfinite_steps)
  int64_t images_ = 0;
  double step_seconds_ = 0;      // inside the epochs' step loops
};

}  // namespace kplab::training
