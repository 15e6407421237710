// The HTML report of an ablation folder (`kplab report ABLATION_DIR`, the
// folder `kplab ablate` writes): the results table, PCK over alpha and per
// joint for every variant, latency against accuracy, validation curves, and
// the best and worst predictions of the best variant. Only rows with status
// "done" are plotted; the others are listed in the table.
//
// results.json: {"name", "ablation": "path.yaml", "split", "decoder", "hardware": {"cpu", "threads",
// "device"}, "rows": [{"variant", "run" (relative to the
// folder), "params", "macs", "pck@0.2", "pckh@0.5", "auc",
// "latency_torch_ms", "latency_onnx_ms", "train_seconds", "status":
// "done" | "pending" | "failed", "error" (failed)}]}; numbers may be null,
// other keys are ignored. A row's run folder
// holds eval.json (kplab eval --json), used instead of evaluating again.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "report/run_report.h"

namespace kplab::report {

struct AblationRow {
  std::string variant;
  std::string run;      // as written in results.json
  std::string run_dir;  // resolved: relative to the ablation folder
  std::string status;   // done, pending or failed
  nlohmann::json fields;  // the row as read (numbers or null)
};

struct AblationResults {
  std::string path;       // results.json
  std::string name;       // the ablation's name ("" when absent)
  std::string ablation;   // the ablation file it ran ("" when absent)
  std::string split;      // "" when absent
  std::string decoder;    // the decoder its accuracy columns use ("" when absent)
  nlohmann::json hardware = nlohmann::json::object();
  std::vector<AblationRow> rows;
};

// A folder with results.json.
bool is_ablation_dir(const std::string& dir);

// Reads and validates DIR/results.json; errors name the file and the field
// (e.g. "rows[2].status").
AblationResults read_ablation_results(const std::string& dir);

Report ablation_report(const std::string& dir, const ReportOptions& options);

}  // namespace kplab::report
