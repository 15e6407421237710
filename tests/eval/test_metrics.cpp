#include <gtest/gtest.h>
#include <torch/torch.h>

#include "eval/metrics.h"

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
