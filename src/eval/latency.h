// Latency measured properly: warm-up runs first (allocator, caches, lazy
// initialisation), then many timed runs, each ended by a synchronisation
// (CUDA) so the clock sees the work, summarised by median and tail.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

namespace kplab {

struct LatencyStats {
  int warmup = 0;
  int repeats = 0;
  double median_ms = 0, p90_ms = 0, p99_ms = 0, mean_ms = 0, min_ms = 0, max_ms = 0;
  nlohmann::json to_json() const;
};

// Times `run` `repeats` times after `warmup` untimed runs. `sync` (optional)
// runs after each call inside the timed region, e.g. torch::cuda::synchronize.
// `clock_ms` (optional) reads the time in milliseconds; default: the steady clock.
LatencyStats measure_latency(const std::function<void()>& run, int warmup, int repeats,
                             const std::function<void()>& sync = nullptr,
                             const std::function<double()>& clock_ms = nullptr);

// Percentile (0..100) of `values` by linear interpolation between order statistics.
double percentile(std::vector<double> values, double p);

}  // namespace kplab
