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

TEST(Latency, WarmupRunsAreNotTimedAndSyncRunsInsideTheTimedRegion) {
  int calls = 0, syncs = 0;
  LatencyStats s = measure_latency(
      [&] {
        // The first (warm-up) call is slow, like a lazy initialisation.
        std::this_thread::sleep_for(std::chrono::milliseconds(calls++ == 0 ? 50 : 1));
      },
      1, 5, [&] { ++syncs; });
  EXPECT_EQ(calls, 6);
  EXPECT_EQ(syncs, 6);
  EXPECT_EQ(s.repeats, 5);
  EXPECT_LT(s.max_ms, 40.0);  // the slow warm-up is not in the statistics
  EXPECT_GE(s.min_ms, 1.0);
  EXPECT_LE(s.min_ms, s.median_ms);
  EXPECT_LE(s.median_ms, s.p90_ms);
  EXPECT_LE(s.p90_ms, s.p99_ms);
}

}  // namespace
}  // namespace kplab
