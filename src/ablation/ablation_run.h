// `kplab ablate` as one call: trains, evaluates and benchmarks every variant
// of an ablation file (ablation_spec.h) on the same data, one run folder
// each, and keeps results.{json,csv,md} (results_table.h) up to date after
// every row. Resumable: a finished row (VARIANT/row.json) is not rerun, an
// interrupted one continues from its last.pt.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/pose_model.h"

namespace kplab {

struct AblationRunOptions {
  std::string ablation;            // the ablation file
  std::vector<std::string> sets;   // overrides for every variant (--set key=value)
  std::vector<std::string> variants;  // only these variants (--variants; empty: all)
  std::string out;                 // output folder ("": runs/ablations/NAME)
  std::string device = "cpu";      // training and evaluation device
  int threads = 0;                 // training threads (0: all cores)
  std::string command;             // the command line, recorded in every variant's run folder
  // Ctrl-C stops the current variant's training at the next step, saving
  // last.pt (installed once the tables are written); off for in-process callers.
  bool stop_on_sigint = false;
};

struct AblationOutcome {
  nlohmann::json results;    // results.json: name, ablation, split, decoder, data, hardware, rows
  std::string out;           // the output folder
  bool interrupted = false;  // stopped by request_training_stop(); run again to resume
  int failed = 0;            // rows whose training, evaluation or benchmark failed (their error is in the row)
};

// Every experiment is read and checked before the first variant trains;
// progress goes to stderr, one line per variant.
AblationOutcome run_ablation(const AblationRunOptions& options, const ModelRegistry& registry);

}  // namespace kplab
