#include "posture/rep_counter.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace kplab::posture {

namespace {

void check_window(int window) {
  KP_CHECK(window >= 1 && window % 2 == 1, "rep counter: window: expected an odd number of frames >= 1, found ",
           window);
}

}  // namespace

std::vector<double> moving_median(const std::vector<double>& values, int window) {
  check_window(window);
  const int64_t n = static_cast<int64_t>(values.size()), half = window / 2;
  std::vector<double> out(values.size(), std::numeric_limits<double>::quiet_NaN());
  std::vector<double> w;
  w.reserve(window);
  for (int64_t i = 0; i < n; ++i) {
    w.clear();
    for (int64_t j = std::max<int64_t>(0, i - half); j <= std::min(n - 1, i + half); ++j)
      if (std::isfinite(values[j])) w.push_back(values[j]);
    if (w.empty()) continue;
    std::sort(w.begin(), w.end());
    const size_t m = w.size() / 2;
    out[i] = w.size() % 2 ? w[m] : 0.5 * (w[m - 1] + w[m]);
  }
  return out;
}

RepCount count_reps(const std::vector<double>& angles, const RepCounterOptions& options) {
  KP_CHECK(std::isfinite(options.low) && std::isfinite(options.high) && options.low < options.high,
           "rep counter: thresholds: expected finite low < high, found low ", options.low, ", high ", options.high);
  RepCount r;
  r.smoothed = moving_median(angles, options.window);
  // kUnseen: no sample yet. kTop: armed, waiting for the bottom. kBottom:
  // below `low`, waiting for the top. kStartedLow: the first sample was
  // already below `low`; its rise is not a counted repetition.
  enum { kUnseen, kTop, kBottom, kStartedLow } state = kUnseen;
  for (size_t i = 0; i < r.smoothed.size(); ++i) {
    const double v = r.smoothed[i];
    if (!std::isfinite(v)) continue;
    switch (state) {
      case kUnseen:
        state = v < options.low ? kStartedLow : kTop;
        break;
      case kTop:
        if (v < options.low) state = kBottom;
        break;
      case kBottom:
        if (v > options.high) {
          ++r.count;
          r.completed_at.push_back(static_cast<int64_t>(i));
          state = kTop;
        }
        break;
      case kStartedLow:
        if (v > options.high) state = kTop;
        break;
    }
  }
  return r;
}

}  // namespace kplab::posture
