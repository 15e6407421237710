// Swap-aware targets: each person trains on the assignment of its labels
// (as labelled or left/right mirrored) that the heatmaps fit better.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "train/swap_aware.h"

namespace kplab {
namespace {

// Two partner joints (0 <-> 1) and a centre joint (2) on a 32 px input, 16x16 maps.
const HeatmapCodec kCodec{32, 16, 1.0f};
const torch::Tensor kFlip = torch::tensor({1, 0, 2}, torch::kInt64);

AugmentedBatch two_people() {
  AugmentedBatch b;
  b.images = torch::zeros({2, 3, 32, 32});
  b.keypoints = torch::tensor({{{6.f, 10.f}, {24.f, 10.f}, {15.f, 4.f}}, {{8.f, 20.f}, {22.f, 20.f}, {15.f, 12.f}}});
  b.visible = torch::ones({2, 3});
  b.occluded = torch::tensor({{1.f, 0.f, 0.f}, {0.f, 0.f, 0.f}});
  return b;
}

// Logits whose sigmoid is each target map (heatmaps that fit `keypoints` exactly).
torch::Tensor fitted_logits(const torch::Tensor& keypoints) {
  auto [t, w] = kCodec.encode(keypoints, torch::ones({keypoints.size(0), keypoints.size(1)}));
  return torch::logit(t.clamp(1e-4, 1 - 1e-4));
}

TEST(SwapAware, APersonTheModelSeesMirroredIsTrainedOnMirroredLabels) {
  AugmentedBatch b = two_people();
  torch::Tensor seen = b.keypoints.clone();
  seen[0] = b.keypoints[0].index_select(0, kFlip);  // person 0: the heatmaps put its left on its labelled right
  SwapChoice c = choose_left_right(fitted_logits(seen), b, kCodec, kFlip, "bce");
  ASSERT_EQ(c.mirrored.sizes(), (std::vector<int64_t>{2}));
  EXPECT_TRUE(c.mirrored[0].item<bool>());
  EXPECT_FALSE(c.mirrored[1].item<bool>());
  EXPECT_TRUE(torch::equal(c.batch.keypoints[0], seen[0]));
  EXPECT_TRUE(torch::equal(c.batch.keypoints[1], b.keypoints[1]));
  // Every label of the person moves with its joint: the occlusion flag of joint 0 is now joint 1's.
  EXPECT_TRUE(torch::equal(c.batch.occluded[0], torch::tensor({0.f, 1.f, 0.f})));
  EXPECT_TRUE(torch::equal(c.batch.images, b.images));
  // The targets handed to the loss are those of the chosen labels.
  auto [targets, weights] = kCodec.encode(c.batch.keypoints, c.batch.visible);
  EXPECT_TRUE(torch::equal(c.heatmap_targets, targets));
  EXPECT_TRUE(torch::equal(c.heatmap_weights, weights));
  // The same with the MSE heatmap loss deciding.
  EXPECT_TRUE(choose_left_right(fitted_logits(seen), b, kCodec, kFlip, "mse").mirrored[0].item<bool>());
}

TEST(SwapAware, TiesKeepTheLabels) {
  AugmentedBatch b = two_people();
  SwapChoice c = choose_left_right(torch::zeros({2, 3, 16, 16}), b, kCodec, kFlip, "bce");
  EXPECT_FALSE(c.mirrored.any().item<bool>());
  EXPECT_TRUE(torch::equal(c.batch.keypoints, b.keypoints));
  // A person with no left/right partner labelled has nothing to mirror either.
  b.visible.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, 2)}, 0.0);
  EXPECT_FALSE(choose_left_right(fitted_logits(b.keypoints.index_select(1, kFlip)), b, kCodec, kFlip, "bce")
                   .mirrored.any()
                   .item<bool>());
}

TEST(SwapAware, MismatchedShapesAreRefused) {
  AugmentedBatch b = two_people();
  EXPECT_THROW(choose_left_right(torch::zeros({2, 4, 16, 16}), b, kCodec, kFlip, "bce"), Error);
  EXPECT_THROW(choose_left_right(torch::zeros({2, 3, 16, 16}), b, kCodec, torch::tensor({1, 0}), "bce"), Error);
}

}  // namespace
}  // namespace kplab
