// Charts as inline SVG text for the HTML reports: a line chart with several
// series, a grouped bar chart, a labelled scatter and a confusion matrix. Pure string builders:
// no files, no fonts, no scripts. Every text is XML-escaped; NaN values are
// gaps (lines), missing bars or skipped points; an empty chart still renders
// its frame with "no data". Every drawn coordinate lies inside the viewBox
// (values outside explicit axis limits are clamped to the plot area).
//
// One file per chart kind (line_chart.cpp, bar_chart.cpp, scatter_chart.cpp),
// over the pieces they share: chart_axis.h, chart_layout.h and svg_text.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kplab::report {

// &, <, >, " and ' as entities, for SVG and HTML text and attribute values.
std::string escape_xml(const std::string& text);

// The i-th colour of the report palette (cycles), as "#rrggbb".
std::string palette(int i);

// Round tick values covering [lo, hi] with about `target` ticks (lo <= hi;
// equal values are widened). The first tick is <= lo and the last >= hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

struct Series {
  std::string name;        // legend text
  std::vector<double> x;   // same length as y; NaN in either breaks the line
  std::vector<double> y;
  std::string colour;      // "" = palette by position
  bool dashed = false;
  bool markers = false;    // a dot at every point
};

// A labelled span of the x axis shaded behind the data (training phases).
struct XBand {
  double from = 0, to = 0;
  std::string label;
};

struct ChartFrame {
  std::string title;
  std::string x_label, y_label;
  int width = 560, height = 320;
  bool percent_y = false;            // y ticks as percentages of 1
  bool percent_x = false;
  std::optional<double> y_min, y_max, x_min, x_max;  // fixed limits; default: from the data
};

struct LineChartOptions : ChartFrame {
  bool log_y = false;                // log10 y axis; values <= 0 become gaps
  bool integer_x = false;            // x ticks at whole numbers only (epochs)
  std::vector<XBand> bands;
};
std::string line_chart(const std::vector<Series>& series, const LineChartOptions& options);

struct BarSeries {
  std::string name;
  std::vector<double> values;  // one per category; NaN = no bar
  std::string colour;          // "" = palette by position
};
// Categories along x (labels slanted when crowded), one bar per series in each group.
std::string grouped_bar_chart(const std::vector<std::string>& categories, const std::vector<BarSeries>& series,
                              const ChartFrame& options);

struct ScatterPoint {
  double x = 0, y = 0;   // NaN in either: not drawn
  std::string label;     // written beside the point
  std::string colour;    // "" = palette by position
};
std::string scatter_chart(const std::vector<ScatterPoint>& points, const ChartFrame& options);

// A classifier's confusion matrix: rows the true class, columns the
// predicted one, counts written in cells shaded by their share of the row
// (right answers blue, wrong ones red). Uses options.title and width.
std::string confusion_chart(const std::vector<std::string>& classes, const std::vector<std::vector<long long>>& counts,
                            const ChartFrame& options);

}  // namespace kplab::report
