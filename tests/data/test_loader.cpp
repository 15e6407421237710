#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <algorithm>
#include <set>

#include "core/error.h"
#include "data/cache.h"
#include "data/loader.h"
#include "data/prepare.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

std::shared_ptr<CacheData> synthetic_cache(const test::TempDir& dir, int count, bool raw) {
  PrepareOptions o;
  o.format = "synthetic";
  o.synthetic_count = count;
  o.schema_path = std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml";
  o.out = dir.file(raw ? "raw.h5" : "jpeg.h5");
  o.size = 64;
  o.raw = raw;
  o.progress = false;
  prepare(o);
  return std::make_shared<CacheData>(read_cache(o.out));
}

TEST(Loader, ServesEverySampleOfTheSplitOncePerEpoch) {
  test::TempDir dir;
  auto cache = synthetic_cache(dir, 30, false);
  LoaderOptions lo;
  lo.batch_size = 7;
  lo.splits = {0};
  lo.drop_last = false;
  Loader loader(cache, lo);
  int64_t train = 0;
  for (auto s : cache->split) train += s == 0;
  ASSERT_EQ(loader.num_samples(), train);
  EXPECT_EQ(loader.batches_per_epoch(), (train + 6) / 7);
  for (int epoch = 0; epoch < 2; ++epoch) {
    loader.start_epoch(epoch);
    std::multiset<int64_t> seen;
    int64_t batches = 0;
    while (auto b = loader.next()) {
      ++batches;
      EXPECT_EQ(b->images.dtype(), torch::kUInt8);
      EXPECT_EQ(b->images.size(1), 64);
      EXPECT_EQ(b->images.size(3), 3);
      EXPECT_EQ(b->keypoints.size(1), 14);
      for (int64_t i = 0; i < b->index.size(0); ++i) {
        int64_t row = b->index[i].item<int64_t>();
        seen.insert(row);
        EXPECT_EQ(cache->split[row], 0);
        EXPECT_FLOAT_EQ(b->keypoints[i][3][0].item<float>(), cache->keypoints[row * 28 + 6]);
      }
    }
    EXPECT_EQ(batches, loader.batches_per_epoch());
    EXPECT_EQ(static_cast<int64_t>(seen.size()), train);
    EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
  }
}

std::vector<int64_t> epoch_order(Loader& loader, int64_t epoch) {
  std::vector<int64_t> order;
  loader.start_epoch(epoch);
  while (auto b = loader.next())
    for (int64_t i = 0; i < b->index.size(0); ++i) order.push_back(b->index[i].item<int64_t>());
  return order;
}

TEST(Loader, MaxSamplesServesTheFirstPeopleOfTheSplitsOnly) {
  test::TempDir dir;
  auto cache = synthetic_cache(dir, 30, false);
  LoaderOptions lo;
  lo.batch_size = 4;
  lo.splits = {0};
  lo.drop_last = false;
  lo.max_samples = 5;
  Loader loader(cache, lo);
  ASSERT_EQ(loader.num_samples(), 5);
  std::vector<int64_t> first;  // the first five train rows in cache order
  for (int64_t i = 0; i < cache->size() && first.size() < 5; ++i)
    if (cache->split[i] == 0) first.push_back(i);
  std::vector<int64_t> served = epoch_order(loader, 0);
  std::sort(served.begin(), served.end());
  EXPECT_EQ(served, first);
}

TEST(Loader, OrderDependsOnlyOnSeedAndEpoch) {
  test::TempDir dir;
  auto cache = synthetic_cache(dir, 30, false);
  LoaderOptions lo;
  lo.batch_size = 4;
  lo.seed = 3;
  Loader a(cache, lo), b(cache, lo);
  auto a1 = epoch_order(a, 1);
  epoch_order(b, 0);  // b saw another epoch first: must not matter
  EXPECT_EQ(a1, epoch_order(b, 1));
  EXPECT_NE(a1, epoch_order(a, 2));
  EXPECT_EQ(a1.size() % 4, 0u);  // drop_last
}

TEST(Loader, DecodesTheStoredCropAsRGB) {
  test::TempDir dir;
  auto jpeg = synthetic_cache(dir, 6, false);
  auto raw = synthetic_cache(dir, 6, true);
  LoaderOptions lo;
  lo.splits = {0, 1, 2};
  Loader lj(jpeg, lo), lr(raw, lo);
  Batch bj = lj.load_rows({0, 5}), br = lr.load_rows({0, 5});
  cv::Mat bgr = cv::imdecode(jpeg->jpeg[5], cv::IMREAD_COLOR), rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  torch::Tensor expect = torch::from_blob(rgb.data, {64, 64, 3}, torch::kUInt8);
  EXPECT_TRUE(torch::equal(bj.images[1], expect));
  // Raw storage holds the same crop before JPEG loss (the synthetic
  // backgrounds are noisy, so the loss is a few grey levels): far closer to
  // its own JPEG than to another crop.
  auto diff = [](const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().mean().item<float>();
  };
  EXPECT_LT(diff(bj.images[1], br.images[1]), 12.0f);
  EXPECT_LT(diff(bj.images[1], br.images[1]), 0.3f * diff(bj.images[1], br.images[0]));
}

TEST(Loader, ACorruptCropIsReportedWithItsRowAndSource) {
  test::TempDir dir;
  auto cache = synthetic_cache(dir, 8, false);
  cache->jpeg[2] = {0xFF, 0xD8, 0x00, 0x01, 0x02};
  LoaderOptions lo;
  lo.splits = {0, 1, 2};
  lo.shuffle = false;
  lo.batch_size = 8;
  Loader loader(cache, lo);
  loader.start_epoch(0);
  try {
    loader.next();
    FAIL() << "expected kplab::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cache row 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("synthetic:0:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kplab
