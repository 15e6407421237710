// The best and worst predictions of a cache split, drawn on their crops: the
// "Best and worst predictions" section of both reports.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "data/cache.h"
#include "data/schema.h"
#include "report/run_report.h"
#include "run/trained_model.h"

namespace kplab::report {

// The best and worst `options.grid` people of the split for `decoder`,
// ranked by mean error over labeled joints normalised by the torso (PCK
// reference), each crop drawn with the predicted skeleton and the ground
// truth as magenta dots. Returns HTML; `summary` gets "best" and "worst" rows.
std::string prediction_grid_html(const TrainedModel& model, std::shared_ptr<const CacheData> cache, const Schema& schema,
                                 const std::string& decoder, const ReportOptions& options, nlohmann::json& summary);

}  // namespace kplab::report
