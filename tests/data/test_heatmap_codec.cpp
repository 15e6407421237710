#include <gtest/gtest.h>
#include <torch/torch.h>

#include "data/heatmap_codec.h"

namespace kplab {
namespace {

torch::Tensor random_keypoints(int64_t b, int64_t k, float lo, float hi, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return lo + torch::rand({b, k, 2}, gen, torch::kFloat32) * (hi - lo);
}

TEST(HeatmapCodec, RoundTripIsWellUnderOneHeatmapPixel) {
  for (auto [in, out] : {std::pair{256, 128}, std::pair{256, 64}, std::pair{128, 64}, std::pair{128, 32}}) {
    HeatmapCodec codec{in, out, 2.0f};
    // Away from the border, where the 3-point fit has both neighbours.
    torch::Tensor kp = random_keypoints(8, 14, 2 * codec.stride(), in - 1 - 2 * codec.stride(), in + out);
    auto [maps, weights] = codec.encode(kp, torch::ones({8, 14}));
    auto [decoded, scores] = codec.decode(maps);
    float err_cells = ((decoded - kp).abs().max().item<float>()) / codec.stride();
    EXPECT_LT(err_cells, 0.01f) << in << " -> " << out;
    EXPECT_GT(scores.min().item<float>(), 0.5f);
  }
}

TEST(HeatmapCodec, PeakIsOneOnAGridCellAndSigmaSetsTheSpread) {
  HeatmapCodec codec{256, 128, 3.0f};
  // Input pixel 100.5 maps to heatmap cell (100.5 + 0.5) / 2 - 0.5 = 50.
  torch::Tensor kp = torch::tensor({100.5f, 60.5f}).view({1, 1, 2});
  auto [maps, w] = codec.encode(kp, torch::ones({1, 1}));
  EXPECT_FLOAT_EQ(maps[0][0][30][50].item<float>(), 1.0f);
  // One sigma away along x: exp(-1/2).
  EXPECT_NEAR(maps[0][0][30][53].item<float>(), std::exp(-0.5f), 1e-6);
  EXPECT_FLOAT_EQ(maps.max().item<float>(), 1.0f);
}

TEST(HeatmapCodec, MaskedJointsGetEmptyTargetsAndZeroWeight) {
  HeatmapCodec codec{128, 64, 2.0f};
  torch::Tensor kp = random_keypoints(2, 3, 10, 100, 1);
  torch::Tensor vis = torch::tensor({1, 0, 1, 0, 0, 1}, torch::kUInt8).view({2, 3});
  auto [maps, w] = codec.encode(kp, vis);
  EXPECT_TRUE(torch::equal(w, vis.to(torch::kFloat32)));
  EXPECT_EQ(maps[0][1].abs().sum().item<float>(), 0.0f);
  EXPECT_EQ(maps[1][0].abs().sum().item<float>(), 0.0f);
  EXPECT_GT(maps[1][2].sum().item<float>(), 1.0f);
}

TEST(HeatmapCodec, BorderJointsDecodeWithinOneCell) {
  HeatmapCodec codec{256, 64, 2.0f};
  torch::Tensor kp = torch::tensor({0.0f, 0.0f, 255.0f, 255.0f, 0.0f, 128.0f}).view({1, 3, 2});
  auto [maps, w] = codec.encode(kp, torch::ones({1, 3}));
  auto [decoded, s] = codec.decode(maps);
  EXPECT_TRUE(torch::isfinite(decoded).all().item<bool>());
  EXPECT_LT((decoded - kp).abs().max().item<float>(), codec.stride());
}

TEST(HeatmapCodec, DecodeFindsTheArgmaxOfAnArbitraryMap) {
  HeatmapCodec codec{128, 32, 1.0f};
  torch::Tensor maps = torch::zeros({1, 1, 32, 32});
  maps[0][0][7][21] = 0.9f;  // an isolated spike: no refinement possible, cell centre
  auto [decoded, s] = codec.decode(maps);
  EXPECT_NEAR(decoded[0][0][0].item<float>(), (21 + 0.5f) * 4 - 0.5f, 1e-4);
  EXPECT_NEAR(decoded[0][0][1].item<float>(), (7 + 0.5f) * 4 - 0.5f, 1e-4);
  EXPECT_FLOAT_EQ(s[0][0].item<float>(), 0.9f);
}

}  // namespace
}  // namespace kplab
