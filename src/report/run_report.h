// The HTML report of one training run (`kplab report RUN`): summary cards for
// both decoders, training curves by phase, PCK over alpha, per-joint PCK and
// the best and worst predictions of a cache split drawn on their crops. The
// pieces the ablation report reuses (metrics.csv, evaluation, the grid) are
// declared here too.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/cache.h"
#include "data/schema.h"
#include "model/pose_model.h"
#include "run/trained_model.h"
#include "train/checkpoint.h"

namespace kplab::report {

// A run's trained weights (src/run/trained_model.h). The CLI builds them from
// the checkpoint through the model registry (tools/kplab/run_model.h), which
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

// metrics.csv (src/train/trainer.cpp): the phase column and every numeric column.
struct MetricsTable {
  std::vector<std::string> phase;                       // one per row (epoch)
  std::vector<std::string> columns;                     // numeric column names, file order
  std::map<std::string, std::vector<double>> values;    // column -> one value per row
  size_t rows() const { return phase.size(); }
  // The column, or NaN per row when the file has no such column.
  std::vector<double> column(const std::string& name) const;
};
// Errors name the file, the line and what was expected.
MetricsTable read_metrics_csv(const std::string& path);

// The alpha among the file's val_pck@A columns closest to 0.2 (as written, e.g. "0.2"); "" when none.
std::string headline_alpha(const MetricsTable& metrics);

// Caches read once per path for the whole report.
class CacheStore {
 public:
  std::shared_ptr<const CacheData> get(const std::string& path);

 private:
  std::map<std::string, std::shared_ptr<const CacheData>> caches_;
};

// The evaluation a report shows for a run: RUN/eval.json when it is for the
// same split (and cache, when one is forced) and not older than the
// checkpoint, else evaluate() now (loading the model through `model`, which
// the caller may reuse). Adds "split", "checkpoint" and "source"
// ("eval.json" or "evaluated").
nlohmann::json run_evaluation(const std::string& run, const ReportOptions& options, CacheStore& caches,
                              std::shared_ptr<TrainedModel>& model);

// The best and worst `options.grid` people of the split for `decoder`,
// ranked by mean error over labeled joints normalised by the torso (PCK
// reference), each crop drawn with the predicted skeleton and the ground
// truth as magenta dots. Returns HTML; `summary` gets "best" and "worst" rows.
std::string prediction_grid_html(const TrainedModel& model, std::shared_ptr<const CacheData> cache, const Schema& schema,
                                 const std::string& decoder, const ReportOptions& options, nlohmann::json& summary);

// "2024-05-01 14:03" (local time), and "CPU model · N threads · device" of this machine.
std::string local_date();
std::string host_hardware(const std::string& device);

// "3.41 M", "756 K", "1.20 G": three significant figures; "n/a" for NaN.
std::string si_text(double value);

// "71.3%", or "n/a" for null/missing/NaN.
std::string percent(const nlohmann::json& value);
// v with `decimals` decimals, or "n/a" when not finite.
std::string fixed(double v, int decimals);
// j[key] as a number, NaN when absent or null.
double number_or_nan(const nlohmann::json& j, const std::string& key);

// PCK over alpha (evaluate()'s pck_curve) of several evaluations, one line
// each, named with their AUC; `dashed[i]` draws line i dashed.
std::string pck_curve_chart(const std::vector<std::pair<std::string, nlohmann::json>>& evals, const std::string& title,
                            const std::vector<bool>& dashed = {});

// Percent values of `per_joint` (name -> PCK or null) in `joints` order, NaN where null.
std::vector<double> per_joint_values(const nlohmann::json& per_joint, const std::vector<std::string>& joints);

Report run_report(const std::string& run, const ReportOptions& options);

}  // namespace kplab::report
