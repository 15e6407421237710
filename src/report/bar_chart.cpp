// grouped_bar_chart() of svg_chart.h: one group of bars per category.
#include <algorithm>
#include <cmath>
#include <limits>

#include "report/chart_axis.h"
#include "report/chart_layout.h"
#include "report/svg_chart.h"
#include "report/svg_text.h"

namespace kplab::report {

using namespace chart;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The bars of category `c`: one per series, a grey stub where a value is missing.
std::string group_svg(size_t c, double gx, double group, double base, const std::vector<std::string>& categories,
                      const std::vector<BarSeries>& series, const Axis& y, const ChartFrame& o) {
  std::string s;
  const double inner = group * 0.8, bar = series.empty() ? 0 : inner / series.size();
  for (size_t i = 0; i < series.size(); ++i) {
    const double bx = gx + (group - inner) / 2 + i * bar;
    const double v = c < series[i].values.size() ? series[i].values[c] : kNaN;
    if (!std::isfinite(v)) {
      // A missing value (joint never labeled): a grey stub, so it reads as absent, not zero.
      s += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"2\" fill=\"#c5cad1\"/>", bx, base - 2,
                  std::max(bar - 1, 0.5));
      continue;
    }
    const double py = y.map(v);
    const std::string tip = categories[c] + " \xC2\xB7 " + series[i].name + ": " +
                            (o.percent_y ? format("%.1f%%", 100 * v) : format("%g", v));
    s += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", bx,
                std::min(py, base), std::max(bar - 1, 0.5), std::fabs(base - py),
                colour_or(series[i].colour, static_cast<int>(i)).c_str()) +
         escape_xml(tip) + "</title></rect>";
  }
  return s;
}

// A category's name under its group, slanted 40 degrees when names are too wide to stand level.
std::string category_label_svg(const std::string& text, double cx, double y1, bool slant) {
  if (slant)
    return format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\" transform=\"rotate(-40 %.1f %.1f)\">",
                  cx + 3, y1 + 12, kTextColour, cx + 3, y1 + 12) +
           escape_xml(text) + "</text>";
  return format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">", cx, y1 + 16, kTextColour) +
         escape_xml(text) + "</text>";
}

}  // namespace

std::string grouped_bar_chart(const std::vector<std::string>& categories, const std::vector<BarSeries>& series,
                              const ChartFrame& o) {
  std::vector<double> vals;
  for (const auto& s : series)
    for (double v : s.values) vals.push_back(v);
  bool empty = categories.empty() || series.empty() ||
               std::none_of(vals.begin(), vals.end(), [](double v) { return std::isfinite(v); });
  vals.push_back(0);  // bars grow from zero
  Axis y = linear_axis(vals, o.y_min, o.y_max, o.percent_y, false);

  std::vector<LegendItem> items;
  for (size_t i = 0; i < series.size(); ++i)
    items.push_back({series[i].name, colour_or(series[i].colour, static_cast<int>(i)), false, true});
  const double W = o.width, right = 14;
  double left = left_margin(y, o);
  const size_t n = std::max<size_t>(categories.size(), 1);
  double group = (W - left - right) / n;
  double widest = 0;
  for (const auto& c : categories) widest = std::max(widest, text_width(c, kFont));
  const bool slant = widest > group - 6;
  // Slanted labels (40 degrees) hang left of their group: keep the first one inside the viewBox.
  if (slant && !categories.empty()) {
    left = std::max(left, 0.77 * text_width(categories.front(), kFont) - group / 2 + 10);
    group = (W - left - right) / n;
  }
  const auto rows = legend_rows(items, W - 8);
  const double top = (o.title.empty() ? 10 : 30) + 16.0 * rows.size() + 6;
  const double bottom = (slant ? 14 + 0.65 * widest + 8 : 24) + x_title_height(o);
  const PlotArea a = plot_area(o, left, right, top, bottom);
  y.place(a.y1, a.y0);

  std::string s = chart_open(o, a.height);
  s += legend_svg(items, rows, 4, (o.title.empty() ? 14 : 38));
  s += axes_svg(y, nullptr, a, o);
  if (empty) s += no_data_svg(a);
  const double base = y.map(std::clamp(0.0, y.lo, y.hi));
  for (size_t c = 0; c < categories.size(); ++c) {
    const double gx = a.x0 + c * group;
    s += group_svg(c, gx, group, base, categories, series, y, o);
    s += category_label_svg(categories[c], gx + group / 2, a.y1, slant);
  }
  return s + "</svg>";
}

}  // namespace kplab::report
