// Text primitives the SVG charts share (internal to src/report): printf into
// a string, a font-free width estimate for layout, and the chart's font
// sizes and greys. Public text helpers (escape_xml, palette) are in
// svg_chart.h.
#pragma once

#include <string>

namespace kplab::report::chart {

inline constexpr int kFont = 11;  // tick labels, legend
inline constexpr int kTitleFont = 13;
inline constexpr const char* kAxisColour = "#9aa3ad";
inline constexpr const char* kGridColour = "#e6e9ed";
inline constexpr const char* kTextColour = "#4a5561";

// printf into a std::string, of any length.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Rough rendered width of `text` in a sans-serif face: enough to lay out
// legends and margins without a font engine.
double text_width(const std::string& text, double font);

}  // namespace kplab::report::chart
