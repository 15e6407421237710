#include "report/report_charts.h"

#include <limits>
#include <numeric>

#include "core/number_format.h"
#include "report/json_fields.h"

namespace kplab::report {

void percent_y_axis(ChartFrame& f, const std::string& label) {
  f.y_label = label;
  f.percent_y = true;
  f.y_min = 0;
  f.y_max = 1;
}

void epoch_x_axis(LineChartOptions& o, size_t epochs) {
  o.x_label = "epoch (all phases)";
  o.integer_x = true;
  o.x_min = 0.5;
  o.x_max = epochs + 0.5;
}

std::vector<double> epoch_numbers(size_t n) {
  std::vector<double> x(n);
  std::iota(x.begin(), x.end(), 1.0);
  return x;
}

std::string pck_curve_chart(const std::vector<std::pair<std::string, nlohmann::json>>& evals, const std::string& title,
                            const std::vector<bool>& dashed) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  LineChartOptions o;
  o.title = title;
  o.x_label = "alpha (fraction of the torso)";
  percent_y_axis(o, "PCK");
  o.x_min = 0;
  o.x_max = 0.5;
  std::vector<Series> series;
  for (size_t i = 0; i < evals.size(); ++i) {
    const nlohmann::json& e = evals[i].second;
    Series s;
    s.name = evals[i].first + " (AUC " + percent(e.value("auc", nlohmann::json())) + ")";
    s.colour = palette(static_cast<int>(i));
    s.dashed = i < dashed.size() && dashed[i];
    if (e.contains("pck_curve") && e["pck_curve"].is_object()) {
      for (const auto& a : e["pck_curve"].value("alpha", nlohmann::json::array()))
        s.x.push_back(a.is_number() ? a.get<double>() : kNaN);
      for (const auto& v : e["pck_curve"].value("pck", nlohmann::json::array()))
        s.y.push_back(v.is_number() ? v.get<double>() : kNaN);
    }
    series.push_back(s);
  }
  return line_chart(series, o);
}

std::vector<double> per_joint_values(const nlohmann::json& per_joint, const std::vector<std::string>& joints) {
  std::vector<double> v;
  for (const auto& name : joints) v.push_back(number_or_nan(per_joint, name));
  return v;
}

}  // namespace kplab::report
