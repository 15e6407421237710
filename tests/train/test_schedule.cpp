#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_error.h"
#include "train/schedule.h"

namespace kplab {
namespace {

using test::expect_error_with;

ScheduleConfig config(const std::string& type, int64_t warmup = 0) {
  ScheduleConfig s;
  s.type = type;
  s.warmup_steps = warmup;
  return s;
}

TEST(ScheduleWarmup, RampsLinearlyFromZeroToTheBaseLr) {
  for (const char* type : {"constant", "step", "cosine"}) {
    ScheduleConfig s = config(type, 4);
    EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 0, 100), 0.025) << type;
    EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 1, 100), 0.05) << type;
    EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 2, 100), 0.075) << type;
    EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 3, 100), 0.1) << type;  // the last warm-up step reaches base
    EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 4, 100), 0.1) << type;  // the first step after it starts at base
  }
}

TEST(ScheduleWarmup, ZeroWarmupStartsAtTheBaseLr) {
  EXPECT_DOUBLE_EQ(learning_rate(config("constant"), 3e-4, 0, 10), 3e-4);
  EXPECT_DOUBLE_EQ(learning_rate(config("cosine"), 3e-4, 0, 10), 3e-4);
}

TEST(ScheduleConstant, IsTheBaseLrAtEveryStep) {
  ScheduleConfig s = config("constant");
  for (int64_t step : {0, 1, 99, 100, 5000}) EXPECT_DOUBLE_EQ(learning_rate(s, 0.01, step, 100), 0.01) << step;
}

TEST(ScheduleStep, DecaysByGammaAtEachBoundaryCountedFromTheEndOfWarmup) {
  ScheduleConfig s = config("step", 5);
  s.step_size = 10;
  s.gamma = 0.5;
  EXPECT_DOUBLE_EQ(learning_rate(s, 1.0, 5, 100), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate(s, 1.0, 14, 100), 1.0);   // t = 9
  EXPECT_DOUBLE_EQ(learning_rate(s, 1.0, 15, 100), 0.5);   // t = 10
  EXPECT_DOUBLE_EQ(learning_rate(s, 1.0, 24, 100), 0.5);   // t = 19
  EXPECT_DOUBLE_EQ(learning_rate(s, 1.0, 25, 100), 0.25);  // t = 20
  EXPECT_DOUBLE_EQ(learning_rate(s, 1.0, 105, 100), std::pow(0.5, 10));  // keeps decaying past total_steps
}

TEST(ScheduleCosine, StartsAtBaseAndEndsAtTheFloor) {
  ScheduleConfig s = config("cosine", 10);
  s.min_lr_ratio = 0.1;
  const double base = 2.0, floor = 0.2;
  // warm-up 10 steps, then T = 110 - 10 = 100 steps of decay.
  EXPECT_DOUBLE_EQ(learning_rate(s, base, 10, 110), base);
  EXPECT_DOUBLE_EQ(learning_rate(s, base, 60, 110), (base + floor) / 2);  // t = T/2: cos = 0
  EXPECT_DOUBLE_EQ(learning_rate(s, base, 35, 110), floor + (base - floor) * 0.5 * (1 + std::sqrt(0.5)));  // T/4
  EXPECT_DOUBLE_EQ(learning_rate(s, base, 110, 110), floor);  // t = T
  EXPECT_DOUBLE_EQ(learning_rate(s, base, 500, 110), floor);  // held past the end
  // The last 0-based step of the phase (t = T - 1) is one step short of the floor.
  const double last = learning_rate(s, base, 109, 110);
  EXPECT_GT(last, floor);
  EXPECT_NEAR(last, floor + (base - floor) * 0.5 * (1 + std::cos(std::acos(-1.0) * 99 / 100)), 1e-15);
  EXPECT_LT(last - floor, 1e-3);
  // Non-increasing over the decay.
  double prev = learning_rate(s, base, 10, 110);
  for (int64_t step = 11; step <= 110; ++step) {
    const double lr = learning_rate(s, base, step, 110);
    EXPECT_LE(lr, prev) << step;
    prev = lr;
  }
}

TEST(ScheduleCosine, ZeroFloorAndDegeneratePhases) {
  ScheduleConfig s = config("cosine");
  EXPECT_DOUBLE_EQ(learning_rate(s, 1.0, 50, 50), 0.0);
  // total_steps <= warmup_steps: T is clamped to 1, nothing divides by zero.
  ScheduleConfig w = config("cosine", 10);
  EXPECT_DOUBLE_EQ(learning_rate(w, 1.0, 10, 5), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate(w, 1.0, 11, 5), 0.0);
  EXPECT_DOUBLE_EQ(learning_rate(w, 1.0, 0, 0), 0.1);
}

TEST(ScheduleErrors, BadConfigValuesNameTheField) {
  expect_error_with([] { learning_rate(config("cosin"), 1.0, 0, 10); },
                    {"schedule.type", "expected constant, step or cosine", "found 'cosin'"});
  expect_error_with([] { learning_rate(config(""), 1.0, 0, 10); }, {"schedule.type", "found ''"});
  expect_error_with([] { learning_rate(config("constant", -1), 1.0, 0, 10); },
                    {"schedule.warmup_steps", ">= 0", "found -1"});
  ScheduleConfig s = config("step");
  s.step_size = 0;
  expect_error_with([&] { learning_rate(s, 1.0, 0, 10); }, {"schedule.step_size", "> 0", "found 0"});
  s.step_size = -5;
  expect_error_with([&] { learning_rate(s, 1.0, 0, 10); }, {"schedule.step_size", "found -5"});
  s = config("step");
  s.gamma = -0.1;
  expect_error_with([&] { learning_rate(s, 1.0, 0, 10); }, {"schedule.gamma", ">= 0", "found -0.1"});
  s = config("cosine");
  s.min_lr_ratio = -0.5;
  expect_error_with([&] { learning_rate(s, 1.0, 0, 10); }, {"schedule.min_lr_ratio", "[0, 1]", "found -0.5"});
  s.min_lr_ratio = 1.5;
  expect_error_with([&] { learning_rate(s, 1.0, 0, 10); }, {"schedule.min_lr_ratio", "found 1.5"});
}

TEST(ScheduleErrors, BadArgumentsNameTheArgument) {
  expect_error_with([] { learning_rate(config("constant"), -1e-3, 0, 10); }, {"base_lr", ">= 0", "found -0.001"});
  expect_error_with([] { learning_rate(config("constant"), 1.0, -1, 10); }, {"step", ">= 0", "found -1"});
  expect_error_with([] { learning_rate(config("cosine"), 1.0, 0, -10); }, {"total_steps", ">= 0", "found -10"});
}

}  // namespace
}  // namespace kplab
