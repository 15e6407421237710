#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "eval/pck.h"

namespace kplab {
namespace {

// Three joints; reference = joints 0 and 1, 10 px apart in every sample.
torch::Tensor truth3(int64_t n) {
  torch::Tensor t = torch::zeros({n, 3, 2});
  for (int64_t i = 0; i < n; ++i) {
    t[i][1][0] = 10.0f;  // joint 1 at (10, 0)
    t[i][2][1] = 5.0f;   // joint 2 at (0, 5)
  }
  return t;
}

TEST(Pck, PerfectPredictionIsOne) {
  torch::Tensor t = truth3(4);
  PckResult r = pck(t, t, torch::ones({4, 3}), {0, 1}, 0.2);
  EXPECT_DOUBLE_EQ(r.mean, 1.0);
  EXPECT_EQ(r.joints_counted, 12);
  EXPECT_EQ(r.samples_excluded, 0);
  for (double v : r.per_joint) EXPECT_DOUBLE_EQ(v, 1.0);
}

TEST(Pck, AllMaskedCountsNothing) {
  torch::Tensor t = truth3(2);
  PckResult r = pck(t + 100, t, torch::zeros({2, 3}), {0, 1}, 0.2);
  EXPECT_EQ(r.joints_counted, 0);
  EXPECT_DOUBLE_EQ(r.mean, 0.0);
  EXPECT_EQ(r.samples_excluded, 2);  // the reference joints are masked too
  EXPECT_DOUBLE_EQ(r.per_joint[2], -1.0);
}

TEST(Pck, ZeroReferenceLengthExcludesTheSample) {
  torch::Tensor t = truth3(2);
  t[1][1][0] = 0.0f;  // sample 1: reference joints coincide
  torch::Tensor p = t.clone();
  p[1] += 50;  // would be wrong, but the sample is excluded
  PckResult r = pck(p, t, torch::ones({2, 3}), {0, 1}, 0.2);
  EXPECT_EQ(r.samples_excluded, 1);
  EXPECT_EQ(r.joints_counted, 3);
  EXPECT_DOUBLE_EQ(r.mean, 1.0);
}

TEST(Pck, AJointExactlyOnTheThresholdCounts) {
  torch::Tensor t = truth3(1);
  torch::Tensor p = t.clone();
  p[0][2][0] = 2.0f;  // 2 px off, threshold 0.2 x 10 = 2: correct
  p[0][0][1] = 2.5f;  // 2.5 px off: wrong
  PckResult r = pck(p, t, torch::ones({1, 3}), {0, 1}, 0.2);
  EXPECT_DOUBLE_EQ(r.per_joint[2], 1.0);
  EXPECT_DOUBLE_EQ(r.per_joint[0], 0.0);
  EXPECT_NEAR(r.mean, 2.0 / 3.0, 1e-12);
}

TEST(Pck, HandComputedThreePeopleWithMaskedJoints) {
  // Person 0: reference 10 px; errors 0, 1, 3 -> at alpha 0.2 (2 px): 2 of 3.
  // Person 1: reference 20 px (joint 1 at (20, 0)); joint 2 masked; errors 3, 5 -> 4 px: 1 of 2.
  // Person 2: reference joint 1 masked -> excluded.
  torch::Tensor t = truth3(3);
  t[1][1][0] = 20.0f;
  torch::Tensor p = t.clone();
  p[0][1][0] += 1.0f;
  p[0][2][1] += 3.0f;
  p[1][0][0] += 3.0f;
  p[1][1][1] += 5.0f;
  torch::Tensor vis = torch::ones({3, 3});
  vis[1][2] = 0;
  vis[2][1] = 0;
  PckResult r = pck(p, t, vis, {0, 1}, 0.2);
  EXPECT_EQ(r.samples_used, 2);
  EXPECT_EQ(r.samples_excluded, 1);
  EXPECT_EQ(r.joints_counted, 5);
  EXPECT_NEAR(r.mean, 3.0 / 5.0, 1e-12);
  EXPECT_NEAR(r.per_joint[0], 1.0, 1e-12);  // 0 px and 3 <= 4 px
  EXPECT_NEAR(r.per_joint[1], 0.5, 1e-12);  // 1 <= 2 px; 5 > 4 px
  EXPECT_NEAR(r.per_joint[2], 0.0, 1e-12);  // 3 > 2 px
}

// Left/right swaps, by hand. Joints: 0 left wrist, 1 right wrist (partners),
// 2 and 3 the reference (no partner), 10 px apart: a joint is "near" within 2 px.
TEST(LeftRightSwaps, HandComputedSwapsCountOnlyJointsWhosePartnerIsLabeled) {
  torch::Tensor t = torch::zeros({3, 4, 2});
  for (int64_t i = 0; i < 3; ++i) {
    t[i][0][0] = 10.0f;   // left wrist (10, 0)
    t[i][1][0] = -10.0f;  // right wrist (-10, 0)
    t[i][3][1] = 10.0f;   // reference joints (0, 0) and (0, 10)
  }
  torch::Tensor p = t.clone();
  p[0][0][0] = -10.0f;  // sample 0: each wrist on the other's truth: 2 swaps
  p[0][0][1] = 0.5f;
  p[0][1][0] = 10.0f;
  p[1][1][0] = 50.0f;   // sample 1: left right, right lost far away: no swap
  p[1][1][1] = 50.0f;
  p[2][0][0] = -10.0f;  // sample 2: right wrist unlabeled: neither wrist counts
  torch::Tensor v = torch::ones({3, 4});
  v[2][1] = 0;
  SwapResult r = left_right_swaps(p, t, v, {1, 0, 2, 3}, {2, 3}, 0.2);
  EXPECT_EQ(r.joints_counted, 4);
  EXPECT_EQ(r.swapped, 2);
  EXPECT_DOUBLE_EQ(r.rate, 0.5);
  // A prediction near both truths (partners closer than the threshold) is correct, not swapped.
  torch::Tensor close = t.clone();
  close[0][1][0] = 9.0f;
  close[0][1][1] = 0.0f;
  SwapResult c = left_right_swaps(close.index({torch::indexing::Slice(0, 1)}), close.index({torch::indexing::Slice(0, 1)}),
                                  torch::ones({1, 4}), {1, 0, 2, 3}, {2, 3}, 0.2);
  EXPECT_EQ(c.joints_counted, 2);
  EXPECT_EQ(c.swapped, 0);
}

TEST(LeftRightSwaps, AFlipPermutationOfTheWrongLengthIsAnError) {
  torch::Tensor t = torch::zeros({1, 4, 2});
  EXPECT_THROW(left_right_swaps(t, t, torch::ones({1, 4}), {1, 0, 2}, {2, 3}, 0.2), Error);
}

// The LeftRightSwaps fixture: wrists 0/1 are partners, joints 2/3 the reference.
torch::Tensor wrists_truth(int64_t n) {
  torch::Tensor t = torch::zeros({n, 4, 2});
  for (int64_t i = 0; i < n; ++i) {
    t[i][0][0] = 10.0f;
    t[i][1][0] = -10.0f;
    t[i][3][1] = 10.0f;
  }
  return t;
}

TEST(SwapForgivingPck, HandComputedEachPersonTakesTheBetterOfLabelledAndMirroredTruth) {
  torch::Tensor t = wrists_truth(3);
  torch::Tensor p = t.clone();
  p[0][0][0] = -10.0f;  // person 0: both wrists exchanged: 2/4 strict, 4/4 mirrored
  p[0][1][0] = 10.0f;
  p[1][1][0] = 50.0f;   // person 1: right wrist lost: 3/4 strict, 2/4 mirrored: strict kept
  p[1][1][1] = 50.0f;
  p[2][0][0] = -10.0f;  // person 2: right wrist unlabeled, left on its position: 2/3 either way: strict kept
  torch::Tensor v = torch::ones({3, 4});
  v[2][1] = 0;
  PckResult strict = pck(p, t, v, {2, 3}, 0.2);
  EXPECT_DOUBLE_EQ(strict.mean, 7.0 / 11.0);
  SwapForgivingPck f = pck_swap_forgiving(p, t, v, {1, 0, 2, 3}, {2, 3}, 0.2);
  EXPECT_EQ(f.samples_mirrored, 1);
  EXPECT_EQ(f.pck.joints_counted, 11);
  EXPECT_DOUBLE_EQ(f.pck.mean, 9.0 / 11.0);
  // Per predicted joint: the left wrist is right in persons 0 and 1, wrong in 2 (labelled 3 times).
  EXPECT_DOUBLE_EQ(f.pck.per_joint[0], 2.0 / 3.0);
}

TEST(SwapForgivingPck, NeverBelowStrictAndEqualWithoutSwaps) {
  torch::manual_seed(3);
  torch::Tensor t = wrists_truth(50) + torch::randn({50, 4, 2}) * 2;
  torch::Tensor p = t + torch::randn({50, 4, 2}) * 3;
  torch::Tensor v = (torch::rand({50, 4}) > 0.2).to(torch::kFloat32);
  v.index_put_({torch::indexing::Slice(), torch::indexing::Slice(2, 4)}, 1.0);
  const std::vector<int64_t> flip{1, 0, 2, 3};
  EXPECT_GE(pck_swap_forgiving(p, t, v, flip, {2, 3}, 0.2).pck.mean, pck(p, t, v, {2, 3}, 0.2).mean);
  // With no left/right pairs (identity flip) there is nothing to forgive.
  SwapForgivingPck same = pck_swap_forgiving(p, t, v, {0, 1, 2, 3}, {2, 3}, 0.2);
  EXPECT_DOUBLE_EQ(same.pck.mean, pck(p, t, v, {2, 3}, 0.2).mean);
  EXPECT_EQ(same.samples_mirrored, 0);
  EXPECT_THROW(pck_swap_forgiving(p, t, v, {1, 0, 2}, {2, 3}, 0.2), Error);
}

}  // namespace
}  // namespace kplab
