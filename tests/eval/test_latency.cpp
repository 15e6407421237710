#include <gtest/gtest.h>

#include <thread>

#include "core/error.h"
#include "eval/latency.h"

namespace kplab {
namespace {

TEST(Latency, PercentilesInterpolateBetweenOrderStatistics) {
  std::vector<double> v = {5, 1, 4, 2, 3};  // sorted 1..5
  EXPECT_DOUBLE_EQ(percentile(v, 50), 3.0);
  EXPECT_DOUBLE_EQ(percentile(v, 0), 1.0);
  EXPECT_DOUBLE_EQ(percentile(v, 100), 5.0);
  EXPECT_DOUBLE_EQ(percentile(v, 90), 4.6);  // position 3.6 between 4 and 5
  EXPECT_DOUBLE_EQ(percentile({7.0}, 99), 7.0);
  EXPECT_THROW(percentile({}, 50), Error);
}

// A fake clock (load-proof: no sleeping, no wall time): the warm-up call
// "takes" 50 ms, the timed ones 1, 2, 3, 4, 5 ms, each sync 0.5 ms.
TEST(Latency, WarmupRunsAreNotTimedAndSyncRunsInsideTheTimedRegion) {
  double clock = 0;
  int calls = 0, syncs = 0;
  LatencyStats s = measure_latency([&] { clock += calls++ == 0 ? 50.0 : calls - 1; }, 1, 5,
                                   [&] {
                                     ++syncs;
                                     clock += 0.5;
                                   },
                                   [&] { return clock; });
  EXPECT_EQ(calls, 6);
  EXPECT_EQ(syncs, 6);
  EXPECT_EQ(s.warmup, 1);
  EXPECT_EQ(s.repeats, 5);
  EXPECT_DOUBLE_EQ(s.min_ms, 1.5);  // the sync is inside the timed region
  EXPECT_DOUBLE_EQ(s.max_ms, 5.5);  // the slow warm-up is not in the statistics
  EXPECT_DOUBLE_EQ(s.median_ms, 3.5);
  EXPECT_DOUBLE_EQ(s.mean_ms, 3.5);
  EXPECT_NEAR(s.p90_ms, 5.1, 1e-9);  // position 3.6 between 4.5 and 5.5
}

TEST(Latency, TheDefaultClockMeasuresRealTime) {
  LatencyStats s = measure_latency([] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }, 0, 3);
  EXPECT_GE(s.min_ms, 2.0);  // a sleep never ends early; no upper bound (a loaded machine is slow)
  EXPECT_LE(s.min_ms, s.median_ms);
  EXPECT_LE(s.median_ms, s.p90_ms);
  EXPECT_LE(s.p90_ms, s.p99_ms);
}

}  // namespace
}  // namespace kplab
