// Flip test-time augmentation (eval/flip_test.h): the mirrored image's
// prediction comes back with x mirrored, joints swapped with their partners
// and heatmaps mirrored, and is averaged with the plain one.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "eval/flip_test.h"

namespace kplab {
namespace {

// A predictor whose output tells which image it saw: the plain one has a
// bright first column, the mirrored one a bright last column.
BatchPredictor telltale(const torch::Tensor& plain_coords, const torch::Tensor& mirrored_coords,
                        const torch::Tensor& plain_maps, const torch::Tensor& mirrored_maps) {
  return [=](const torch::Tensor& images) {
    const bool mirrored = images.select(3, 0).mean().item<float>() < images.select(3, -1).mean().item<float>();
    return mirrored ? BatchPrediction{mirrored_coords, mirrored_maps} : BatchPrediction{plain_coords, plain_maps};
  };
}

TEST(FlipTest, TheMirroredPredictionIsMappedBackAndAveraged) {
  const int s = 8;
  torch::Tensor images = torch::zeros({1, 3, s, s});
  images.select(3, 0).fill_(1);
  // Three joints: 0 and 1 are a left/right pair, 2 is its own partner (e.g. the neck).
  const std::vector<int64_t> perm = {1, 0, 2};
  torch::Tensor plain = torch::tensor({{{1.f, 2.f}, {5.f, 2.f}, {3.f, 1.f}}});
  // What the model sees mirrored: the left joint where the right one was, x mirrored (7 - x).
  torch::Tensor mirrored = torch::tensor({{{2.f, 2.f}, {6.f, 4.f}, {4.f, 3.f}}});
  torch::Tensor maps = torch::zeros({1, 3, 4, 4}), mirrored_maps = torch::zeros({1, 3, 4, 4});
  maps[0][0][1][0] = 1;           // joint 0 peaks at column 0
  mirrored_maps[0][1][1][3] = 1;  // in the mirrored image, partner 1 peaks at column 3
  BatchPrediction out = flip_test_predictor(telltale(plain, mirrored, maps, mirrored_maps), perm, s)(images);
  // Joint 0 from the mirror is mirrored joint 1 (6, 4) -> x 7 - 6 = 1; averaged with (1, 2).
  torch::Tensor want = torch::tensor({{{1.f, 3.f}, {(5.f + 5.f) / 2, (2.f + 2.f) / 2}, {(3.f + 3.f) / 2, 2.f}}});
  EXPECT_TRUE(torch::allclose(out.coords, want)) << out.coords;
  // The heatmaps: joint 0's map is the mean of its own and the mirrored partner's map flipped back.
  EXPECT_FLOAT_EQ(out.heatmaps[0][0][1][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(out.heatmaps.sum().item<float>(), 1.0f);
}

TEST(FlipTest, AnEquivariantPredictorIsUnchanged) {
  // Predicting each joint at the image's brightest column is exactly mirror-equivariant.
  const int s = 16;
  const std::vector<int64_t> perm = {0};
  BatchPredictor argmax_column = [](const torch::Tensor& images) {
    torch::Tensor col = images.mean({1, 2}).argmax(1).to(torch::kFloat32);  // B
    torch::Tensor coords = torch::stack({col, torch::zeros_like(col)}, 1).unsqueeze(1);  // B x 1 x 2
    return BatchPrediction{coords, torch::Tensor()};
  };
  torch::Tensor images = torch::zeros({2, 3, s, s});
  images[0].select(2, 3).fill_(1);
  images[1].select(2, 12).fill_(1);
  BatchPrediction plain = argmax_column(images), flipped = flip_test_predictor(argmax_column, perm, s)(images);
  EXPECT_TRUE(torch::allclose(plain.coords, flipped.coords)) << flipped.coords;
  EXPECT_FALSE(flipped.heatmaps.defined());
}

TEST(FlipTest, SoftArgmaxCoordsComeFromTheAveragedHeatmapsNotTheAveragedCoords) {
  // One unpaired joint on 1 x 4 maps; the plain prediction is sure of column 0, the
  // mirrored one (flipped back) of column 3: a left/right disagreement.
  const int s = 8;
  torch::Tensor images = torch::zeros({1, 3, s, s});
  images.select(3, 0).fill_(1);
  auto probs = [](int column) {
    torch::Tensor p = torch::full({1, 1, 1, 4}, 0.01f);
    p[0][0][0][column] = 0.99f;
    return p;
  };
  // Coords as the model gives them: an argmax-like function of its heatmap logits (column x 2 + 0.5).
  CoordsFromHeatmaps from_maps = [](const torch::Tensor& logits) {
    torch::Tensor w = torch::softmax(50 * logits.flatten(2), -1);  // B x K x 4
    torch::Tensor x = (w * (torch::arange(4, torch::kFloat32) * 2 + 0.5)).sum(-1);
    return torch::stack({x, torch::zeros_like(x)}, -1);
  };
  torch::Tensor plain_maps = probs(0), mirrored_maps = probs(0);  // the mirror's column 0 is column 3 flipped back
  plain_maps[0][0][0][3] = 0.98f;  // the plain prediction also sees column 3, a little less surely
  BatchPredictor model = telltale(from_maps(torch::logit(plain_maps)), from_maps(torch::logit(mirrored_maps)),
                                  plain_maps, mirrored_maps);
  BatchPrediction averaged_coords = flip_test_predictor(model, {0}, s)(images);
  BatchPrediction from_heatmaps = flip_test_predictor(model, {0}, s, from_maps)(images);
  // Averaging coords lands between the candidates (x ~ (0.5 + 6.5) / 2); the averaged heatmaps
  // peak at column 3 (0.985 against 0.5), whose coordinate is 6.5.
  EXPECT_NEAR(averaged_coords.coords[0][0][0].item<float>(), 3.5f, 0.1f);
  EXPECT_NEAR(from_heatmaps.coords[0][0][0].item<float>(), 6.5f, 0.05f);
  EXPECT_TRUE(torch::allclose(averaged_coords.heatmaps, from_heatmaps.heatmaps));
}

}  // namespace
}  // namespace kplab
