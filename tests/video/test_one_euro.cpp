// The One Euro filter: a still joint's noise is damped, a moving joint is
// followed with little lag, and the keypoint smoother works in units of the
// frame so its options mean the same at any resolution.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "support/expect_error.h"
#include "video/one_euro.h"

namespace kplab {
namespace {

TEST(OneEuro, AStillJointsNoiseIsDamped) {
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 2.0);  // pixels
  KeypointSmoother smooth(1, 480);
  std::vector<std::vector<cv::Point2f>> raw, filtered;
  for (int t = 0; t < 300; ++t) {
    const std::vector<cv::Point2f> p = {cv::Point2f(200 + noise(rng), 150 + noise(rng))};
    raw.push_back(p);
    filtered.push_back(smooth(p, 1.0 / 30));
  }
  EXPECT_LT(mean_jitter(filtered), 0.3 * mean_jitter(raw)) << mean_jitter(filtered) << " vs " << mean_jitter(raw);
}

TEST(OneEuro, AMovingJointIsFollowedWithLittleLag) {
  // 300 px/s across a 480-px frame: after a second the filtered point is within a few pixels.
  KeypointSmoother smooth(1, 480);
  cv::Point2f last;
  for (int t = 0; t <= 30; ++t) last = smooth({cv::Point2f(10 + 10 * t, 100)}, 1.0 / 30)[0];
  EXPECT_NEAR(last.x, 310, 12);
  // With beta = 0 (a plain low-pass filter at 1 Hz) the lag is far larger: beta is what follows motion.
  OneEuroOptions still;
  still.beta = 0;
  KeypointSmoother plain(1, 480, still);
  for (int t = 0; t <= 30; ++t) last = plain({cv::Point2f(10 + 10 * t, 100)}, 1.0 / 30)[0];
  EXPECT_LT(last.x, 280);
}

TEST(OneEuro, TheFirstValuePassesThroughAndBadOptionsAreRefused) {
  OneEuroFilter f;
  EXPECT_EQ(f(5.0, 0.1), 5.0);
  EXPECT_NE(f(6.0, 0.1), 6.0);
  OneEuroOptions bad;
  bad.min_cutoff = 0;
  test::expect_error_with([&] { KeypointSmoother s(2, 100, bad); }, {"min_cutoff > 0"});
}

TEST(OneEuro, JitterIsTheMeanFrameToFrameDisplacement) {
  const std::vector<std::vector<cv::Point2f>> track = {{{0, 0}, {0, 0}}, {{3, 4}, {0, 1}}, {{3, 4}, {0, 1}}};
  EXPECT_DOUBLE_EQ(mean_jitter(track), (5.0 + 1.0 + 0 + 0) / 4);
}

}  // namespace
}  // namespace kplab
