#include "report/svg_text.h"

#include <cstdarg>
#include <cstdio>

#include "report/svg_chart.h"

namespace kplab::report {

namespace chart {

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

double text_width(const std::string& text, double font) {
  size_t glyphs = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++glyphs;  // count UTF-8 code points, not bytes
  return 0.58 * font * static_cast<double>(glyphs);
}

}  // namespace chart

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

}  // namespace kplab::report
