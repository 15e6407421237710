// Repetition counting: a synthetic squat (cosine knee angle) counts its dips
// at the right frames; noise at either threshold and single-frame outliers
// do not add repetitions; missing samples are tolerated.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"
#include "posture/rep_counter.h"

namespace kplab::posture {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Knee angle of `reps` squats of `period` frames: standing (170) at frame 0,
// bottom (80) at period/2 of each repetition.
std::vector<double> squats(int reps, int period) {
  std::vector<double> a;
  for (int t = 0; t < reps * period; ++t) a.push_back(125 + 45 * std::cos(2 * M_PI * t / period));
  return a;
}

// The first frame after each bottom where the raw signal exceeds `high`: where
// each repetition completes.
std::vector<int64_t> expected_completions(const std::vector<double>& a, int period, double high) {
  std::vector<int64_t> out;
  for (size_t bottom = period / 2; bottom < a.size(); bottom += period)
    for (size_t t = bottom; t < a.size(); ++t)
      if (a[t] > high) {
        out.push_back(static_cast<int64_t>(t));
        break;
      }
  return out;
}

TEST(RepCounter, ThreeCosineDipsCountThreeAtTheRightFrames) {
  const auto a = squats(3, 40);
  const RepCount r = count_reps(a);  // defaults: low 100, high 150, median of 5
  EXPECT_EQ(r.count, 3);
  // cos(2 pi t / 40) > 25/45 first at t = 34 in each period.
  EXPECT_EQ(r.completed_at, (std::vector<int64_t>{34, 74, 114}));
  EXPECT_EQ(r.completed_at, expected_completions(a, 40, 150));
  EXPECT_EQ(r.smoothed.size(), a.size());
}

TEST(RepCounter, WithoutSmoothingTheSameFrames) {
  RepCounterOptions o;
  o.window = 1;
  const RepCount r = count_reps(squats(3, 40), o);
  EXPECT_EQ(r.count, 3);
  EXPECT_EQ(r.completed_at, (std::vector<int64_t>{34, 74, 114}));
}

TEST(RepCounter, ShallowDipsThatNeverGoBelowLowDoNotCount) {
  std::vector<double> a;
  for (int t = 0; t < 120; ++t) a.push_back(150 + 25 * std::cos(2 * M_PI * t / 40));  // 125..175
  EXPECT_EQ(count_reps(a).count, 0);
}

TEST(RepCounter, NoiseAroundEitherThresholdDoesNotDoubleCount) {
  std::vector<double> a;
  for (int t = 0; t < 10; ++t) a.push_back(170);
  for (int t = 0; t < 20; ++t) a.push_back(t % 2 ? 97 : 103);   // chattering across low
  for (int t = 0; t < 20; ++t) a.push_back(t % 2 ? 147 : 153);  // chattering across high
  for (int t = 0; t < 10; ++t) a.push_back(170);
  for (int window : {1, 5}) {
    RepCounterOptions o;
    o.window = window;
    const RepCount r = count_reps(a, o);
    EXPECT_EQ(r.count, 1) << "window " << window;
    ASSERT_EQ(r.completed_at.size(), 1u) << "window " << window;
    // Completed once, somewhere in the chatter across high (frame 30 on).
    EXPECT_GE(r.completed_at[0], 30) << "window " << window;
    EXPECT_LE(r.completed_at[0], 51) << "window " << window;
  }
}

TEST(RepCounter, SingleFrameOutliersAreRemovedByTheMedian) {
  std::vector<double> a(60, 170.0);
  a[20] = 40;   // a one-frame glitch deep below low...
  a[21] = 175;
  a[40] = 60;   // ...twice
  EXPECT_EQ(count_reps(a).count, 0);
  RepCounterOptions raw;
  raw.window = 1;
  EXPECT_EQ(count_reps(a, raw).count, 2) << "without smoothing each glitch is a repetition";
}

TEST(RepCounter, NaNGapsAreTolerated) {
  auto a = squats(3, 40);
  // Every 7th frame missing: the median fills each from its neighbours (an
  // even count near a crossing may move a completion by one frame).
  for (size_t t = 3; t < a.size(); t += 7) a[t] = kNaN;
  RepCount r = count_reps(a);
  EXPECT_EQ(r.count, 3);
  const std::vector<int64_t> want = {34, 74, 114};
  ASSERT_EQ(r.completed_at.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(r.completed_at[i], want[i], 1) << i;

  // A long gap from just after the second bottom is reached until the
  // person stands again (out of view): the state is kept, and the
  // repetition completes when the signal comes back above high.
  auto b = squats(3, 40);
  for (int t = 56; t <= 70; ++t) b[t] = kNaN;
  r = count_reps(b);
  EXPECT_EQ(r.count, 3);
  EXPECT_EQ(r.completed_at, want);
  EXPECT_TRUE(std::isnan(r.smoothed[63])) << "a frame whose whole window is missing stays missing";

  EXPECT_EQ(count_reps(std::vector<double>(30, kNaN)).count, 0);
  EXPECT_EQ(count_reps({}).count, 0);
}

TEST(RepCounter, StartingAtTheBottomDoesNotCountTheFirstRise) {
  // Starts squatting (angle 80), stands, then does one full repetition.
  std::vector<double> a;
  for (int t = 0; t < 10; ++t) a.push_back(80);
  for (int t = 0; t < 10; ++t) a.push_back(170);
  for (int t = 0; t < 10; ++t) a.push_back(80);
  for (int t = 0; t < 10; ++t) a.push_back(170);
  const RepCount r = count_reps(a);
  EXPECT_EQ(r.count, 1);
  EXPECT_EQ(r.completed_at, (std::vector<int64_t>{30}));
}

TEST(RepCounter, CustomThresholdsForAnotherExercise) {
  // Hip angle of a deadlift-like movement: 90..175; low 120, high 160.
  std::vector<double> a;
  for (int t = 0; t < 100; ++t) a.push_back(132.5 + 42.5 * std::cos(2 * M_PI * t / 25));
  RepCounterOptions o;
  o.low = 120;
  o.high = 160;
  const RepCount r = count_reps(a, o);
  EXPECT_EQ(r.count, 4);
  EXPECT_EQ(r.completed_at, expected_completions(a, 25, 160));
}

TEST(RepCounter, BadOptionsAreErrors) {
  RepCounterOptions o;
  o.low = 150;
  o.high = 100;
  EXPECT_THROW(count_reps({1, 2}, o), Error);
  o = {};
  o.high = kNaN;
  EXPECT_THROW(count_reps({1, 2}, o), Error);
  o = {};
  o.window = 4;
  EXPECT_THROW(count_reps({1, 2}, o), Error);
  o.window = 0;
  EXPECT_THROW(count_reps({1, 2}, o), Error);
}

TEST(RepCounter, MovingMedianIgnoresMissingSamples) {
  const auto m = moving_median({1, 9, 2, kNaN, 4}, 3);
  ASSERT_EQ(m.size(), 5u);
  EXPECT_DOUBLE_EQ(m[0], 5);    // edge: {1, 9}
  EXPECT_DOUBLE_EQ(m[1], 2);    // {1, 9, 2}
  EXPECT_DOUBLE_EQ(m[2], 5.5);  // {9, 2}
  EXPECT_DOUBLE_EQ(m[3], 3);    // {2, 4}
  EXPECT_DOUBLE_EQ(m[4], 4);    // {4}
}

}  // namespace
}  // namespace kplab::posture
