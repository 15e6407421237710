// Chart axes (internal to src/report): a value range mapped onto pixels,
// with round ticks and their labels, linear or log10.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kplab::report::chart {

// One axis: a value range mapped onto a pixel range, with its ticks.
struct Axis {
  double lo = 0, hi = 1;
  double px0 = 0, px1 = 1;  // pixel positions of lo and hi
  bool log = false;
  bool percent = false;
  std::vector<double> ticks;

  // Where lo and hi land on the page; for a y axis `from` is the bottom, as values grow upwards.
  void place(double from, double to) { px0 = from, px1 = to; }
  double unit(double v) const;
  // Pixel position, clamped to the axis so nothing leaves the plot area.
  double map(double v) const;
  // Tick text: as many decimals as the tick step needs ("%g" on a log axis).
  std::string label(double v) const;
};

// Finite, and positive on a log axis: a value that can be drawn.
bool usable(double v, bool log);

// Linear axis over the finite `values`, or the fixed limits when given.
// `pad_fraction` widens a data range on both sides; `integer` keeps ticks
// at whole numbers.
Axis linear_axis(const std::vector<double>& values, std::optional<double> fixed_lo, std::optional<double> fixed_hi,
                 bool percent, bool integer, double pad_fraction = 0.0);

// log10 axis over the positive `values`: decades, plus 2 and 5 when it spans few.
Axis log_axis(const std::vector<double>& values);

}  // namespace kplab::report::chart
