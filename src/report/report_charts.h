// Chart pieces both reports draw (a run's and an ablation's): PCK over
// alpha, per-joint values, and the axes of per-epoch and PCK charts, so
// both pages label the same quantity the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "report/svg_chart.h"

namespace kplab::report {

// A y axis of shares in [0, 1] (PCK and the like), ticks as percentages.
void percent_y_axis(ChartFrame& frame, const std::string& label);

// An x axis of epochs 1..`epochs` over all phases, whole-number ticks, half
// an epoch of room on either side.
void epoch_x_axis(LineChartOptions& options, size_t epochs);

// 1, 2, ..., n: the x of one value per epoch (per metrics.csv row).
std::vector<double> epoch_numbers(size_t n);

// PCK over alpha (evaluate()'s pck_curve) of several evaluations, one line
// each, named with their AUC; `dashed[i]` draws line i dashed.
std::string pck_curve_chart(const std::vector<std::pair<std::string, nlohmann::json>>& evals, const std::string& title,
                            const std::vector<bool>& dashed = {});

// Percent values of `per_joint` (name -> PCK or null) in `joints` order, NaN where null.
std::vector<double> per_joint_values(const nlohmann::json& per_joint, const std::vector<std::string>& joints);

}  // namespace kplab::report
