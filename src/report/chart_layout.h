// Layout shared by the SVG chart kinds (internal to src/report): the plot
// rectangle inside the margins, the opening tag and title, legends, axes
// with their grid and titles, and the "no data" mark.
#pragma once

#include <string>
#include <vector>

#include "report/chart_axis.h"
#include "report/svg_chart.h"

namespace kplab::report::chart {

// The plot rectangle in pixels, and the height of the whole chart.
struct PlotArea {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // left, top, right, bottom
  int height = 0;
};

// The plot rectangle inside the given margins. The chart grows taller than
// `frame.height` when the margins would leave under 80 px to plot in.
PlotArea plot_area(const ChartFrame& frame, double left, double right, double top, double bottom);

// Room under the plot for the x axis title (0 without one).
double x_title_height(const ChartFrame& frame);

// Left margin: room for the widest y tick label and the rotated y title.
double left_margin(const Axis& y, const ChartFrame& frame);

// The <svg> tag (with a <title> for screen readers) and the visible title.
std::string chart_open(const ChartFrame& frame, int height);

struct LegendItem {
  std::string name, colour;
  bool dashed = false;
  bool box = false;  // a filled square (bars) instead of a line
};

// Legend rows laid out left to right within `width`; returns the rows' item indices.
std::vector<std::vector<size_t>> legend_rows(const std::vector<LegendItem>& items, double width);
std::string legend_svg(const std::vector<LegendItem>& items, const std::vector<std::vector<size_t>>& rows, double x0,
                       double y0);

// Horizontal grid lines with y tick labels, the two axis lines, x ticks (when
// `x` is given) and the axis titles.
std::string axes_svg(const Axis& y, const Axis* x, const PlotArea& area, const ChartFrame& frame);

// "no data", centred in the plot.
std::string no_data_svg(const PlotArea& area);

// `colour`, or the palette's i-th colour when it is "".
std::string colour_or(const std::string& colour, int i);

}  // namespace kplab::report::chart
