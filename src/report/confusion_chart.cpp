// confusion_chart() of svg_chart.h: a classifier's confusion matrix as a
// grid of counts, each cell shaded by its share of its true class's row.
#include <algorithm>

#include "report/chart_layout.h"
#include "report/svg_chart.h"
#include "report/svg_text.h"

namespace kplab::report {

using namespace chart;

std::string confusion_chart(const std::vector<std::string>& classes, const std::vector<std::vector<long long>>& counts,
                            const ChartFrame& o) {
  const size_t n = classes.size();
  double label_w = 0;
  for (const auto& c : classes) label_w = std::max(label_w, text_width(c, kFont));
  const double left = label_w + 34, top = o.title.empty() ? 34 : 52;
  const double cell = std::min(90.0, (o.width - left - 14) / std::max<size_t>(n, 1));
  const int height = static_cast<int>(top + cell * n + 40);
  ChartFrame frame = o;
  std::string s = chart_open(frame, height);
  s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">predicted</text>", left + cell * n / 2,
              top - 22, kTextColour);
  s += format("<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" transform=\"rotate(-90 12 %.1f)\">true</text>",
              top + cell * n / 2, kTextColour, top + cell * n / 2);
  for (size_t j = 0; j < n; ++j)
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">", left + cell * (j + 0.5), top - 6,
                kTextColour) + escape_xml(classes[j]) + "</text>";
  for (size_t i = 0; i < n; ++i) {
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">", left - 6, top + cell * (i + 0.5) + 4,
                kTextColour) + escape_xml(classes[i]) + "</text>";
    long long row = 0;
    for (size_t j = 0; j < n && i < counts.size() && j < counts[i].size(); ++j) row += counts[i][j];
    for (size_t j = 0; j < n; ++j) {
      const long long v = i < counts.size() && j < counts[i].size() ? counts[i][j] : 0;
      const double share = row > 0 ? static_cast<double>(v) / row : 0;
      // Right answers in the palette's blue, wrong ones in red; darker = more of the row.
      const std::string colour = i == j ? "#2563eb" : "#dc2626";
      s += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\" "
                  "stroke=\"#ffffff\"><title>true %s, predicted %s: %lld</title></rect>",
                  left + cell * j, top + cell * i, cell, cell, colour.c_str(), 0.08 + 0.8 * share,
                  escape_xml(classes[i]).c_str(), escape_xml(classes[j]).c_str(), v);
      s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%d\" fill=\"%s\">%lld</text>",
                  left + cell * (j + 0.5), top + cell * (i + 0.5) + 6, kTitleFont + 3,
                  share > 0.55 ? "#ffffff" : "#1f2933", v);
    }
  }
  return s + "</svg>";
}

}  // namespace kplab::report
