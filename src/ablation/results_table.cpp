#include "ablation/results_table.h"

#include <cstdio>
#include <sstream>

#include "core/csv_table.h"

namespace kplab {

const std::vector<std::string> kAblationColumns = {
    "variant", "status",  "model", "params", "macs", "pck@0.2", "pckh@0.5", "auc", "heatmap_pck@0.2",
    "mean_px", "latency_torch_ms", "latency_onnx_ms", "latency_kplab_ms", "train_seconds", "epochs", "hardware"};

namespace {

std::string csv_cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  return kplab::csv_cell(v.is_string() ? v.get<std::string>() : v.dump());
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// A number or "–" when the row has none yet.
std::string cell(const nlohmann::json& row, const std::string& key, const char* format, double scale = 1) {
  if (!row.contains(key) || !row[key].is_number()) return "–";
  return fmt(format, row[key].get<double>() * scale);
}

std::string hardware_line(const nlohmann::json& h) {
  if (!h.is_object()) return "";
  std::ostringstream s;
  s << h.value("cpu", "unknown CPU") << ", " << h.value("threads", 0) << " threads, " << h.value("device", "cpu");
  return s.str();
}

}  // namespace

std::string results_csv(const nlohmann::json& results) {
  std::ostringstream out;
  for (size_t i = 0; i < kAblationColumns.size(); ++i) out << (i ? "," : "") << kAblationColumns[i];
  out << "\n";
  const std::string hw = hardware_line(results.value("hardware", nlohmann::json()));
  for (const auto& row : results["rows"]) {
    for (size_t i = 0; i < kAblationColumns.size(); ++i) {
      const std::string& k = kAblationColumns[i];
      out << (i ? "," : "") << (k == "hardware" ? csv_cell(hw) : csv_cell(row.value(k, nlohmann::json())));
    }
    out << "\n";
  }
  return out.str();
}

std::string results_markdown(const nlohmann::json& results) {
  std::ostringstream out;
  out << "# Ablation: " << results.value("name", "") << "\n\n";
  out << "Evaluated on the `" << results.value("split", "test") << "` split (never trained on), "
      << results.value("decoder", "regression") << " decoder; PCK@0.2 is torso-normalised (LSP protocol), "
      << "PCKh@0.5 head-normalised, AUC of PCK over alpha in [0, 0.5], labeled joints only. Latency: batch 1, "
      << "median of timed repeats after warm-up, on " << hardware_line(results.value("hardware", nlohmann::json()))
      << "; ONNX = the exported coords + visibility graph in OpenCV DNN, kplab = the same graph in kplab's XNNPACK "
         "runner (what kplab predict runs).\n\n";
  out << "| variant | params | GMACs | PCK@0.2 | PCKh@0.5 | AUC | heatmap PCK@0.2 | LibTorch ms | ONNX ms | kplab ms | "
         "train min | status |\n";
  out << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const auto& row : results["rows"]) {
    out << "| " << row.value("variant", "") << " | "
        << (row.contains("params") && row["params"].is_number() ? std::to_string(row["params"].get<int64_t>()) : "–")
        << " | " << cell(row, "macs", "%.3f", 1e-9) << " | " << cell(row, "pck@0.2", "%.1f%%", 100) << " | "
        << cell(row, "pckh@0.5", "%.1f%%", 100) << " | " << cell(row, "auc", "%.1f%%", 100) << " | "
        << cell(row, "heatmap_pck@0.2", "%.1f%%", 100) << " | " << cell(row, "latency_torch_ms", "%.2f") << " | "
        << cell(row, "latency_onnx_ms", "%.2f") << " | " << cell(row, "latency_kplab_ms", "%.2f") << " | "
        << cell(row, "train_seconds", "%.1f", 1.0 / 60) << " | "
        << row.value("status", "pending") << " |\n";
  }
  return out.str();
}

}  // namespace kplab
