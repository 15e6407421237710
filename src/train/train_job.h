// `kplab train` as one call: an experiment's phases in this process, or (with
// --nproc N and no outside launcher) N ranks of this same command started
// here, or one rank of a data-parallel run whose launcher set RANK etc.
// (train/distributed.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/pose_model.h"
#include "train/trainer.h"

namespace kplab {

struct TrainJobOptions {
  std::string experiment;               // experiment file
  std::vector<std::string> sets;        // config overrides key=value
  std::string out;                      // run folder ("": runs/EXPERIMENT_NAME)
  std::string device = "cpu";           // cpu, cuda or cuda:N (a rank of a CUDA run: cuda:LOCAL_RANK)
  std::string precision = "fp32";
  std::string memory_format = "auto";
  bool resume = false;
  int nproc = 1;                        // data-parallel processes to start here
  int dist_timeout = 60;                // seconds a rank waits in a collective
  int64_t skip_nonfinite = 0;           // non-finite steps to skip before the run stops
  int64_t stop_after_steps = -1;  // --stop-after-steps: stop as on Ctrl-C after this many steps; -1: never
  std::string json;                     // summary JSON (written by rank 0 only; "": none)
  std::string command;                  // the command line as given, for run_dir/command.txt
  std::vector<std::string> args;        // the verb's arguments, which every started rank runs again
  bool stop_on_sigint = false;          // Ctrl-C saves last.pt and stops; off for in-process callers
};

struct TrainJobOutcome {
  bool launched = false;     // this process started the ranks (no training here) ...
  int ranks_exit = 0;        // ... and this is their exit status
  bool main_rank = true;     // rank 0, or the only process: it writes the run folder
  TrainResult result;
  std::string run_dir;

  // "trained EXPERIMENT in S s (...); best validation PCK P%; run folder DIR".
  std::string to_text(const std::string& experiment) const;
};

// Errors of a rank name it ("rank 1: ...").
TrainJobOutcome run_train_job(const TrainJobOptions& options, const ModelRegistry& registry);

}  // namespace kplab
