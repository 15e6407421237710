#include "posture/measure_error.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/csv_table.h"
#include "core/error.h"
#include "core/printf_string.h"
#include "posture/posture_measures.h"

namespace kplab::posture {

namespace {

// Row index by image file name; a name twice is an error (which person is it?).
std::map<std::string, size_t> rows_by_image(const CsvTable& t) {
  return rows_by_file_name(t, t.require_column("source", "the image each person was found in"));
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double at = q * (v.size() - 1);
  const size_t lo = static_cast<size_t>(at);
  return lo + 1 < v.size() ? v[lo] + (at - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

MeasureErrorRow score(const MeasureDef& def, const CsvTable& truth, const CsvTable& pred,
                      const std::vector<std::pair<size_t, size_t>>& pairs) {
  MeasureErrorRow row;
  row.name = def.name;
  row.unit = def.unit;
  const int tc = truth.column(def.name), pc = pred.column(def.name);
  std::vector<double> abs_err;
  double sum = 0;
  int64_t agree = 0;
  for (const auto& [t, p] : pairs) {
    const double want = truth.number(t, tc);
    if (!std::isfinite(want)) continue;
    ++row.n;
    const double got = pred.number(p, pc);
    if (!std::isfinite(got)) continue;
    abs_err.push_back(std::abs(got - want));
    sum += got - want;
    MeasureValue g, w;
    g.value = got;
    w.value = want;
    agree += flagged(def, g) == flagged(def, w);
  }
  row.n_available = static_cast<int64_t>(abs_err.size());
  if (row.n_available == 0) {
    row.mean_abs = row.median_abs = row.p90_abs = row.bias = row.flag_agreement = NAN;
    return row;
  }
  double total = 0;
  for (double e : abs_err) total += e;
  row.mean_abs = total / row.n_available;
  row.median_abs = quantile(abs_err, 0.5);
  row.p90_abs = quantile(abs_err, 0.9);
  row.bias = sum / row.n_available;
  row.flag_agreement = static_cast<double>(agree) / row.n_available;
  return row;
}

}  // namespace

MeasureErrors measure_errors(const std::string& truth_csv, const std::string& predicted_csv) {
  const CsvTable truth = read_csv_table(truth_csv), pred = read_csv_table(predicted_csv);
  const std::map<std::string, size_t> truth_rows = rows_by_image(truth), pred_rows = rows_by_image(pred);
  MeasureErrors out;
  out.truth = truth_csv;
  out.predicted = predicted_csv;
  std::vector<std::pair<size_t, size_t>> pairs;
  for (const auto& [name, p] : pred_rows) {
    const auto t = truth_rows.find(name);
    if (t == truth_rows.end())
      throw input_error(pred.where(p), "source", str("an image of ", truth_csv), "'" + name + "', not in it");
    pairs.emplace_back(t->second, p);
  }
  out.matched = static_cast<int64_t>(pairs.size());
  for (const MeasureDef& def : PostureMeasurer::all())
    if (truth.column(def.name) >= 0 && pred.column(def.name) >= 0) out.rows.push_back(score(def, truth, pred, pairs));
  if (out.rows.empty())
    throw input_error(predicted_csv, "columns", str("a posture measure column that ", truth_csv, " also has"),
                      "none in common");
  return out;
}

nlohmann::json MeasureErrors::to_json() const {
  nlohmann::json rows_json = nlohmann::json::array();
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  for (const auto& r : rows)
    rows_json.push_back({{"measure", r.name}, {"unit", r.unit}, {"n", r.n}, {"n_available", r.n_available},
                         {"mean_abs_error", num(r.mean_abs)}, {"median_abs_error", num(r.median_abs)},
                         {"p90_abs_error", num(r.p90_abs)}, {"bias", num(r.bias)},
                         {"flag_agreement", num(r.flag_agreement)}});
  return {{"truth", truth}, {"predicted", predicted}, {"matched", matched}, {"measures", rows_json}};
}

std::string MeasureErrors::to_text() const {
  std::string t = printf_string("posture measures of %s against %s (%lld people)\n", predicted.c_str(), truth.c_str(),
                                static_cast<long long>(matched));
  t += printf_string("  %-24s %-6s %9s %9s %9s %8s %10s %9s\n", "measure", "unit", "mean |e|", "median", "p90", "bias",
                     "measured", "flag agr");
  for (const auto& r : rows)
    t += printf_string("  %-24s %-6s %9.2f %9.2f %9.2f %+8.2f %5lld/%-4lld %8.1f%%\n", r.name.c_str(), r.unit.c_str(),
                       r.mean_abs, r.median_abs, r.p90_abs, r.bias, static_cast<long long>(r.n_available),
                       static_cast<long long>(r.n), 100 * r.flag_agreement);
  return t;
}

}  // namespace kplab::posture
