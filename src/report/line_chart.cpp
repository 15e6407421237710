// line_chart() of svg_chart.h: series as polylines over shaded x bands.
#include <algorithm>
#include <cmath>

#include "report/chart_axis.h"
#include "report/chart_layout.h"
#include "report/svg_chart.h"
#include "report/svg_text.h"

namespace kplab::report {

using namespace chart;

namespace {

// The x and y of every drawable point, plus the bands' edges on x, so the
// axes cover both.
void drawn_values(const std::vector<Series>& series, const LineChartOptions& o, std::vector<double>& xs,
                  std::vector<double>& ys) {
  for (const auto& s : series) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(s.x[i]) && usable(s.y[i], o.log_y)) {
        xs.push_back(s.x[i]);
        ys.push_back(s.y[i]);
      }
  }
  for (const auto& b : o.bands) xs.insert(xs.end(), {b.from, b.to});
}

// Alternating shades behind the plot, a dashed divider between bands and
// each band's label above the plot.
std::string bands_svg(const std::vector<XBand>& bands, const Axis& x, const PlotArea& a) {
  std::string s;
  for (size_t i = 0; i < bands.size(); ++i) {
    const XBand& b = bands[i];
    const double bx0 = x.map(std::min(b.from, b.to)), bx1 = x.map(std::max(b.from, b.to));
    s += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", bx0, a.y0, bx1 - bx0,
                a.y1 - a.y0, i % 2 ? "#f7f8fa" : "#eef2f8");
    if (i > 0)
      s += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b8c2cf\" stroke-dasharray=\"3 3\"/>",
                  bx0, a.y0 - 14, bx0, a.y1);
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#6b7785\" font-size=\"10\" "
                "font-style=\"italic\">",
                (bx0 + bx1) / 2, a.y0 - 4) +
         escape_xml(b.label) + "</text>";
  }
  return s;
}

// One series: runs of two or more usable points become one subpath each; a
// lone point gets a dot (every point does with `markers`).
std::string series_svg(const Series& se, const std::string& c, const Axis& x, const Axis& y, bool log_y) {
  const size_t n = std::min(se.x.size(), se.y.size());
  std::string d, dots, pending;
  size_t run = 0;
  double lx = 0, ly = 0;
  auto flush = [&]() {
    if (run >= 2) d += pending;
    else if (run == 1 && !se.markers)
      dots += format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", lx, ly, c.c_str());
    pending.clear();
    run = 0;
  };
  for (size_t k = 0; k < n; ++k) {
    if (!std::isfinite(se.x[k]) || !usable(se.y[k], log_y)) {
      flush();
      continue;
    }
    lx = x.map(se.x[k]);
    ly = y.map(se.y[k]);
    pending += format("%s%.1f %.1f", run == 0 ? "M" : "L", lx, ly);
    ++run;
    if (se.markers) dots += format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.8\" fill=\"%s\"/>", lx, ly, c.c_str());
  }
  flush();
  std::string s;
  if (!d.empty())
    s += "<path d=\"" + d +
         format("\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\" "
                "stroke-linecap=\"round\"%s><title>",
                c.c_str(), se.dashed ? " stroke-dasharray=\"6 4\"" : "") +
         escape_xml(se.name) + "</title></path>";
  return s + dots;
}

}  // namespace

std::string line_chart(const std::vector<Series>& series, const LineChartOptions& o) {
  std::vector<double> xs, ys;
  drawn_values(series, o, xs, ys);
  const bool empty = ys.empty();
  Axis x = linear_axis(xs, o.x_min, o.x_max, o.percent_x, o.integer_x);
  Axis y = o.log_y ? log_axis(ys) : linear_axis(ys, o.y_min, o.y_max, o.percent_y, false);
  y.percent = o.percent_y;

  std::vector<LegendItem> items;
  for (size_t i = 0; i < series.size(); ++i)
    items.push_back({series[i].name, colour_or(series[i].colour, static_cast<int>(i)), series[i].dashed, false});
  const auto rows = legend_rows(items, o.width - 8);
  const double top = (o.title.empty() ? 10 : 30) + 16.0 * rows.size() + (o.bands.empty() ? 6 : 18);
  const PlotArea a = plot_area(o, left_margin(y, o), 18, top, 26 + x_title_height(o));
  x.place(a.x0, a.x1);
  y.place(a.y1, a.y0);

  std::string s = chart_open(o, a.height);
  s += legend_svg(items, rows, 4, (o.title.empty() ? 14 : 38));
  s += bands_svg(o.bands, x, a);
  s += axes_svg(y, &x, a, o);
  if (empty) s += no_data_svg(a);
  for (size_t i = 0; i < series.size(); ++i)
    s += series_svg(series[i], colour_or(series[i].colour, static_cast<int>(i)), x, y, o.log_y);
  return s + "</svg>";
}

}  // namespace kplab::report
