#include "report/training_charts.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "report/report_charts.h"
#include "report/svg_chart.h"

namespace kplab::report {

namespace {

// Contiguous rows of one phase as a shaded x band (x = row number, from 1).
std::vector<XBand> phase_bands(const MetricsLog& m) {
  std::vector<XBand> bands;
  for (size_t i = 0; i < m.rows(); ++i) {
    if (bands.empty() || m.phase[i] != m.phase[i - 1]) bands.push_back({i + 0.5, i + 1.5, m.phase[i]});
    bands.back().to = i + 1.5;
  }
  return bands;
}

bool any_positive(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double x) { return std::isfinite(x) && x > 0; });
}

// Epochs on x with the phases shaded behind.
LineChartOptions per_epoch_options(const MetricsLog& m, const std::string& title) {
  LineChartOptions o;
  o.title = title;
  epoch_x_axis(o, m.rows());
  o.bands = phase_bands(m);
  return o;
}

}  // namespace

std::string loss_chart(const MetricsLog& m) {
  LineChartOptions o = per_epoch_options(m, "Training loss per epoch");
  o.y_label = "loss (log scale)";
  o.log_y = true;
  const std::vector<double> x = epoch_numbers(m.rows());
  std::vector<Series> series;
  const std::pair<const char*, const char*> parts[] = {{"loss", "total"},
                                                       {"loss_heatmap", "heatmap"},
                                                       {"loss_coords", "coords"},
                                                       {"loss_visibility", "visibility"},
                                                       {"loss_mirrored", "mirrored"}};
  int colour = 0;
  for (const auto& [column, name] : parts) {
    std::vector<double> y = m.column(column);
    if (!any_positive(y)) continue;  // a loss never used (weight 0 everywhere) is no line
    series.push_back({name, x, y, column == std::string("loss") ? "#3b4754" : palette(colour++), false, true});
  }
  return line_chart(series, o);
}

std::string validation_chart(const MetricsLog& m) {
  const std::string alpha = headline_alpha(m);
  LineChartOptions o = per_epoch_options(m, "Validation PCK@" + (alpha.empty() ? std::string("?") : alpha) + " per epoch");
  percent_y_axis(o, "PCK");
  const std::vector<double> x = epoch_numbers(m.rows());
  std::vector<Series> series;
  if (!alpha.empty()) {
    series.push_back({"regression", x, m.column("val_pck@" + alpha), palette(0), false, true});
    series.push_back({"heatmap", x, m.column("val_heatmap_pck@" + alpha), palette(1), true, true});
  }
  return line_chart(series, o);
}

}  // namespace kplab::report
