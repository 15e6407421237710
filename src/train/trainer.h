// The phased trainer: runs an experiment's phases in order, each training
// only its parameter groups (the rest frozen), with the phase's losses,
// optimizer and schedule; validates every epoch; keeps metrics.csv,
// checkpoints/last.pt and checkpoints/best.pt (the last phase's best epoch by
// validation PCK of the experiment's eval decoder, ties to the later) in the run
// dir; resumes exactly (same phase, epoch and batch; same weights as an
// uninterrupted run on CPU).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "model/pose_model.h"
#include "train/experiment.h"

namespace kplab {

class Distributed;  // train/distributed.h

struct TrainOptions {
  std::string run_dir;            // created if missing
  std::string device = "cpu";     // cpu | cuda | cuda:N
  std::string precision = "fp32"; // fp32 | bf16 (CPU or CUDA autocast) | fp16 (CUDA autocast + loss scaling)
  std::string memory_format = "auto";  // auto | channels_last | contiguous (PoseModelImpl::set_memory_format)
  bool resume = false;            // continue from run_dir/checkpoints/last.pt
  std::string command;            // the command line, kept as run_dir/command.txt by a new run (for model cards)
  bool progress = true;           // progress bar on a terminal
  int64_t stop_after_steps = -1;  // stop (as on Ctrl-C) after this many steps of this invocation; -1: never
  // Steps whose loss is not finite are never applied. The first one stops the
  // run (naming the step and the loss term) unless this many may be skipped.
  int64_t max_nonfinite_steps = 0;
  // Multi-process data-parallel training (train/distributed.h); null: this process trains alone.
  // Each rank trains on its own shard of every epoch with the phase's batch_size, so the global
  // batch is world_size x batch_size; gradients are averaged over the ranks after every backward
  // (before clipping and the step); rank 0 alone validates and writes metrics.csv, config.yaml and
  // the checkpoints while the others wait; on --resume every rank loads last.pt.
  std::shared_ptr<Distributed> distributed;
};

struct TrainResult {
  bool interrupted = false;       // stopped early; last.pt holds the state
  int64_t steps = 0;              // optimizer steps taken by this invocation
  double best_metric = -1;        // best validation PCK of the last phase (the eval alpha closest to 0.2)
  std::map<std::string, double> last_validation;  // "pck@0.2" -> value, of the last epoch
  double seconds = 0;
  double images_per_s = 0;        // training throughput of this invocation (loader + augmentation + step), all ranks
  double step_images_per_s = 0;   // the same over the training steps only (no start-up, validation or checkpoints)
};

// `registry` builds the experiment's model (models/ fills it: model_registry()).
TrainResult train(const Experiment& experiment, const TrainOptions& options, const ModelRegistry& registry);

// Asks a running train() to stop after its current step and save last.pt
// (the SIGINT handler of `kplab train` calls it).
void request_training_stop();

}  // namespace kplab
