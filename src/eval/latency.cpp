#include "eval/latency.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "core/error.h"

namespace kplab {

nlohmann::json LatencyStats::to_json() const {
  return {{"warmup", warmup},   {"repeats", repeats}, {"median_ms", median_ms}, {"p90_ms", p90_ms},
          {"p99_ms", p99_ms},   {"mean_ms", mean_ms}, {"min_ms", min_ms},       {"max_ms", max_ms}};
}

double percentile(std::vector<double> v, double p) {
  KP_CHECK(!v.empty(), "percentile of no values");
  std::sort(v.begin(), v.end());
  double pos = p / 100.0 * (v.size() - 1);
  size_t lo = static_cast<size_t>(pos);
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

LatencyStats measure_latency(const std::function<void()>& run, int warmup, int repeats,
                             const std::function<void()>& sync, const std::function<double()>& clock_ms) {
  const std::function<double()> now = clock_ms ? clock_ms : [] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  KP_CHECK(repeats >= 1, "latency: repeats: expected >= 1, found ", repeats);
  for (int i = 0; i < warmup; ++i) {
    run();
    if (sync) sync();
  }
  std::vector<double> ms;
  ms.reserve(repeats);
  for (int i = 0; i < repeats; ++i) {
    const double t0 = now();
    run();
    if (sync) sync();
    ms.push_back(now() - t0);
  }
  LatencyStats s;
  s.warmup = warmup;
  s.repeats = repeats;
  s.median_ms = percentile(ms, 50);
  s.p90_ms = percentile(ms, 90);
  s.p99_ms = percentile(ms, 99);
  s.mean_ms = std::accumulate(ms.begin(), ms.end(), 0.0) / ms.size();
  s.min_ms = *std::min_element(ms.begin(), ms.end());
  s.max_ms = *std::max_element(ms.begin(), ms.end());
  return s;
}

}  // namespace kplab
