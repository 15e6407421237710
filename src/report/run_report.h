// The HTML report of one training run (`kplab report RUN`): summary cards for
// both decoders, training curves by phase, PCK over alpha, per-joint PCK and
// the best and worst predictions of a cache split drawn on their crops. The
// options and result both reports share, and the metrics.csv reader, are
// declared here too; the page's pieces have their own files (report_charts,
// training_charts, prediction_grid, run_evaluation, page_facts).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "run/trained_model.h"
#include "train/metrics_log.h"

namespace kplab::report {

// A run's trained weights (src/run/trained_model.h). The CLI builds them from
// the checkpoint through the model registry (run/run_model.h), which
// src/ does not link.
using ModelLoader = std::function<TrainedModel(const std::string& run)>;

struct ReportOptions {
  std::string data;           // cache to evaluate on; "" = each run's data.cache
  std::string split;          // train, val or test; "" = test (a run), results.json's split (an ablation)
  std::string device = "cpu";
  int grid = 8;               // best and worst predictions shown
  ModelLoader load_model;     // required
};

struct Report {
  std::string html;
  nlohmann::json summary;     // what `--json` writes
};

// A training run folder: config.yaml plus checkpoints/ or metrics.csv.
bool is_run_dir(const std::string& dir);

Report run_report(const std::string& run, const ReportOptions& options);

}  // namespace kplab::report
