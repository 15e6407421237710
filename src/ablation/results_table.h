// The ablation table in the three forms `kplab ablate` writes: results.json
// (the source: {name, ablation, split, decoder, hardware, rows: [...]}),
// results.csv (one line per variant, raw numbers) and results.md (for a
// paper or a README: percentages, ms, minutes).
//
// A row: variant, status ("done" | "pending" | "failed"), run, model, params,
// macs, pck@0.2, pckh@0.5, auc, heatmap_pck@0.2, mean_px, latency_torch_ms,
// latency_onnx_ms, train_seconds, epochs, error (when failed). Numbers a row
// does not have yet are null.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kplab {

extern const std::vector<std::string> kAblationColumns;  // the CSV header, in order

std::string results_csv(const nlohmann::json& results);
std::string results_markdown(const nlohmann::json& results);

}  // namespace kplab
