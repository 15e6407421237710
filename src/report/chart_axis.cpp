#include "report/chart_axis.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/svg_chart.h"
#include "report/svg_text.h"

namespace kplab::report {

namespace chart {

namespace {

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

}  // namespace

double Axis::unit(double v) const {
  if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return (v - lo) / (hi - lo);
}

double Axis::map(double v) const {
  double u = std::clamp(unit(v), 0.0, 1.0);
  return px0 + u * (px1 - px0);
}

std::string Axis::label(double v) const {
  if (log) return format("%g", v);
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  return tick_text(v, step, percent);
}

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

Axis linear_axis(const std::vector<double>& values, std::optional<double> fixed_lo, std::optional<double> fixed_hi,
                 bool percent, bool integer, double pad_fraction) {
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

}  // namespace chart

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

}  // namespace kplab::report
