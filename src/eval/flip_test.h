// Flip test-time augmentation: a predictor that also runs on the mirrored
// images, maps that prediction back (x -> S - 1 - x, each joint from its
// left/right partner's channel, heatmaps mirrored back) and averages the two
// (coordinates, and heatmap probabilities). The usual test-time step of
// SimpleBaseline, HRNet and MMPose's flip_test, as an option of `kplab eval`.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "eval/evaluate.h"

namespace kplab {

// `flip_permutation`: joint i's mirror partner (Schema::flip_permutation()).
// With `coords_from_heatmaps` (a model whose coords are a soft-argmax of its
// heatmaps), the coords are that function of the averaged heatmap logits:
// averaging two soft-argmax coordinates that disagree (often a left/right
// confusion) puts the joint between the two candidates.
BatchPredictor flip_test_predictor(BatchPredictor inner, const std::vector<int64_t>& flip_permutation,
                                   int input_size, CoordsFromHeatmaps coords_from_heatmaps = nullptr);

}  // namespace kplab
