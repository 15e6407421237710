#include <gtest/gtest.h>
#include <torch/torch.h>

#include <numeric>

#include "data/augment.h"
#include "data/schema.h"

namespace kplab {
namespace {

std::vector<int64_t> lsp_flip() {
  return load_schema(std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml").flip_permutation();
}

AugmentOptions geometry_only() {
  AugmentOptions o;
  o.brightness = o.contrast = o.saturation = 0.0f;
  o.occlusion_prob = 0.0f;
  return o;
}

// A black batch with one bright 3x3 square per sample under joint 0 (kept
// well inside so moderate affines keep it in the crop).
Batch dot_batch(int64_t b, int64_t s, int64_t k, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  Batch batch;
  batch.images = torch::zeros({b, s, s, 3}, torch::kUInt8);
  batch.keypoints = (s * 0.35f + torch::rand({b, k, 2}, gen) * s * 0.3f).round();
  batch.visible = torch::ones({b, k}, torch::kUInt8);
  batch.occluded = torch::zeros({b, k}, torch::kUInt8);
  batch.index = torch::arange(b);
  for (int64_t i = 0; i < b; ++i) {
    int64_t x = batch.keypoints[i][0][0].item<int64_t>(), y = batch.keypoints[i][0][1].item<int64_t>();
    batch.images[i].narrow(0, y - 1, 3).narrow(1, x - 1, 3).fill_(255);
  }
  return batch;
}

// Brightness-weighted centre of each image (B x 2, x then y).
torch::Tensor bright_centre(const torch::Tensor& images) {
  torch::Tensor g = images.sum(1);  // B x S x S
  const int64_t s = g.size(1);
  torch::Tensor idx = torch::arange(s, torch::kFloat32);
  torch::Tensor total = g.sum({1, 2});
  torch::Tensor cx = (g.sum(1) * idx).sum(1) / total, cy = (g.sum(2) * idx).sum(1) / total;
  return torch::stack({cx, cy}, 1);
}

class AugmentBackends : public ::testing::TestWithParam<WarpBackend> {};

TEST_P(AugmentBackends, ADotDrawnAtAKeypointStaysUnderItsLabel) {
  AugmentOptions o = geometry_only();
  o.warp = GetParam();
  o.rotate_deg = 45.0f;
  o.flip_prob = 0.0f;  // joint 0's slot moves under a flip; checked separately
  Augmenter aug(o, lsp_flip(), 7);
  Batch batch = dot_batch(16, 128, 14, 3);
  AugmentedBatch out = aug(batch);
  torch::Tensor centre = bright_centre(out.images);
  torch::Tensor label = out.keypoints.select(1, 0);
  EXPECT_LT((centre - label).abs().max().item<float>(), 0.75f) << centre << label;
  EXPECT_EQ(out.visible.select(1, 0).min().item<float>(), 1.0f);
}

TEST_P(AugmentBackends, FlippedSamplesSwapLeftAndRightJoints) {
  AugmentOptions o = geometry_only();
  o.warp = GetParam();
  o.rotate_deg = 0.0f;
  o.scale_min = o.scale_max = 1.0f;
  o.translate = 0.0f;
  o.flip_prob = 1.0f;
  Augmenter aug(o, lsp_flip(), 1);
  const int64_t s = 64;
  Batch batch = dot_batch(2, s, 14, 5);
  batch.visible[0][11] = 0;  // left wrist unlabeled in sample 0
  AugmentedBatch out = aug(batch);
  // A pure mirror: x -> s - 1 - x, and slot i holds joint perm[i]
  // (right ankle 0 <-> left ankle 5, right wrist 6 <-> left wrist 11, neck stays).
  for (auto [slot, src] : {std::pair{0, 5}, std::pair{5, 0}, std::pair{6, 11}, std::pair{12, 12}, std::pair{13, 13}}) {
    for (int64_t i = 0; i < 2; ++i) {
      if (!batch.visible[i][src].item<bool>()) continue;
      EXPECT_NEAR(out.keypoints[i][slot][0].item<float>(), s - 1 - batch.keypoints[i][src][0].item<float>(), 1e-4);
      EXPECT_NEAR(out.keypoints[i][slot][1].item<float>(), batch.keypoints[i][src][1].item<float>(), 1e-4);
    }
  }
  // The unlabeled left wrist is now the unlabeled right wrist, still masked.
  EXPECT_EQ(out.visible[0][6].item<float>(), 0.0f);
  EXPECT_EQ(out.keypoints[0][6][0].item<float>(), 0.0f);
  EXPECT_EQ(out.visible[0][11].item<float>(), 1.0f);
  // And the image is mirrored: the dot under joint 0 is now under slot 5.
  torch::Tensor centre = bright_centre(out.images);
  EXPECT_LT((centre - out.keypoints.select(1, 5)).abs().max().item<float>(), 0.5f);
}

INSTANTIATE_TEST_SUITE_P(Warp, AugmentBackends, ::testing::Values(WarpBackend::Torch, WarpBackend::OpenCV),
                         [](const auto& info) { return info.param == WarpBackend::Torch ? "Torch" : "OpenCV"; });

TEST(Augment, TorchAndOpenCVWarpsAgree) {
  auto gen = at::detail::createCPUGenerator(11);
  Batch batch;
  // Smooth content (bilinear from a coarse grid), so interpolation details matter little.
  torch::Tensor coarse = torch::rand({8, 3, 8, 8}, gen) * 255;
  batch.images = torch::nn::functional::interpolate(
                     coarse, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{96, 96}).mode(torch::kBilinear).align_corners(false))
                     .permute({0, 2, 3, 1}).round().to(torch::kUInt8).contiguous();
  batch.keypoints = torch::rand({8, 14, 2}, gen) * 95;
  batch.visible = torch::ones({8, 14}, torch::kUInt8);
  batch.occluded = torch::zeros({8, 14}, torch::kUInt8);
  batch.index = torch::arange(8);
  AugmentOptions o;  // everything on, same seed: same parameters
  o.warp = WarpBackend::Torch;
  AugmentedBatch a = Augmenter(o, lsp_flip(), 3)(batch);
  o.warp = WarpBackend::OpenCV;
  AugmentedBatch b = Augmenter(o, lsp_flip(), 3)(batch);
  EXPECT_TRUE(torch::equal(a.keypoints, b.keypoints));
  EXPECT_TRUE(torch::equal(a.visible, b.visible));
  EXPECT_TRUE(torch::equal(a.occluded, b.occluded));
  torch::Tensor diff = (a.images - b.images).abs();
  // OpenCV interpolates with 5-bit fixed-point weights and rounds to uint8.
  EXPECT_LT(diff.mean().item<float>(), 2.0f / 255);
  EXPECT_LT(diff.quantile(0.99).item<float>(), 8.0f / 255);
}

TEST(Augment, FusedColourPassMatchesTorchOps) {
  auto gen = at::detail::createCPUGenerator(2);
  torch::Tensor u8 = torch::randint(0, 256, {4, 32, 40, 3}, gen, torch::kUInt8);
  ColourJitter j{torch::rand({4, 3, 3}, gen) * 1.5, torch::rand({4}, gen) - 0.5};
  torch::Tensor fused = j.apply_u8(u8);
  torch::Tensor ref = j.apply(u8.permute({0, 3, 1, 2}).to(torch::kFloat32).contiguous());
  EXPECT_LT((fused - ref).abs().max().item<float>(), 1e-5);
  EXPECT_GE(fused.min().item<float>(), 0.0f);
  EXPECT_LE(fused.max().item<float>(), 1.0f);
}

TEST(Augment, JointsPushedOutOfTheCropBecomeMaskedAndMaskedStayMasked) {
  const int64_t s = 100;
  // Shift right by 0.6 of the crop (normalised 1.2): x -> x + 60.
  Augmenter::Params p{torch::tensor({1.0f, 0.0f, 1.2f, 0.0f, 1.0f, 0.0f}).view({1, 2, 3}),
                      torch::zeros({1}, torch::kBool)};
  torch::Tensor kp = torch::tensor({10.0f, 50.0f, 39.0f, 50.0f, 41.0f, 50.0f, 20.0f, 20.0f}).view({1, 4, 2});
  torch::Tensor vis = torch::tensor({1.0f, 1.0f, 1.0f, 0.0f}).view({1, 4});
  torch::Tensor occ = torch::tensor({0.0f, 1.0f, 1.0f, 0.0f}).view({1, 4});
  auto [k2, v2, o2] = move_keypoints(kp, vis, occ, p, torch::arange(4), s);
  EXPECT_NEAR(k2[0][0][0].item<float>(), 70.0f, 1e-4);
  EXPECT_NEAR(k2[0][1][0].item<float>(), 99.0f, 1e-4);  // last pixel: still inside
  EXPECT_TRUE(torch::equal(v2, torch::tensor({1.0f, 1.0f, 0.0f, 0.0f}).view({1, 4})));
  EXPECT_EQ(k2[0][2].abs().sum().item<float>(), 0.0f);  // pushed out: no position
  EXPECT_TRUE(torch::equal(o2, torch::tensor({0.0f, 1.0f, 0.0f, 0.0f}).view({1, 4})));
}

TEST(Augment, SameSeedSameBatchOtherSeedOtherBatch) {
  Batch batch = dot_batch(4, 64, 14, 9);
  AugmentOptions o;
  AugmentedBatch a = Augmenter(o, lsp_flip(), 5)(batch);
  AugmentedBatch b = Augmenter(o, lsp_flip(), 5)(batch);
  AugmentedBatch c = Augmenter(o, lsp_flip(), 6)(batch);
  EXPECT_TRUE(torch::equal(a.images, b.images));
  EXPECT_TRUE(torch::equal(a.keypoints, b.keypoints));
  EXPECT_FALSE(torch::equal(a.keypoints, c.keypoints));
}

TEST(Augment, OcclusionRectanglesPaintSolidColourAndFlagCoveredJoints) {
  AugmentOptions o = geometry_only();
  o.rotate_deg = 0;
  o.scale_min = o.scale_max = 1;
  o.translate = 0;
  o.flip_prob = 0;
  o.occlusion_prob = 1.0f;
  o.occlusion_min = 0.3f;
  o.occlusion_max = 0.5f;
  const int64_t b = 16, s = 64, k = 14;
  auto gen = at::detail::createCPUGenerator(4);
  Batch batch;
  batch.images = torch::randint(0, 256, {b, s, s, 3}, gen, torch::kUInt8);  // noise: no flat patches
  batch.keypoints = (4 + torch::rand({b, k, 2}, gen) * (s - 8)).round();
  batch.visible = torch::ones({b, k}, torch::kUInt8);
  batch.occluded = torch::zeros({b, k}, torch::kUInt8);
  batch.index = torch::arange(b);
  AugmentedBatch out = Augmenter(o, lsp_flip(), 8)(batch);
  int64_t flagged = 0, unflagged = 0;
  for (int64_t i = 0; i < b; ++i)
    for (int64_t j = 0; j < k; ++j) {
      int64_t x = out.keypoints[i][j][0].item<int64_t>(), y = out.keypoints[i][j][1].item<int64_t>();
      torch::Tensor patch = out.images[i].narrow(1, y, 1).narrow(2, x, 1).flatten();
      torch::Tensor before = batch.images[i][y][x].to(torch::kFloat32) / 255;
      bool painted = (patch - before).abs().max().item<float>() > 1e-6;
      // A flagged joint sits on the painted rectangle; an unflagged one on the untouched noise.
      if (out.occluded[i][j].item<float>() > 0) {
        ++flagged;
        EXPECT_TRUE(painted) << i << "," << j;
      } else {
        ++unflagged;
        EXPECT_FALSE(painted) << i << "," << j;
      }
    }
  EXPECT_GT(flagged, 0);
  EXPECT_GT(unflagged, 0);
}

TEST(Augment, ToModelInputIsFloatNCHWInUnitRange) {
  Batch batch = dot_batch(2, 32, 14, 1);
  AugmentedBatch out = to_model_input(batch);
  EXPECT_EQ(out.images.sizes(), (std::vector<int64_t>{2, 3, 32, 32}));
  EXPECT_TRUE(out.images.is_contiguous());
  EXPECT_FLOAT_EQ(out.images.max().item<float>(), 1.0f);
  EXPECT_TRUE(torch::equal(out.keypoints, batch.keypoints));
}

}  // namespace
}  // namespace kplab
