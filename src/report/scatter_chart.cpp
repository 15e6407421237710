// scatter_chart() of svg_chart.h: labelled points, labels kept apart.
#include <algorithm>
#include <cmath>

#include "report/chart_axis.h"
#include "report/chart_layout.h"
#include "report/svg_chart.h"
#include "report/svg_text.h"

namespace kplab::report {

using namespace chart;

namespace {

struct Box {
  double x0, y0, x1, y1;
};

// The label's baseline: beside its point, nudged up or down to the first
// offset that clashes with no label already placed (else level with the
// point), kept inside the plot.
double label_baseline(double px, double py, double w, const PlotArea& a, bool to_left,
                      const std::vector<Box>& placed) {
  const double lx0 = to_left ? px - 9 - w : px + 9;
  double ly = py + 4;
  for (double dy : {0.0, -13.0, 13.0, -26.0, 26.0, -39.0, 39.0}) {
    const double cand = std::clamp(py + 4 + dy, a.y0 + 10, a.y1 - 2);
    bool clash = false;
    for (const Box& b : placed)
      if (lx0 < b.x1 && lx0 + w > b.x0 && cand - 10 < b.y1 && cand > b.y0) clash = true;
    if (!clash) {
      ly = cand;
      break;
    }
  }
  return ly;
}

}  // namespace

std::string scatter_chart(const std::vector<ScatterPoint>& points, const ChartFrame& o) {
  std::vector<double> xs, ys;
  for (const auto& p : points)
    if (std::isfinite(p.x) && std::isfinite(p.y)) {
      xs.push_back(p.x);
      ys.push_back(p.y);
    }
  const bool empty = xs.empty();
  // Padding keeps points (and their labels) off the frame.
  Axis x = linear_axis(xs, o.x_min, o.x_max, o.percent_x, false, 0.08);
  Axis y = linear_axis(ys, o.y_min, o.y_max, o.percent_y, false, 0.08);
  const double top = o.title.empty() ? 12 : 34;
  const PlotArea a = plot_area(o, left_margin(y, o), 16, top, 26 + x_title_height(o));
  x.place(a.x0, a.x1);
  y.place(a.y1, a.y0);

  std::string s = chart_open(o, a.height);
  s += axes_svg(y, &x, a, o);
  if (empty) s += no_data_svg(a);
  // Labels right of their point (left when near the right edge), nudged
  // vertically away from labels already placed.
  std::vector<Box> placed;
  std::string dots, labels;
  for (size_t i = 0; i < points.size(); ++i) {
    const ScatterPoint& p = points[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    const double px = x.map(p.x), py = y.map(p.y);
    const std::string c = colour_or(p.colour, static_cast<int>(i));
    dots += format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5.5\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1.5\"><title>",
                   px, py, c.c_str()) +
            escape_xml(p.label) + "</title></circle>";
    if (p.label.empty()) continue;
    const double w = text_width(p.label, kFont);
    const bool to_left = px + 9 + w > a.x1;
    const double lx0 = to_left ? px - 9 - w : px + 9;
    const double ly = label_baseline(px, py, w, a, to_left, placed);
    placed.push_back({lx0, ly - 10, lx0 + w, ly});
    labels += format("<text x=\"%.1f\" y=\"%.1f\"%s fill=\"#1f2933\">", to_left ? px - 9 : px + 9, ly,
                     to_left ? " text-anchor=\"end\"" : "") +
              escape_xml(p.label) + "</text>";
  }
  return s + dots + labels + "</svg>";
}

}  // namespace kplab::report
