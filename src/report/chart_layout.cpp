#include "report/chart_layout.h"

#include <algorithm>

#include "report/svg_text.h"

namespace kplab::report::chart {

namespace {

std::string svg_open(int width, int height, const std::string& title) {
  // No xmlns: inline SVG in HTML5 gets its namespace from the parser, and the
  // report must hold no http:// reference at all.
  std::string s = format(
      "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
      "font-family=\"-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif\" font-size=\"%d\">",
      width, height, width, height, kFont);
  if (!title.empty()) s += "<title>" + escape_xml(title) + "</title>";
  return s;
}

std::string title_svg(const std::string& title, double x) {
  if (title.empty()) return "";
  return format("<text x=\"%.1f\" y=\"18\" font-size=\"%d\" font-weight=\"600\" fill=\"#1f2933\">", x, kTitleFont) +
         escape_xml(title) + "</text>";
}

}  // namespace

PlotArea plot_area(const ChartFrame& f, double left, double right, double top, double bottom) {
  PlotArea a;
  a.height = std::max(f.height, static_cast<int>(top + bottom + 80));
  a.x0 = left;
  a.x1 = f.width - right;
  a.y0 = top;
  a.y1 = a.height - bottom;
  return a;
}

double x_title_height(const ChartFrame& f) { return f.x_label.empty() ? 0 : 16; }

double left_margin(const Axis& y, const ChartFrame& f) {
  double widest = 0;
  for (double t : y.ticks) widest = std::max(widest, text_width(y.label(t), kFont));
  return 10 + widest + (f.y_label.empty() ? 4 : 22);
}

std::string chart_open(const ChartFrame& f, int height) { return svg_open(f.width, height, f.title) + title_svg(f.title, 4); }

std::vector<std::vector<size_t>> legend_rows(const std::vector<LegendItem>& items, double width) {
  std::vector<std::vector<size_t>> rows;
  double x = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const double w = 26 + text_width(items[i].name, kFont) + 14;
    if (rows.empty() || (x + w > width && !rows.back().empty())) {
      rows.emplace_back();
      x = 0;
    }
    rows.back().push_back(i);
    x += w;
  }
  return rows;
}

std::string legend_svg(const std::vector<LegendItem>& items, const std::vector<std::vector<size_t>>& rows, double x0,
                       double y0) {
  std::string s;
  double y = y0;
  for (const auto& row : rows) {
    double x = x0;
    for (size_t i : row) {
      const LegendItem& it = items[i];
      if (it.box)
        s += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" rx=\"2\" fill=\"%s\"/>", x + 4, y - 8,
                    it.colour.c_str());
      else
        s += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s/>", x,
                    y - 3, x + 20, y - 3, it.colour.c_str(), it.dashed ? " stroke-dasharray=\"5 3\"" : "");
      s += format("<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">", x + 26, y + 1, kTextColour) + escape_xml(it.name) +
           "</text>";
      x += 26 + text_width(it.name, kFont) + 14;
    }
    y += 16;
  }
  return s;
}

std::string axes_svg(const Axis& y, const Axis* x, const PlotArea& a, const ChartFrame& f) {
  const double x0 = a.x0, y0 = a.y0, x1 = a.x1, y1 = a.y1;
  std::string s;
  for (double t : y.ticks) {
    const double py = y.map(t);
    s += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x0, py, x1, py, kGridColour);
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">", x0 - 6, py + 3.5, kTextColour) +
         escape_xml(y.label(t)) + "</text>";
  }
  if (x) {
    for (double t : x->ticks) {
      const double px = x->map(t);
      s += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", px, y1, px, y1 + 4,
                  kAxisColour);
      s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">", px, y1 + 16, kTextColour) +
           escape_xml(x->label(t)) + "</text>";
    }
  }
  s += format("<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" stroke=\"%s\"/>", x0, y0, y1, x1, kAxisColour);
  if (!f.x_label.empty())
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">", (x0 + x1) / 2, a.height - 6.0,
                kTextColour) +
         escape_xml(f.x_label) + "</text>";
  if (!f.y_label.empty()) {
    const double cy = (y0 + y1) / 2;
    s += format("<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" transform=\"rotate(-90 12 %.1f)\">", cy,
                kTextColour, cy) +
         escape_xml(f.y_label) + "</text>";
  }
  return s;
}

std::string no_data_svg(const PlotArea& a) {
  return format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#9aa3ad\" font-size=\"13\">no data</text>",
                (a.x0 + a.x1) / 2, (a.y0 + a.y1) / 2);
}

std::string colour_or(const std::string& colour, int i) { return colour.empty() ? palette(i) : colour; }

}  // namespace kplab::report::chart
