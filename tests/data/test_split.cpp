// --split: fractions, counts, explicit ranges and "source"; malformed specs
// fail with one kplab::Error naming the option.

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/split.h"
#include "support/expect_error.h"

namespace kplab {
namespace {

using test::expect_error_with;

std::array<int, 3> counts(const std::vector<uint8_t>& s) {
  std::array<int, 3> c{0, 0, 0};
  for (auto v : s) {
    EXPECT_LE(v, 2);
    if (v <= 2) ++c[v];
  }
  return c;
}

std::vector<uint8_t> repeat(std::initializer_list<std::pair<uint8_t, int>> runs) {
  std::vector<uint8_t> out;
  for (auto [id, n] : runs) out.insert(out.end(), n, id);
  return out;
}

// ---------------------------------------------------------------- names

TEST(SplitNames, ParseAndPrint) {
  EXPECT_EQ(parse_split_name("train"), kTrain);
  EXPECT_EQ(parse_split_name("val"), kVal);
  EXPECT_EQ(parse_split_name("test"), kTest);
  EXPECT_EQ(parse_split_name("2"), kTest);
  EXPECT_STREQ(split_name(0), "train");
  EXPECT_STREQ(split_name(1), "val");
  EXPECT_STREQ(split_name(2), "test");
  expect_error_with([] { parse_split_name("validation"); }, {"--split", "'validation'"});
}

// ---------------------------------------------------------------- fractions

TEST(SplitFractions, CountsAreRoundedValAndTestWithTrainTakingTheRest) {
  EXPECT_EQ(counts(assign_splits("0.8,0.1,0.1", 100, 0, {})), (std::array<int, 3>{80, 10, 10}));
  EXPECT_EQ(counts(assign_splits("0.7,0.2,0.1", 10, 0, {})), (std::array<int, 3>{7, 2, 1}));
  // 7 images: val = round(0.7) = 1, test = round(0.7) = 1, train = 5.
  EXPECT_EQ(counts(assign_splits("0.8,0.1,0.1", 7, 0, {})), (std::array<int, 3>{5, 1, 1}));
  // Two values: no test split.
  EXPECT_EQ(counts(assign_splits("0.9,0.1", 10, 0, {})), (std::array<int, 3>{9, 1, 0}));
  EXPECT_EQ(counts(assign_splits("1,0,0", 4, 0, {})), (std::array<int, 3>{4, 0, 0}));
}

TEST(SplitFractions, DeterministicForASeedAndDifferentForAnother) {
  auto a = assign_splits("0.5,0.25,0.25", 200, 7, {});
  auto b = assign_splits("0.5,0.25,0.25", 200, 7, {});
  auto c = assign_splits("0.5,0.25,0.25", 200, 8, {});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(counts(c), (std::array<int, 3>{100, 50, 50}));
  // Shuffled: not simply the first 100 images in train.
  EXPECT_NE(a, repeat({{kTrain, 100}, {kVal, 50}, {kTest, 50}}));
}

TEST(SplitFractions, HalvesRoundWithoutOverflowingTheImageCount) {
  // 0 + 0.5 + 0.5 = 1 is a valid fraction spec; over 3 images val and test
  // must share the 3 images (2 + 1 or 1 + 2), not both round 1.5 up to 2.
  std::vector<uint8_t> s;
  ASSERT_NO_THROW(s = assign_splits("0,0.5,0.5", 3, 0, {}));
  auto c = counts(s);
  EXPECT_EQ(c[0], 0);
  EXPECT_EQ(c[1] + c[2], 3);
}

// ---------------------------------------------------------------- counts

TEST(SplitCounts, WholeNumbersAreImageCounts) {
  auto s = assign_splits("8,1,1", 10, 3, {});
  EXPECT_EQ(counts(s), (std::array<int, 3>{8, 1, 1}));
  EXPECT_EQ(s, assign_splits("8,1,1", 10, 3, {}));
  EXPECT_EQ(counts(assign_splits("6,4", 10, 3, {})), (std::array<int, 3>{6, 4, 0}));
}

TEST(SplitCounts, CountsThatDoNotSumToTheImageCountFail) {
  expect_error_with([] { assign_splits("8,1,2", 10, 0, {}); }, {"--split", "'8,1,2'", "10", "11"});
  expect_error_with([] { assign_splits("8,1", 10, 0, {}); }, {"--split", "'8,1'"});
}

TEST(SplitCounts, NonIntegerValuesNotSummingToOneFail) {
  expect_error_with([] { assign_splits("0.5,0.5,0.5", 10, 0, {}); }, {"--split", "'0.5,0.5,0.5'"});
  expect_error_with([] { assign_splits("8.5,1,0.5", 10, 0, {}); }, {"--split", "'8.5,1,0.5'"});
}

// ---------------------------------------------------------------- ranges

TEST(SplitRanges, ExplicitRangesAreTakenInReaderOrderWithoutShuffle) {
  auto s = assign_splits("train=0:6,val=6:8,test=8:10", 10, 12345, {});
  EXPECT_EQ(s, repeat({{kTrain, 6}, {kVal, 2}, {kTest, 2}}));
  // Order of the parts does not matter; the seed is not used.
  EXPECT_EQ(assign_splits("test=8:10,train=0:6,val=6:8", 10, 99, {}), s);
  // Numeric split names and empty ranges are fine.
  EXPECT_EQ(assign_splits("0=0:3,2=3:5,val=5:5", 5, 0, {}), repeat({{kTrain, 3}, {kTest, 2}}));
}

TEST(SplitRanges, OverlappingRangesFail) {
  expect_error_with([] { assign_splits("train=0:6,val=5:10", 10, 0, {}); },
                    {"--split", "'val=5:10'", "overlap", "image 5"});
}

TEST(SplitRanges, UncoveredImagesFail) {
  expect_error_with([] { assign_splits("train=0:6,val=7:10", 10, 0, {}); },
                    {"--split", "covering all 10", "image 6"});
}

TEST(SplitRanges, OutOfRangeOrReversedRangesFail) {
  expect_error_with([] { assign_splits("train=0:6,val=6:11", 10, 0, {}); }, {"--split", "'val=6:11'", "[6, 11)"});
  expect_error_with([] { assign_splits("train=6:0,val=6:10", 10, 0, {}); }, {"--split", "'train=6:0'"});
  expect_error_with([] { assign_splits("train=0:6,bogus=6:10", 10, 0, {}); }, {"--split", "'bogus'"});
  expect_error_with([] { assign_splits("train=0:6,6:10", 10, 0, {}); }, {"--split", "'6:10'", "NAME=BEGIN:END"});
}

TEST(SplitRanges, FractionalBoundsAreRejected) {
  // Range bounds are image indices; 5.5 must not be silently truncated to 5.
  expect_error_with([] { assign_splits("train=0:5.5,val=5:10", 10, 0, {}); }, {"--split", "5.5"});
}

// ---------------------------------------------------------------- source

TEST(SplitSource, UsesTheDatasetsOwnSplits) {
  std::vector<int> own = {0, 1, 2, 0, 0, 1};
  auto s = assign_splits("source", 6, 0, own);
  EXPECT_EQ(s, (std::vector<uint8_t>{0, 1, 2, 0, 0, 1}));
}

TEST(SplitSource, ImagesWithoutAnOwnSplitFail) {
  expect_error_with([] { assign_splits("source", 3, 0, {0, -1, 1}); }, {"--split", "source"});
  expect_error_with([] { assign_splits("source", 3, 0, {}); }, {"--split", "source"});
}

// ---------------------------------------------------------------- malformed

TEST(SplitMalformed, EachFailsNamingTheOption) {
  for (const char* spec : {"", "0.8", "0.8,0.1,0.05,0.05", "a,b,c", "0.8,-0.1,0.3", "0.8,,0.2", "0.8;0.1;0.1",
                           "nan,0,1", "0.8,0.1,0.1x", "train", "sources"}) {
    SCOPED_TRACE(std::string("spec '") + spec + "'");
    expect_error_with([&] { assign_splits(spec, 10, 0, {}); }, {"--split"});
  }
}

TEST(SplitMalformed, TrailingCommaIsRejected) {
  // "0.8,0.1,0.1," has an empty fourth value; it must not pass as three.
  expect_error_with([] { assign_splits("0.8,0.1,0.1,", 10, 0, {}); }, {"--split"});
}

}  // namespace
}  // namespace kplab
