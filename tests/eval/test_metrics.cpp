#include <gtest/gtest.h>
#include <torch/torch.h>

#include "eval/metrics.h"
#include "eval/pck.h"

namespace kplab {
namespace {

// Two joints 10 px apart (the reference) plus a third.
torch::Tensor truth(int64_t n) {
  torch::Tensor t = torch::zeros({n, 3, 2});
  t.select(1, 1).select(1, 0).fill_(10.0f);
  t.select(1, 2).select(1, 1).fill_(5.0f);
  return t;
}

TEST(PckAuc, PerfectPredictionIsOne) {
  torch::Tensor t = truth(3);
  EXPECT_DOUBLE_EQ(pck_auc(t, t, torch::ones({3, 3}), {0, 1}), 1.0);
}

TEST(PckAuc, EveryJointAQuarterOfTheReferenceOffIsHandComputed) {
  // Every error is 2.5 px = 0.25 x 10: PCK(alpha) is 0 below 0.25 and 1 from
  // it on. With 50 steps over [0, 0.5]: one trapezoid from 0 to 1 (0.01) and
  // 25 full steps (0.5): AUC = 0.51.
  torch::Tensor t = truth(2);
  torch::Tensor p = t.clone();
  p.select(2, 1).add_(2.5f);
  EXPECT_NEAR(pck_auc(p, t, torch::ones({2, 3}), {0, 1}, 0.5, 50), 0.51, 1e-12);
}

// Three people, joints 0 = left shoulder, 1 = right hip (torso reference),
// 2 = neck, 3 = head top (head reference), every error along x, none on an
// AUC grid point (alpha = i / 100).
//   A: torso 10, head 4; errors 0, 1.25, 1.75, 3.25 px.
//   B: torso 20, head 8; errors 5.5, 2.5, 0.75, 4.5 px.
//   C: torso 10, head top unlabeled (excluded from PCKh); errors 0.75, 1.25, 6.25.
// PCK@0.2 (thresholds 2, 4, 2 px): A 3/4, B 2/4, C 2/3 -> 7/11.
// PCKh@0.5 (thresholds 2, 4 px): A 3/4, B 2/4 -> 5/8, one sample excluded.
// AUC (torso, 50 steps over [0, 0.5]): a joint first counted at grid index m
// adds (50 - m + 0.5) / 50 (half a trapezoid, then full ones); at error 0 it
// adds 1. Normalised errors and m: A 0 (-), .125 (13), .175 (18), .325 (33);
// B .275 (28), .125 (13), .0375 (4), .225 (23); C .075 (8), .125 (13), .625
// (never). Sum = (50 + 37.5 + 32.5 + 17.5 + 22.5 + 37.5 + 46.5 + 27.5 + 42.5
// + 37.5) / 50 = 7.03 over 11 joints = 0.6390909...
TEST(GoldenThreePeople, PckPckhAndAucComputedByHand) {
  const float torso[3] = {10, 20, 10}, head[3] = {4, 8, 4};
  const float err[3][4] = {{0, 1.25f, 1.75f, 3.25f}, {5.5f, 2.5f, 0.75f, 4.5f}, {0.75f, 1.25f, 6.25f, 0}};
  torch::Tensor t = torch::zeros({3, 4, 2}), vis = torch::ones({3, 4});
  for (int n = 0; n < 3; ++n) {
    t[n][1][1] = torso[n];
    t[n][2][1] = -2.0f;
    t[n][3][1] = -2.0f - head[n];
  }
  vis[2][3] = 0;
  torch::Tensor p = t.clone();
  for (int n = 0; n < 3; ++n)
    for (int k = 0; k < 4; ++k) p[n][k][0] += err[n][k];

  PckResult torso_pck = pck(p, t, vis, {0, 1}, 0.2);
  EXPECT_NEAR(torso_pck.mean, 7.0 / 11.0, 1e-12);
  EXPECT_EQ(torso_pck.joints_counted, 11);
  EXPECT_EQ(torso_pck.samples_excluded, 0);
  EXPECT_NEAR(torso_pck.per_joint[0], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(torso_pck.per_joint[1], 1.0, 1e-12);
  EXPECT_NEAR(torso_pck.per_joint[2], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(torso_pck.per_joint[3], 0.0, 1e-12);

  PckResult head_pck = pck(p, t, vis, {2, 3}, 0.5);
  EXPECT_NEAR(head_pck.mean, 5.0 / 8.0, 1e-12);
  EXPECT_EQ(head_pck.samples_used, 2);
  EXPECT_EQ(head_pck.samples_excluded, 1);

  EXPECT_NEAR(pck_auc(p, t, vis, {0, 1}, 0.5, 50), 7.03 / 11.0, 1e-9);
  // The curve behind the AUC (what reports plot): 51 alphas, PCK@0.2 at index 20.
  PckCurve curve = pck_curve(p, t, vis, {0, 1}, 0.5, 50);
  ASSERT_EQ(curve.alpha.size(), 51u);
  EXPECT_NEAR(curve.alpha[20], 0.2, 1e-12);
  EXPECT_NEAR(curve.pck[20], 7.0 / 11.0, 1e-12);
  EXPECT_NEAR(curve.auc(), 7.03 / 11.0, 1e-9);
}

TEST(CropToOriginal, AppliesEachSamplesAffine) {
  torch::Tensor pts = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({2, 1, 2});
  // Sample 0: x = 2u + 10, y = 2v + 20. Sample 1: x = 0.5u - 1, y = 0.5v.
  torch::Tensor crop = torch::tensor({2.0f, 0.0f, 10.0f, 0.0f, 2.0f, 20.0f, 0.5f, 0.0f, -1.0f, 0.0f, 0.5f, 0.0f}).view({2, 6});
  torch::Tensor out = crop_to_original(pts, crop);
  EXPECT_TRUE(torch::allclose(out, torch::tensor({12.0f, 24.0f, 0.5f, 2.0f}).view({2, 1, 2})));
}

TEST(PixelErrorMetric, MeanAndMedianOverLabeledJointsOnly) {
  torch::Tensor t = torch::zeros({1, 4, 2});
  torch::Tensor p = torch::tensor({3.0f, 4.0f, 0.0f, 1.0f, 0.0f, 2.0f, 100.0f, 0.0f}).view({1, 4, 2});
  torch::Tensor v = torch::tensor({1, 1, 1, 0}).view({1, 4});  // the 100 px one is masked
  PixelError e = pixel_error(p, t, v);
  EXPECT_EQ(e.joints, 3);
  EXPECT_NEAR(e.mean, (5.0 + 1.0 + 2.0) / 3, 1e-12);
  EXPECT_NEAR(e.median, 2.0, 1e-12);
}

}  // namespace
}  // namespace kplab
