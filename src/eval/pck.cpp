#include "eval/pck.h"

#include "core/error.h"

namespace kplab {

namespace {

void check_shapes(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
                  std::array<int, 2> reference) {
  KP_CHECK(pred.sizes() == truth.sizes() && pred.dim() == 3 && pred.size(2) == 2,
           "pck: expected pred and truth N x K x 2 of equal shape, found ", pred.sizes(), " and ", truth.sizes());
  KP_CHECK(visible.dim() == 2 && visible.size(0) == pred.size(0) && visible.size(1) == pred.size(1),
           "pck: expected visible N x K, found ", visible.sizes());
  const int64_t k = pred.size(1);
  KP_CHECK(reference[0] >= 0 && reference[1] >= 0 && reference[0] < k && reference[1] < k,
           "pck: reference joints ", reference[0], ", ", reference[1], " outside 0..", k - 1);
}

// Each sample's reference length (N) and whether it can be used: both
// reference joints labeled and apart. t float64 N x K x 2, v bool N x K.
std::pair<torch::Tensor, torch::Tensor> reference_lengths(const torch::Tensor& t, const torch::Tensor& v,
                                                          std::array<int, 2> reference) {
  torch::Tensor len = (t.select(1, reference[0]) - t.select(1, reference[1])).norm(2, 1);
  return {len, v.select(1, reference[0]) & v.select(1, reference[1]) & (len > 0)};
}

// pred, truth as float64 and visible as bool, on the CPU.
struct OnCpu {
  torch::Tensor p, t, v;
};
OnCpu on_cpu(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible) {
  return {pred.detach().to(torch::kCPU, torch::kFloat64), truth.detach().to(torch::kCPU, torch::kFloat64),
          visible.detach().to(torch::kCPU) != 0};
}

// The result from N x K masks of correct and counted joints.
PckResult tally(const torch::Tensor& correct, const torch::Tensor& counted, const torch::Tensor& usable) {
  PckResult r;
  r.samples_used = usable.sum().item<int64_t>();
  r.samples_excluded = usable.size(0) - r.samples_used;
  r.joints_counted = counted.sum().item<int64_t>();
  r.mean = r.joints_counted > 0 ? correct.sum().item<double>() / r.joints_counted : 0.0;
  torch::Tensor per_count = counted.sum(0), per_correct = correct.sum(0);
  for (int64_t j = 0; j < counted.size(1); ++j) {
    int64_t c = per_count[j].item<int64_t>();
    r.per_joint.push_back(c > 0 ? per_correct[j].item<double>() / c : -1.0);
  }
  return r;
}

}  // namespace

PckResult pck(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
              std::array<int, 2> reference, double alpha) {
  check_shapes(pred, truth, visible, reference);
  const auto [p, t, v] = on_cpu(pred, truth, visible);
  auto [ref_len, usable] = reference_lengths(t, v, reference);
  torch::Tensor dist = (p - t).norm(2, 2);                                                    // N x K
  torch::Tensor counted = v & usable.unsqueeze(1);
  torch::Tensor correct = (dist <= alpha * ref_len.unsqueeze(1)) & counted;
  return tally(correct, counted, usable);
}

namespace {

torch::Tensor checked_flip(const std::vector<int64_t>& flip, int64_t k, const char* what) {
  KP_CHECK(static_cast<int64_t>(flip.size()) == k, what, ": expected a flip permutation of ", k, " joints, found ",
           flip.size());
  for (int64_t f : flip) KP_CHECK(f >= 0 && f < k, what, ": flip index ", f, " outside 0..", k - 1);
  return torch::tensor(flip, torch::kInt64);
}

}  // namespace

SwapForgivingPck pck_swap_forgiving(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
                                    const std::vector<int64_t>& flip, std::array<int, 2> reference, double alpha) {
  check_shapes(pred, truth, visible, reference);
  const int64_t k = pred.size(1);
  torch::Tensor perm = checked_flip(flip, k, "swap-forgiving PCK");
  const auto [p, t, v] = on_cpu(pred, truth, visible);
  auto [ref_len, usable] = reference_lengths(t, v, reference);
  torch::Tensor limit = alpha * ref_len.unsqueeze(1);
  torch::Tensor t_mirror = t.index_select(1, perm), v_mirror = v.index_select(1, perm);
  torch::Tensor own = ((p - t).norm(2, 2) <= limit) & v & usable.unsqueeze(1);
  torch::Tensor mirrored = ((p - t_mirror).norm(2, 2) <= limit) & v_mirror & usable.unsqueeze(1);
  torch::Tensor use_mirror = mirrored.sum(1) > own.sum(1);                                    // N
  torch::Tensor correct = torch::where(use_mirror.unsqueeze(1), mirrored, own);
  torch::Tensor counted = torch::where(use_mirror.unsqueeze(1), v_mirror, v) & usable.unsqueeze(1);

  return {tally(correct, counted, usable), use_mirror.sum().item<int64_t>()};
}

SwapResult left_right_swaps(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& visible,
                            const std::vector<int64_t>& flip, std::array<int, 2> reference, double alpha) {
  check_shapes(pred, truth, visible, reference);
  const int64_t k = pred.size(1);
  torch::Tensor perm = checked_flip(flip, k, "left/right swaps");
  const auto [p, t, v] = on_cpu(pred, truth, visible);
  torch::Tensor has_partner = perm != torch::arange(k, torch::kInt64);                   // K
  auto [ref_len, usable] = reference_lengths(t, v, reference);
  torch::Tensor counted = v & v.index_select(1, perm) & has_partner.unsqueeze(0) & usable.unsqueeze(1);
  torch::Tensor limit = alpha * ref_len.unsqueeze(1);
  torch::Tensor own = (p - t).norm(2, 2) <= limit;
  torch::Tensor partner = (p - t.index_select(1, perm)).norm(2, 2) <= limit;
  SwapResult r;
  r.joints_counted = counted.sum().item<int64_t>();
  r.swapped = (counted & partner & ~own).sum().item<int64_t>();
  r.rate = r.joints_counted > 0 ? static_cast<double>(r.swapped) / r.joints_counted : 0.0;
  return r;
}

}  // namespace kplab
