#include "report/run_evaluation.h"

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "train/experiment.h"

namespace kplab::report {

namespace fs = std::filesystem;

std::shared_ptr<const CacheData> CacheStore::get(const std::string& path) {
  auto it = caches_.find(path);
  if (it != caches_.end()) return it->second;
  auto c = std::make_shared<const CacheData>(read_cache(path));
  caches_[path] = c;
  return c;
}

nlohmann::json run_evaluation(const std::string& run, const ReportOptions& o, CacheStore& caches,
                              std::shared_ptr<TrainedModel>& model) {
  const Experiment exp = load_experiment(run + "/config.yaml");
  const std::string data = o.data.empty() ? exp.data.cache : o.data;
  const fs::path saved = fs::path(run) / "eval.json";
  if (fs::is_regular_file(saved)) {
    nlohmann::json j;
    try {
      std::ifstream in(saved);
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw input_error(saved.string(), "JSON", "an evaluation written by kplab eval --json", e.what());
    }
    fs::path ckpt = fs::path(run) / "checkpoints" / "best.pt";
    if (!fs::exists(ckpt)) ckpt = fs::path(run) / "checkpoints" / "last.pt";
    std::error_code ec;
    const bool fresh = !fs::exists(ckpt) || fs::last_write_time(saved, ec) >= fs::last_write_time(ckpt, ec);
    const bool same_split = j.is_object() && j.value("split", std::string()) == o.split;
    const bool same_data = o.data.empty() || (j.contains("data") && j["data"] == o.data);
    const bool complete = j.is_object() && j.contains("by_decoder") && j["by_decoder"].contains("regression") &&
                          j["by_decoder"].contains("heatmap");
    if (fresh && same_split && same_data && complete) {
      j["source"] = "eval.json";
      return j;
    }
  }
  if (!model) model = std::make_shared<TrainedModel>(o.load_model(run));
  TrainedEvalOptions eo;  // as kplab eval evaluates (it used to differ: no memory format, no schema recorded)
  eo.split = o.split;
  eo.decoder = exp.eval.decoder;
  eo.device = o.device;
  nlohmann::json j = evaluate_trained(*model, *caches.get(data), data, eo);
  j["source"] = "evaluated";
  return j;
}

}  // namespace kplab::report
