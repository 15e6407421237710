#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>

namespace kplab::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kFont = 11;           // tick labels, legend
constexpr int kTitleFont = 13;
const char* const kAxisColour = "#9aa3ad";
const char* const kGridColour = "#e6e9ed";
const char* const kTextColour = "#4a5561";

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[512];
  va_list args, again;
  va_start(args, fmt);
  va_copy(again, args);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  std::string out;
  if (n >= 0 && static_cast<size_t>(n) < sizeof buf) {
    out = buf;
  } else if (n >= 0) {  // longer than the buffer: format again at full size
    out.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(out.data(), out.size(), fmt, again);
    out.resize(static_cast<size_t>(n));
  }
  va_end(again);
  return out;
}

// Rough rendered width of `text` in a sans-serif face: enough to lay out
// legends and margins without a font engine.
double text_width(const std::string& text, double font) {
  size_t glyphs = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++glyphs;  // count UTF-8 code points, not bytes
  return 0.58 * font * static_cast<double>(glyphs);
}

// Tick text: as many decimals as the tick step needs.
std::string tick_text(double v, double step, bool percent) {
  if (percent) {
    v *= 100;
    step *= 100;
  }
  int decimals = 0;
  if (step > 0 && step < 1) decimals = std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  if (std::fabs(v) < 1e-12) v = 0;  // no "-0"
  return format("%.*f%s", decimals, v, percent ? "%" : "");
}

// One axis: a value range mapped onto a pixel range, with its ticks.
struct Axis {
  double lo = 0, hi = 1;
  double px0 = 0, px1 = 1;  // pixel positions of lo and hi
  bool log = false;
  bool percent = false;
  std::vector<double> ticks;

  double unit(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
  // Pixel position, clamped to the axis so nothing leaves the plot area.
  double map(double v) const {
    double u = std::clamp(unit(v), 0.0, 1.0);
    return px0 + u * (px1 - px0);
  }
  std::string label(double v) const {
    if (log) return format("%g", v);
    double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
    return tick_text(v, step, percent);
  }
};

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

// Linear axis over the finite `values`, or the fixed limits when given.
Axis linear_axis(const std::vector<double>& values, std::optional<double> fixed_lo, std::optional<double> fixed_hi,
                 bool percent, bool integer, double pad_fraction = 0.0) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (pad_fraction > 0) {
    const double pad = (hi > lo ? hi - lo : std::max(std::fabs(hi), 1.0)) * pad_fraction;
    lo -= pad;
    hi += pad;
  }
  if (fixed_lo) lo = *fixed_lo;
  if (fixed_hi) hi = *fixed_hi;
  if (hi < lo) std::swap(lo, hi);
  Axis a;
  a.percent = percent;
  std::vector<double> t = nice_ticks(lo, hi, 6);
  if (integer && t.size() > 1 && t[1] - t[0] < 1) {
    t.clear();
    const double first = std::floor(lo), last = std::ceil(hi);
    for (double v = first; v <= last + 1e-9; v += 1) t.push_back(v);
    if (t.size() < 2) t = {first, first + 1};
  }
  a.lo = fixed_lo ? lo : t.front();
  a.hi = fixed_hi ? hi : t.back();
  if (a.hi <= a.lo) a.hi = a.lo + 1;
  for (double v : t)
    if (v >= a.lo - 1e-9 * (a.hi - a.lo) && v <= a.hi + 1e-9 * (a.hi - a.lo)) a.ticks.push_back(v);
  return a;
}

// log10 axis over the positive `values`: decades, plus 2 and 5 when it spans few.
Axis log_axis(const std::vector<double>& values) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (double v : values)
    if (usable(v, true)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) lo = 0.1, hi = 1;
  Axis a;
  a.log = true;
  int d0 = static_cast<int>(std::floor(std::log10(lo))), d1 = static_cast<int>(std::ceil(std::log10(hi)));
  if (d1 <= d0) d1 = d0 + 1;
  a.lo = std::pow(10.0, d0);
  a.hi = std::pow(10.0, d1);
  for (int d = d0; d <= d1; ++d) {
    a.ticks.push_back(std::pow(10.0, d));
    if (d1 - d0 <= 2 && d < d1) {
      a.ticks.push_back(2 * std::pow(10.0, d));
      a.ticks.push_back(5 * std::pow(10.0, d));
    }
  }
  std::sort(a.ticks.begin(), a.ticks.end());
  return a;
}

struct LegendItem {
  std::string name, colour;
  bool dashed = false;
  bool box = false;  // a filled square (bars) instead of a line
};

// Legend rows laid out left to right within `width`; returns the rows' item indices.
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

std::string no_data_svg(double x0, double y0, double x1, double y1) {
  return format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#9aa3ad\" font-size=\"13\">no data</text>",
                (x0 + x1) / 2, (y0 + y1) / 2);
}

// Horizontal grid lines with y tick labels, the two axis lines, x ticks (when
// `x` is given) and the axis titles.
std::string axes_svg(const Axis& y, const Axis* x, double x0, double y0, double x1, double y1, const ChartFrame& f,
                     int height) {
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
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">", (x0 + x1) / 2, height - 6.0,
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

// Left margin: room for the widest y tick label and the rotated y title.
double left_margin(const Axis& y, const ChartFrame& f) {
  double widest = 0;
  for (double t : y.ticks) widest = std::max(widest, text_width(y.label(t), kFont));
  return 10 + widest + (f.y_label.empty() ? 4 : 22);
}

std::string colour_or(const std::string& colour, int i) { return colour.empty() ? palette(i) : colour; }

}  // namespace

std::string escape_xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string palette(int i) {
  // Tableau 10: distinct, colour-blind-friendlier than the defaults, calm on white.
  static const char* const colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                        "#b07aa1", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"};
  const int n = static_cast<int>(sizeof colours / sizeof colours[0]);
  return colours[((i % n) + n) % n];
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double pad = std::max(std::fabs(lo) * 0.1, 0.5);
    lo -= pad;
    hi += pad;
  }
  target = std::max(target, 2);
  const double raw = (hi - lo) / (target - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  const double first = std::floor(lo / step + 1e-9) * step, last = std::ceil(hi / step - 1e-9) * step;
  std::vector<double> ticks;
  for (int i = 0; first + i * step <= last + step * 1e-6 && i < 1000; ++i) {
    double v = first + i * step;
    v = std::round(v / step) * step;  // no 0.30000000000000004
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  }
  if (ticks.size() < 2) ticks.push_back(ticks.empty() ? hi : ticks.back() + step);
  return ticks;
}

std::string line_chart(const std::vector<Series>& series, const LineChartOptions& o) {
  std::vector<double> xs, ys;
  for (const auto& s : series) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(s.x[i]) && usable(s.y[i], o.log_y)) {
        xs.push_back(s.x[i]);
        ys.push_back(s.y[i]);
      }
  }
  for (const auto& b : o.bands) xs.insert(xs.end(), {b.from, b.to});
  const bool empty = ys.empty();
  Axis x = linear_axis(xs, o.x_min, o.x_max, o.percent_x, o.integer_x);
  Axis y = o.log_y ? log_axis(ys) : linear_axis(ys, o.y_min, o.y_max, o.percent_y, false);
  y.percent = o.percent_y;

  std::vector<LegendItem> items;
  for (size_t i = 0; i < series.size(); ++i)
    items.push_back({series[i].name, colour_or(series[i].colour, static_cast<int>(i)), series[i].dashed, false});
  const double W = o.width, left = left_margin(y, o), right = 18;
  const auto rows = legend_rows(items, W - 8);
  const double top = (o.title.empty() ? 10 : 30) + 16.0 * rows.size() + (o.bands.empty() ? 6 : 18);
  const double bottom = 26 + (o.x_label.empty() ? 0 : 16);
  const int H = std::max(o.height, static_cast<int>(top + bottom + 80));
  const double x0 = left, x1 = W - right, y0 = top, y1 = H - bottom;
  x.px0 = x0, x.px1 = x1;
  y.px0 = y1, y.px1 = y0;

  std::string s = svg_open(o.width, H, o.title);
  s += title_svg(o.title, 4);
  s += legend_svg(items, rows, 4, (o.title.empty() ? 14 : 38));
  for (size_t i = 0; i < o.bands.size(); ++i) {
    const XBand& b = o.bands[i];
    const double bx0 = x.map(std::min(b.from, b.to)), bx1 = x.map(std::max(b.from, b.to));
    s += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", bx0, y0, bx1 - bx0,
                y1 - y0, i % 2 ? "#f7f8fa" : "#eef2f8");
    if (i > 0)
      s += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b8c2cf\" stroke-dasharray=\"3 3\"/>",
                  bx0, y0 - 14, bx0, y1);
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#6b7785\" font-size=\"10\" "
                "font-style=\"italic\">",
                (bx0 + bx1) / 2, y0 - 4) +
         escape_xml(b.label) + "</text>";
  }
  s += axes_svg(y, &x, x0, y0, x1, y1, o, H);
  if (empty) s += no_data_svg(x0, y0, x1, y1);
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& se = series[i];
    const std::string c = colour_or(se.colour, static_cast<int>(i));
    const size_t n = std::min(se.x.size(), se.y.size());
    // Runs of two or more usable points become one subpath each; a lone point gets a dot.
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
      if (!std::isfinite(se.x[k]) || !usable(se.y[k], o.log_y)) {
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
    if (!d.empty())
      s += "<path d=\"" + d +
           format("\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\" "
                  "stroke-linecap=\"round\"%s><title>",
                  c.c_str(), se.dashed ? " stroke-dasharray=\"6 4\"" : "") +
           escape_xml(se.name) + "</title></path>";
    s += dots;
  }
  return s + "</svg>";
}

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
  const double bottom = (slant ? 14 + 0.65 * widest + 8 : 24) + (o.x_label.empty() ? 0 : 16);
  const int H = std::max(o.height, static_cast<int>(top + bottom + 80));
  const double x0 = left, x1 = W - right, y0 = top, y1 = H - bottom;
  y.px0 = y1, y.px1 = y0;

  std::string s = svg_open(o.width, H, o.title);
  s += title_svg(o.title, 4);
  s += legend_svg(items, rows, 4, (o.title.empty() ? 14 : 38));
  s += axes_svg(y, nullptr, x0, y0, x1, y1, o, H);
  if (empty) s += no_data_svg(x0, y0, x1, y1);
  const double inner = group * 0.8, bar = series.empty() ? 0 : inner / series.size();
  const double base = y.map(std::clamp(0.0, y.lo, y.hi));
  for (size_t c = 0; c < categories.size(); ++c) {
    const double gx = x0 + c * group;
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
    const double cx = gx + group / 2;
    if (slant)
      s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\" transform=\"rotate(-40 %.1f %.1f)\">",
                  cx + 3, y1 + 12, kTextColour, cx + 3, y1 + 12) +
           escape_xml(categories[c]) + "</text>";
    else
      s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">", cx, y1 + 16, kTextColour) +
           escape_xml(categories[c]) + "</text>";
  }
  return s + "</svg>";
}

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
  const double W = o.width, left = left_margin(y, o), right = 16;
  const double top = o.title.empty() ? 12 : 34;
  const double bottom = 26 + (o.x_label.empty() ? 0 : 16);
  const int H = std::max(o.height, static_cast<int>(top + bottom + 80));
  const double x0 = left, x1 = W - right, y0 = top, y1 = H - bottom;
  x.px0 = x0, x.px1 = x1;
  y.px0 = y1, y.px1 = y0;

  std::string s = svg_open(o.width, H, o.title);
  s += title_svg(o.title, 4);
  s += axes_svg(y, &x, x0, y0, x1, y1, o, H);
  if (empty) s += no_data_svg(x0, y0, x1, y1);
  // Labels right of their point (left when near the right edge), nudged
  // vertically away from labels already placed.
  struct Box {
    double x0, y0, x1, y1;
  };
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
    const bool to_left = px + 9 + w > x1;
    const double lx0 = to_left ? px - 9 - w : px + 9;
    double ly = py + 4;
    for (double dy : {0.0, -13.0, 13.0, -26.0, 26.0, -39.0, 39.0}) {
      const double cand = std::clamp(py + 4 + dy, y0 + 10, y1 - 2);
      bool clash = false;
      for (const Box& b : placed)
        if (lx0 < b.x1 && lx0 + w > b.x0 && cand - 10 < b.y1 && cand > b.y0) clash = true;
      if (!clash) {
        ly = cand;
        break;
      }
    }
    placed.push_back({lx0, ly - 10, lx0 + w, ly});
    labels += format("<text x=\"%.1f\" y=\"%.1f\"%s fill=\"#1f2933\">", to_left ? px - 9 : px + 9, ly,
                     to_left ? " text-anchor=\"end\"" : "") +
              escape_xml(p.label) + "</text>";
  }
  return s + dots + labels + "</svg>";
}

}  // namespace kplab::report
