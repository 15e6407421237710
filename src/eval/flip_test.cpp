#include "eval/flip_test.h"

#include "core/error.h"

namespace kplab {

BatchPredictor flip_test_predictor(BatchPredictor inner, const std::vector<int64_t>& flip_permutation,
                                   int input_size, CoordsFromHeatmaps coords_from_heatmaps) {
  const torch::Tensor perm = torch::tensor(flip_permutation, torch::kInt64);
  return [inner = std::move(inner), perm, input_size, coords_from_heatmaps](const torch::Tensor& images) {
    BatchPrediction a = inner(images);
    BatchPrediction b = inner(images.flip({3}));
    KP_CHECK(a.coords.size(1) == perm.size(0), "flip test: expected ", perm.size(0),
             " keypoints (the schema's flip permutation), found ", a.coords.size(1));
    const torch::Tensor p = perm.to(b.coords.device());
    // Joint i of the original is joint perm[i] of the mirrored image, mirrored back.
    torch::Tensor back = b.coords.index_select(1, p).clone();
    back.select(2, 0).mul_(-1).add_(input_size - 1);
    BatchPrediction out;
    out.coords = (a.coords + back) / 2;
    if (a.heatmaps.defined() && b.heatmaps.defined()) {
      const torch::Tensor b_back = b.heatmaps.index_select(1, p.to(b.heatmaps.device())).flip({3});
      out.heatmaps = (a.heatmaps + b_back) / 2;
      if (coords_from_heatmaps) {
        // Back to logits (the probabilities clamped off 0 and 1, where float32's sigmoid saturates), averaged.
        auto logit = [](const torch::Tensor& prob) { return torch::logit(prob.to(torch::kFloat32), 1e-6); };
        out.coords = coords_from_heatmaps((logit(a.heatmaps) + logit(b_back)) / 2).to(a.coords.device());
      }
    }
    return out;
  };
}

}  // namespace kplab
