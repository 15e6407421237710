// The number texts of reports, release notes and the CLI tables
// (src/core/number_format.h), pinned: a change here changes every report.
#include <gtest/gtest.h>

#include <limits>

#include "core/number_format.h"

namespace kplab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(NumberFormat, FixedRoundsToTheDecimalsAsked) {
  EXPECT_EQ(fixed(3.14159, 2), "3.14");
  EXPECT_EQ(fixed(2.5, 0), "2");  // printf rounds half to even
  EXPECT_EQ(fixed(-0.04, 1), "-0.0");
  EXPECT_EQ(fixed(kNaN, 2), "n/a");
  EXPECT_EQ(fixed(kInf, 2), "n/a");
}

TEST(NumberFormat, PercentOfAShareWithOneDecimal) {
  EXPECT_EQ(percent(0.7134), "71.3%");
  EXPECT_EQ(percent(1), "100.0%");
  EXPECT_EQ(percent(nlohmann::json()), "n/a");
  EXPECT_EQ(percent(nlohmann::json("0.5")), "n/a");
  EXPECT_EQ(percent(kNaN), "n/a");
}

TEST(NumberFormat, SiTextKeepsThreeSignificantFigures) {
  EXPECT_EQ(si_text(999), "999");
  EXPECT_EQ(si_text(756000), "756 K");
  EXPECT_EQ(si_text(3414000), "3.41 M");
  EXPECT_EQ(si_text(12345678), "12.3 M");
  EXPECT_EQ(si_text(1.2e9), "1.20 G");
  EXPECT_EQ(si_text(kNaN), "n/a");
}

TEST(NumberFormat, DurationTextInTheLargestUnits) {
  EXPECT_EQ(duration_text(42.4), "42 s");
  EXPECT_EQ(duration_text(185), "3 m 05 s");
  EXPECT_EQ(duration_text(7620), "2 h 07 m");
  EXPECT_EQ(duration_text(kNaN), "n/a");
}

}  // namespace
}  // namespace kplab
