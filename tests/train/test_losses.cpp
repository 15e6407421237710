#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>

#include "data/heatmap_codec.h"
#include "support/expect_error.h"
#include "train/losses.h"

namespace kplab {
namespace {

using test::expect_error_with;

// Closed forms in double, written independently of torch.
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return std::log1p(std::exp(x)); }  // -log(1 - sigmoid(x)), moderate x only
double bce(double x, double t) { return -(t * std::log(sigmoid(x)) + (1 - t) * std::log(1 - sigmoid(x))); }

torch::Tensor normal(at::IntArrayRef sizes, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randn(sizes, gen, torch::kFloat32);
}

torch::Tensor uniform(at::IntArrayRef sizes, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::rand(sizes, gen, torch::kFloat32);
}

float value(const torch::Tensor& t) { return t.item<float>(); }

// ---- heatmap_bce / heatmap_mse ----------------------------------------------

TEST(LossesHeatmap, OnePixelBceIsTheClosedForm) {
  const float x = 0.7f;
  torch::Tensor logits = torch::full({1, 1, 1, 1}, x);
  torch::Tensor w = torch::ones({1, 1});
  // target 1: -log(sigmoid(x)) = log(1 + e^-x); target 0: log(1 + e^x).
  EXPECT_NEAR(value(heatmap_bce(logits, torch::ones({1, 1, 1, 1}), w)), std::log(1 + std::exp(-x)), 1e-6);
  EXPECT_NEAR(value(heatmap_bce(logits, torch::zeros({1, 1, 1, 1}), w)), std::log(1 + std::exp(x)), 1e-6);
  EXPECT_NEAR(value(heatmap_bce(logits, torch::full({1, 1, 1, 1}, 0.25f), w)), bce(x, 0.25), 1e-6);
  // Large logits stay finite (the stable form, not log(sigmoid)).
  EXPECT_NEAR(value(heatmap_bce(torch::full({1, 1, 1, 1}, -200.0f), torch::ones({1, 1, 1, 1}), w)), 200.0, 1e-3);
}

TEST(LossesHeatmap, BceAndMseAreMeansOverLabeledMapsPixels) {
  const int64_t B = 2, K = 3, H = 4, W = 5;
  torch::Tensor logits = normal({B, K, H, W}, 1) * 2;
  torch::Tensor targets = uniform({B, K, H, W}, 2);
  torch::Tensor weights = torch::tensor({1.f, 0.f, 1.f, 0.f, 1.f, 1.f}).view({B, K});
  double bce_sum = 0, mse_sum = 0;
  int labeled = 0;
  auto x = logits.accessor<float, 4>();
  auto t = targets.accessor<float, 4>();
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t k = 0; k < K; ++k) {
      if (weights[b][k].item<float>() == 0) continue;
      ++labeled;
      for (int64_t i = 0; i < H; ++i) {
        for (int64_t j = 0; j < W; ++j) {
          bce_sum += bce(x[b][k][i][j], t[b][k][i][j]);
          mse_sum += std::pow(sigmoid(x[b][k][i][j]) - t[b][k][i][j], 2);
        }
      }
    }
  }
  ASSERT_EQ(labeled, 4);
  EXPECT_NEAR(value(heatmap_bce(logits, targets, weights)), bce_sum / (labeled * H * W), 1e-5);
  EXPECT_NEAR(value(heatmap_mse(logits, targets, weights)), mse_sum / (labeled * H * W), 1e-6);
}

TEST(LossesHeatmap, MseOfZeroLogitsAgainstKnownTargets) {
  torch::Tensor logits = torch::zeros({1, 2, 2, 2});  // sigmoid = 0.5 everywhere
  torch::Tensor targets = torch::cat({torch::ones({1, 1, 2, 2}), torch::full({1, 1, 2, 2}, 0.5f)}, 1);
  EXPECT_FLOAT_EQ(value(heatmap_mse(logits, targets, torch::tensor({{1.f, 0.f}}))), 0.25f);
  EXPECT_FLOAT_EQ(value(heatmap_mse(logits, targets, torch::tensor({{0.f, 1.f}}))), 0.0f);
  EXPECT_FLOAT_EQ(value(heatmap_mse(logits, targets, torch::tensor({{1.f, 1.f}}))), 0.125f);
}

TEST(LossesHeatmap, MaskedJointsContributeNothing) {
  torch::Tensor logits = normal({2, 3, 6, 6}, 3);
  torch::Tensor targets = uniform({2, 3, 6, 6}, 4);
  torch::Tensor weights = torch::tensor({{1.f, 0.f, 1.f}, {1.f, 1.f, 0.f}});
  const float bce0 = value(heatmap_bce(logits, targets, weights));
  const float mse0 = value(heatmap_mse(logits, targets, weights));
  torch::Tensor logits2 = logits.clone(), targets2 = targets.clone();
  logits2[0][1].add_(7.0f);  // masked joints: any prediction, any target
  logits2[1][2] = -30.0f;
  targets2[0][1] = 1.0f;
  EXPECT_EQ(value(heatmap_bce(logits2, targets2, weights)), bce0);
  EXPECT_EQ(value(heatmap_mse(logits2, targets2, weights)), mse0);
  // ...while changing a labeled joint does change them.
  logits2[0][0].add_(1.0f);
  EXPECT_NE(value(heatmap_bce(logits2, targets2, weights)), bce0);
}

TEST(LossesHeatmap, BceGradientIsSigmoidMinusTargetOverLabeledPixels) {
  const int64_t B = 2, K = 2, H = 3, W = 3;
  torch::Tensor logits = (normal({B, K, H, W}, 5)).requires_grad_(true);
  torch::Tensor targets = uniform({B, K, H, W}, 6);
  torch::Tensor weights = torch::tensor({{1.f, 1.f}, {0.f, 1.f}});
  heatmap_bce(logits, targets, weights).backward();
  ASSERT_TRUE(logits.grad().defined());
  torch::Tensor expected = (torch::sigmoid(logits.detach()) - targets) * weights.view({B, K, 1, 1}) / (3.0 * H * W);
  EXPECT_TRUE(torch::allclose(logits.grad(), expected, 1e-5, 1e-7));
  EXPECT_EQ(logits.grad()[1][0].abs().sum().item<float>(), 0.0f);  // the masked map gets no gradient
}

// ---- all masked -------------------------------------------------------------

TEST(LossesMasking, NothingLabeledGivesExactlyZeroAndBackwardStillWorks) {
  const int64_t B = 2, K = 3, H = 4, W = 4;
  torch::Tensor targets = uniform({B, K, H, W}, 7);
  torch::Tensor none = torch::zeros({B, K});
  torch::Tensor perm = torch::tensor({0, 2, 1}, torch::kLong);
  torch::Tensor coords = uniform({B, K, 2}, 8) * 64;

  using LossFn = std::function<torch::Tensor(const torch::Tensor&)>;
  std::vector<std::pair<std::string, LossFn>> losses = {
      {"heatmap_bce", [&](const torch::Tensor& x) { return heatmap_bce(x, targets, none); }},
      {"heatmap_mse", [&](const torch::Tensor& x) { return heatmap_mse(x, targets, none); }},
      {"mirrored_joint_loss", [&](const torch::Tensor& x) { return mirrored_joint_loss(x, targets, none, perm); }},
  };
  for (const auto& [name, fn] : losses) {
    torch::Tensor logits = normal({B, K, H, W}, 9).requires_grad_(true);
    torch::Tensor loss = fn(logits);
    EXPECT_EQ(loss.dim(), 0) << name;
    EXPECT_EQ(value(loss), 0.0f) << name;
    ASSERT_TRUE(loss.requires_grad()) << name;
    loss.backward();
    ASSERT_TRUE(logits.grad().defined()) << name;
    EXPECT_EQ(logits.grad().abs().sum().item<float>(), 0.0f) << name;
  }
  for (const char* kind : {"mse", "l1", "smooth_l1"}) {
    torch::Tensor pred = (uniform({B, K, 2}, 10) * 64).requires_grad_(true);
    torch::Tensor loss = coord_loss(pred, coords, none, 64, kind);
    EXPECT_EQ(value(loss), 0.0f) << kind;
    ASSERT_TRUE(loss.requires_grad()) << kind;
    loss.backward();
    ASSERT_TRUE(pred.grad().defined()) << kind;
    EXPECT_EQ(pred.grad().abs().sum().item<float>(), 0.0f) << kind;
  }
}

// ---- mirrored_joint_loss ----------------------------------------------------

// Three joints: 0 has no partner (a nose), 1 and 2 are a left/right pair.
struct MirrorCase {
  torch::Tensor perm = torch::tensor({0, 2, 1}, torch::kLong);
  torch::Tensor targets = torch::zeros({1, 3, 8, 8});
  torch::Tensor logits = torch::full({1, 3, 8, 8}, -20.0f);
  torch::Tensor weights = torch::ones({1, 3});
  MirrorCase() {
    targets[0][0][5][4] = 1.0f;  // nose
    targets[0][1][2][2] = 1.0f;  // left at (row 2, col 2)
    targets[0][2][2][6] = 1.0f;  // right at (row 2, col 6)
    logits[0][1][2][2] = 10.0f;  // each map peaks on its own joint
    logits[0][2][2][6] = 10.0f;
    logits[0][0][5][4] = 10.0f;
  }
  float loss() const { return value(mirrored_joint_loss(logits, targets, weights, perm)); }
};

TEST(LossesMirrored, NoMassAtThePartnerGivesZero) {
  MirrorCase c;
  // Left map at the right joint and right map at the left joint: logit -20 each,
  // weight 1 each: softplus(-20).
  EXPECT_NEAR(c.loss(), softplus(-20.0), 1e-12);
  c.logits[0][1][2][6] = -100.0f;
  c.logits[0][2][2][2] = -100.0f;
  EXPECT_NEAR(c.loss(), 0.0, 1e-30);
}

TEST(LossesMirrored, LeftMapPeakingAtTheRightJointCostsSoftplusOfItsLogit) {
  MirrorCase c;
  const float before = c.loss();
  c.logits[0][1][2][6] = 5.0f;  // left map also fires where the right joint is
  // (1 x softplus(5) + 1 x softplus(-20)) / (1 + 1)
  EXPECT_NEAR(c.loss(), (softplus(5.0) + softplus(-20.0)) / 2, 1e-5);
  EXPECT_GT(c.loss(), before + 2.0f);
  // Where the left map puts mass elsewhere (not at the partner) costs nothing.
  MirrorCase d;
  d.logits[0][1][7][7] = 8.0f;
  EXPECT_EQ(d.loss(), before);
}

TEST(LossesMirrored, WeightsByThePartnersGaussianAndSkipsUnpairedAndUnlabeledPartners) {
  MirrorCase c;
  c.targets[0][2][2][7] = 0.5f;  // the right joint's Gaussian tail
  c.logits[0][1][2][6] = 1.0f;
  c.logits[0][1][2][7] = -2.0f;
  const double expected = (1.0 * softplus(1.0) + 0.5 * softplus(-2.0) + 1.0 * softplus(-20.0)) / 2.5;
  EXPECT_NEAR(c.loss(), expected, 1e-6);

  // The nose has no partner: its map never matters, wherever it fires.
  MirrorCase n = c;
  n.logits = c.logits.clone();
  n.logits[0][0] = 15.0f;
  EXPECT_EQ(n.loss(), c.loss());

  // The right joint unlabeled: the left map is no longer penalised (its weight
  // was the right joint's map), and the right map still is (the left is labeled).
  MirrorCase u = c;
  u.weights = torch::tensor({{1.f, 1.f, 0.f}});
  EXPECT_NEAR(u.loss(), softplus(-20.0), 1e-9);
  // ...and the unlabeled joint's own target map no longer matters either.
  u.targets = c.targets.clone();
  u.targets[0][2][4][4] = 1.0f;
  EXPECT_NEAR(u.loss(), softplus(-20.0), 1e-9);
}

TEST(LossesMirrored, SwappedPredictionsFromTheCodecCostMoreThanCorrectOnes) {
  HeatmapCodec codec{64, 32, 1.5f};
  torch::Tensor kp = torch::tensor({32.f, 20.f, 20.f, 40.f, 44.f, 40.f}).view({1, 3, 2});  // nose, left, right
  auto [targets, weights] = codec.encode(kp, torch::ones({1, 3}));
  torch::Tensor perm = torch::tensor({0, 2, 1}, torch::kLong);
  torch::Tensor correct = targets * 12 - 6;  // high where the joint is, low elsewhere
  torch::Tensor swapped = correct.index_select(1, perm);
  const float good = value(mirrored_joint_loss(correct, targets, weights, perm));
  const float bad = value(mirrored_joint_loss(swapped, targets, weights, perm));
  EXPECT_LT(good, 0.01f);
  EXPECT_GT(bad, 1.0f);
}

TEST(LossesMirrored, GradientReachesOnlyPixelsWhereThePartnerIs) {
  MirrorCase c;
  torch::Tensor logits = c.logits.clone().requires_grad_(true);
  mirrored_joint_loss(logits, c.targets, c.weights, c.perm).backward();
  torch::Tensor g = logits.grad();
  ASSERT_TRUE(g.defined());
  // d/dx softplus(x) = sigmoid(x), divided by the weight sum 2.
  EXPECT_NEAR(g[0][1][2][6].item<float>(), sigmoid(-20.0) / 2, 1e-12);
  EXPECT_NEAR(g[0][2][2][2].item<float>(), sigmoid(-20.0) / 2, 1e-12);
  EXPECT_EQ(g[0][0].abs().sum().item<float>(), 0.0f);
  EXPECT_EQ(g[0][1][2][2].item<float>(), 0.0f);  // the left map at its own joint
  EXPECT_EQ(g.ne(0).sum().item<int64_t>(), 2);
}

// ---- coord_loss -------------------------------------------------------------

// Joint 0: pred (60, 30), target (50, 50): a difference of (10, -20) pixels,
// (0.1, -0.2) at input size 100. Joint 1 is masked and far off.
struct CoordCase {
  torch::Tensor pred = torch::tensor({60.f, 30.f, 0.f, 0.f}).view({1, 2, 2});
  torch::Tensor target = torch::tensor({50.f, 50.f, 99.f, 99.f}).view({1, 2, 2});
  torch::Tensor weights = torch::tensor({{1.f, 0.f}});
  float loss(const std::string& kind, double size = 100) const {
    return value(coord_loss(pred, target, weights, size, kind));
  }
};

TEST(LossesCoord, GoldenValuesForEachKind) {
  CoordCase c;
  EXPECT_NEAR(c.loss("mse"), (0.01 + 0.04) / 2, 1e-7);
  EXPECT_NEAR(c.loss("l1"), (0.1 + 0.2) / 2, 1e-7);
  // Both |d| > beta = 0.01: the linear branch |d| - beta / 2.
  EXPECT_NEAR(c.loss("smooth_l1"), ((0.1 - 0.005) + (0.2 - 0.005)) / 2, 1e-7);
}

TEST(LossesCoord, MaskedJointsContributeNothing) {
  CoordCase c;
  CoordCase moved;
  moved.pred[0][1][0] = 1000.0f;
  moved.pred[0][1][1] = -1000.0f;
  for (const char* kind : {"mse", "l1", "smooth_l1"}) EXPECT_EQ(moved.loss(kind), c.loss(kind)) << kind;
  // Two labeled joints: the mean over 4 coordinates.
  CoordCase both;
  both.weights = torch::ones({1, 2});
  both.pred[0][1][0] = 99.0f;
  both.pred[0][1][1] = 109.0f;  // (0, 0.1)
  EXPECT_NEAR(both.loss("l1"), (0.1 + 0.2 + 0.0 + 0.1) / 4, 1e-7);
}

TEST(LossesCoord, HalvingTheInputSizeScalesTheLoss) {
  CoordCase c;
  EXPECT_NEAR(c.loss("mse", 50) / c.loss("mse", 100), 4.0, 1e-5);
  EXPECT_NEAR(c.loss("l1", 50) / c.loss("l1", 100), 2.0, 1e-5);
  // smooth_l1 in its linear branch: (2|d| - beta/2) per coordinate.
  EXPECT_NEAR(c.loss("smooth_l1", 50), ((0.2 - 0.005) + (0.4 - 0.005)) / 2, 1e-6);
  // Scaling pixels and input size together changes nothing.
  CoordCase scaled;
  scaled.pred = c.pred * 2;
  scaled.target = c.target * 2;
  for (const char* kind : {"mse", "l1", "smooth_l1"}) {
    EXPECT_NEAR(scaled.loss(kind, 200), c.loss(kind, 100), 1e-7) << kind;
  }
}

TEST(LossesCoord, SmoothL1IsQuadraticBelowBetaAndContinuousAtIt) {
  auto smooth = [](double d_pixels, double size, torch::Tensor* grad = nullptr) {
    torch::Tensor pred = torch::tensor({d_pixels, d_pixels}, torch::kFloat64).view({1, 1, 2}).requires_grad_(true);
    torch::Tensor loss = coord_loss(pred, torch::zeros({1, 1, 2}, torch::kFloat64), torch::ones({1, 1}), size,
                                    "smooth_l1");
    loss.backward();
    if (grad) *grad = pred.grad()[0][0][0];
    return loss.item<double>();
  };
  // d = 0.3 / 100 = 0.003 < beta: 0.5 d^2 / beta.
  EXPECT_NEAR(smooth(0.3, 100), 0.5 * 0.003 * 0.003 / 0.01, 1e-12);
  // Either side of beta (1 pixel at size 100) the value and slope agree.
  torch::Tensor g_below, g_above;
  const double below = smooth(1.0 - 1e-7, 100, &g_below);
  const double above = smooth(1.0 + 1e-7, 100, &g_above);
  EXPECT_NEAR(below, 0.005, 1e-8);
  EXPECT_NEAR(above, 0.005, 1e-8);
  EXPECT_NEAR(below, above, 1e-8);
  // d loss / d pred = slope (1 at beta) / size / 2 coordinates.
  EXPECT_NEAR(g_below.item<double>(), 1.0 / 100 / 2, 1e-7);
  EXPECT_NEAR(g_above.item<double>(), 1.0 / 100 / 2, 1e-7);
}

TEST(LossesCoord, RejectsUnknownKindsAndBadSizes) {
  CoordCase c;
  expect_error_with([&] { c.loss("huber"); }, {"coord_loss", "kind", "mse, l1 or smooth_l1", "'huber'"});
  expect_error_with([&] { c.loss("mse", 0); }, {"coord_loss", "input_size", "> 0", "found 0"});
  expect_error_with([&] { coord_loss(c.pred, c.target.view({1, 4}), c.weights, 100, "mse"); },
                    {"coord_loss", "target", "[1, 2, 2]", "[1, 4]"});
  expect_error_with([&] { coord_loss(c.pred, c.target, torch::ones({2}), 100, "mse"); },
                    {"coord_loss", "weights", "[1, 2]", "found [2]"});
  expect_error_with([&] { coord_loss(c.pred.view({1, 4}), c.target, c.weights, 100, "mse"); },
                    {"coord_loss", "pred", "B x K x 2", "[1, 4]"});
}

// ---- visibility_bce -----------------------------------------------------------

TEST(LossesVisibility, PlainMeanBceWithLogits) {
  torch::Tensor logits = torch::tensor({{0.5f, -1.0f, 2.0f}, {0.0f, 3.0f, -0.25f}});
  torch::Tensor targets = torch::tensor({{1, 0, 1}, {0, 0, 1}}, torch::kUInt8);
  const double expected =
      (bce(0.5, 1) + bce(-1, 0) + bce(2, 1) + bce(0, 0) + bce(3, 0) + bce(-0.25, 1)) / 6;
  EXPECT_NEAR(value(visibility_bce(logits, targets)), expected, 1e-6);
  EXPECT_NEAR(value(visibility_bce(logits, targets.to(torch::kFloat32))), expected, 1e-6);
  expect_error_with([&] { visibility_bce(logits, targets.view({6})); }, {"visibility_bce", "targets", "[2, 3]"});
  expect_error_with([&] { visibility_bce(logits.view({1, 2, 3}), targets); }, {"visibility_bce", "logits", "2-d"});
}

// ---- gradients and argument checks --------------------------------------------

// ---- heatmap_focal -----------------------------------------------------------

TEST(LossesFocal, OnePixelIsItsBceTimesTheSquaredGap) {
  torch::Tensor x = torch::tensor({0.3f}).view({1, 1, 1, 1}), t = torch::tensor({0.7f}).view({1, 1, 1, 1});
  torch::Tensor w = torch::ones({1, 1});
  const double gap = std::abs(0.7 - sigmoid(0.3));
  EXPECT_NEAR(value(heatmap_focal(x, t, w)), bce(0.3, 0.7) * gap * gap, 1e-6);
  EXPECT_NEAR(value(heatmap_focal(x, t, w, 0.0)), bce(0.3, 0.7), 1e-6) << "gamma 0 is plain BCE";
  EXPECT_NEAR(value(heatmap_focal(x, t, w, 0.0)), value(heatmap_bce(x, t, w)), 1e-7);
}

TEST(LossesFocal, AnEasyBackgroundPixelWeighsFarLessThanInBce) {
  // A background pixel predicted at 0.05 (easy) and a joint pixel predicted at 0.3 (hard).
  torch::Tensor x = torch::tensor({std::log(0.05f / 0.95f), std::log(0.3f / 0.7f)}).view({1, 1, 1, 2});
  torch::Tensor t = torch::tensor({0.f, 1.f}).view({1, 1, 1, 2});
  torch::Tensor w = torch::ones({1, 1});
  torch::Tensor xb = x.clone().requires_grad_(true), xf = x.clone().requires_grad_(true);
  heatmap_bce(xb, t, w).backward();
  heatmap_focal(xf, t, w).backward();
  const double bce_ratio = xb.grad().flatten()[0].abs().item<double>() / xb.grad().flatten()[1].abs().item<double>();
  const double focal_ratio = xf.grad().flatten()[0].abs().item<double>() / xf.grad().flatten()[1].abs().item<double>();
  EXPECT_LT(focal_ratio, bce_ratio / 10) << "easy pixel's pull relative to the hard one";
}

TEST(LossesFocal, MaskedJointsContributeNothingAndNegativeGammaIsRefused) {
  torch::Tensor x = normal({1, 2, 3, 3}, 41), t = uniform({1, 2, 3, 3}, 42);
  torch::Tensor only_first = torch::tensor({{1.f, 0.f}});
  EXPECT_NEAR(value(heatmap_focal(x, t, only_first)),
              value(heatmap_focal(x.narrow(1, 0, 1), t.narrow(1, 0, 1), torch::ones({1, 1}))), 1e-7);
  expect_error_with([&] { heatmap_focal(x, t, only_first, -1.0); }, {"heatmap_focal", "gamma", "-1"});
}

TEST(LossesGradients, EveryLossBackpropagatesFiniteGradients) {
  const int64_t B = 2, K = 3, H = 5, W = 5;
  torch::Tensor targets = uniform({B, K, H, W}, 11);
  torch::Tensor weights = torch::tensor({{1.f, 1.f, 1.f}, {1.f, 0.f, 1.f}});
  torch::Tensor perm = torch::tensor({0, 2, 1}, torch::kLong);
  auto check = [](const std::string& name, const torch::Tensor& leaf, torch::Tensor loss) {
    ASSERT_TRUE(loss.requires_grad()) << name;
    EXPECT_TRUE(std::isfinite(value(loss))) << name;
    loss.backward();
    ASSERT_TRUE(leaf.grad().defined()) << name;
    EXPECT_TRUE(torch::isfinite(leaf.grad()).all().item<bool>()) << name;
    EXPECT_GT(leaf.grad().abs().sum().item<float>(), 0.0f) << name;
  };
  {
    torch::Tensor x = normal({B, K, H, W}, 12).requires_grad_(true);
    check("heatmap_bce", x, heatmap_bce(x, targets, weights));
  }
  {
    torch::Tensor x = normal({B, K, H, W}, 13).requires_grad_(true);
    check("heatmap_mse", x, heatmap_mse(x, targets, weights));
  }
  {
    torch::Tensor x = normal({B, K, H, W}, 14).requires_grad_(true);
    check("mirrored_joint_loss", x, mirrored_joint_loss(x, targets, weights, perm));
  }
  {
    torch::Tensor x = normal({B, K, H, W}, 19).requires_grad_(true);
    check("heatmap_focal", x, heatmap_focal(x, targets, weights));
  }
  for (const char* kind : {"mse", "l1", "smooth_l1"}) {
    torch::Tensor p = (uniform({B, K, 2}, 15) * 64).requires_grad_(true);
    check(kind, p, coord_loss(p, uniform({B, K, 2}, 16) * 64, weights, 64, kind));
  }
  {
    torch::Tensor x = normal({B, K}, 17).requires_grad_(true);
    check("visibility_bce", x, visibility_bce(x, uniform({B, K}, 18).round()));
  }
}

TEST(LossesArguments, ShapeMismatchesNameTheArgumentAndBothShapes) {
  torch::Tensor logits = torch::zeros({1, 2, 4, 4});
  torch::Tensor targets = torch::zeros({1, 2, 4, 4});
  torch::Tensor w = torch::ones({1, 2});
  expect_error_with([&] { heatmap_bce(logits, torch::zeros({1, 2, 4, 5}), w); },
                    {"heatmap_bce", "targets", "[1, 2, 4, 4]", "[1, 2, 4, 5]"});
  expect_error_with([&] { heatmap_mse(logits, targets, torch::ones({1, 3})); },
                    {"heatmap_mse", "weights", "[1, 2]", "found [1, 3]"});
  expect_error_with([&] { heatmap_bce(torch::zeros({2, 4, 4}), targets, w); },
                    {"heatmap_bce", "logits", "4-d", "[2, 4, 4]"});
  expect_error_with([&] { mirrored_joint_loss(logits, targets, w, torch::tensor({1, 0, 2}, torch::kLong)); },
                    {"mirrored_joint_loss", "flip_perm", "[2]", "found [3]"});
  expect_error_with([&] { mirrored_joint_loss(logits, targets, w, torch::tensor({0, 5}, torch::kLong)); },
                    {"mirrored_joint_loss", "flip_perm", "[0, 1]", "[0, 5]"});
  expect_error_with([&] { mirrored_joint_loss(logits, targets, w, torch::tensor({0.f, 1.f})); },
                    {"mirrored_joint_loss", "flip_perm", "integer"});
}

}  // namespace
}  // namespace kplab
