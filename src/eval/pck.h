// PCK as a pure function: the share of labeled joints whose predicted
// position lies within alpha x a reference length of the truth. The
// reference is the distance between two joints of the truth (LSP protocol:
// PCK uses left shoulder to right hip, PCKh neck to head top); samples whose
// reference joints are not both labeled, or coincide, are excluded and counted.
#pragma once

#include <torch/torch.h>

#include <array>
#include <vector>

namespace kplab {

struct PckResult {
  double mean = 0.0;               // over all counted joints (0 when none)
  std::vector<double> per_joint;   // K values; -1 where a joint was never counted
  int64_t joints_counted = 0;
  int64_t samples_used = 0;
  int64_t samples_excluded = 0;    // reference length unavailable or zero
};

// pred, truth N x K x 2 (same units), visible N x K (nonzero = labeled).
// A joint is correct when its distance is <= alpha x reference length.
PckResult pck(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
              std::array<int, 2> reference, double alpha);

// Left/right swaps: of the labeled joints whose mirror partner (flip[k] != k)
// is labeled too, in samples with a usable reference, the share predicted
// within alpha x reference of the partner's truth but not of their own: the
// model found the limb and picked the wrong side.
struct SwapResult {
  double rate = 0.0;             // swapped / joints_counted (0 when none)
  int64_t swapped = 0;
  int64_t joints_counted = 0;
};
SwapResult left_right_swaps(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
                            const std::vector<int64_t>& flip, std::array<int, 2> reference, double alpha);

// Swap-forgiving PCK: each person is scored against the better of its
// labelled truth and its mirrored truth (left and right joints exchanged by
// `flip`), whichever gives more correct joints; the reference length stays
// the labelled one. It forgives a whole-person left/right exchange, the
// mistake crowd-sourced labels make (LSPET) and a front/back-confused model
// makes, but not a single limb on the wrong side. Reported beside the strict
// PCK, never instead of it. per_joint is indexed by the predicted joint.
struct SwapForgivingPck {
  PckResult pck;
  int64_t samples_mirrored = 0;  // persons scored against the mirrored truth
};
SwapForgivingPck pck_swap_forgiving(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
                                    const std::vector<int64_t>& flip, std::array<int, 2> reference, double alpha);

}  // namespace kplab
