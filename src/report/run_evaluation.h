// The evaluation a report shows for a run: the one `kplab eval --json` saved
// when it still fits, else a fresh one.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "data/cache.h"
#include "report/run_report.h"
#include "run/trained_model.h"

namespace kplab::report {

// Caches read once per path for the whole report.
class CacheStore {
 public:
  std::shared_ptr<const CacheData> get(const std::string& path);

 private:
  std::map<std::string, std::shared_ptr<const CacheData>> caches_;
};

// RUN/eval.json when it is for the same split (and cache, when one is
// forced) and not older than the checkpoint, else evaluate() now (loading
// the model through `model`, which the caller may reuse). Adds "split",
// "checkpoint" and "source" ("eval.json" or "evaluated").
nlohmann::json run_evaluation(const std::string& run, const ReportOptions& options, CacheStore& caches,
                              std::shared_ptr<TrainedModel>& model);

}  // namespace kplab::report
