// The fused Adam and AdamW steps against LibTorch's own: the same parameters
// after several steps (weight decay, amsgrad, a channels-last convolution
// weight, a parameter without a gradient), and a state that either
// optimizer can load and continue from.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>
#include <vector>

#include "train/fused_adam.h"

namespace kplab {
namespace {

// Parameters of the shapes training sees: a channels-last 4-D weight, a
// bias, a matrix, and one that never gets a gradient (a frozen tensor left in
// the group).
std::vector<torch::Tensor> make_params(uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<torch::Tensor> p = {
      torch::randn({24, 8, 3, 3}).contiguous(torch::MemoryFormat::ChannelsLast).requires_grad_(),
      torch::randn({24}).requires_grad_(),
      torch::randn({14, 37}).requires_grad_(),
      torch::randn({5}).requires_grad_(),
  };
  return p;
}

// The same pseudo-random gradients for both optimizers at every step; the
// last parameter gets none. At odd steps the 4-D weight's gradient comes in
// the default (NCHW) layout, unlike its channels-last parameter.
void set_grads(std::vector<torch::Tensor>& params, int step) {
  torch::manual_seed(1000 + step);
  for (size_t i = 0; i + 1 < params.size(); ++i) {
    torch::NoGradGuard g;
    torch::Tensor grad = torch::randn_like(params[i]) * (1.0 + step);
    if (step % 2 == 1) grad = grad.contiguous();
    params[i].mutable_grad() = grad;
  }
}

template <typename Reference, typename Fused, typename Options>
void expect_same_trajectory(const Options& options) {
  auto ref_params = make_params(7), fused_params = make_params(7);
  Reference ref(ref_params, options);
  Fused fused(fused_params, options);
  for (int step = 0; step < 6; ++step) {
    set_grads(ref_params, step);
    set_grads(fused_params, step);
    ref.step();
    fused.step();
  }
  for (size_t i = 0; i < ref_params.size(); ++i) {
    EXPECT_TRUE(torch::allclose(fused_params[i], ref_params[i], /*rtol=*/1e-5, /*atol=*/1e-6))
        << "parameter " << i << ": max difference " << (fused_params[i] - ref_params[i]).abs().max().item<double>();
    EXPECT_EQ(fused_params[i].strides(), ref_params[i].strides()) << "parameter " << i << " changed layout";
  }
  // The parameter without a gradient is untouched (no decay) and has no state.
  EXPECT_TRUE(torch::equal(fused_params.back(), make_params(7).back()));
  EXPECT_EQ(fused.state().size(), ref_params.size() - 1);
  for (size_t i = 0; i + 1 < ref_params.size(); ++i) {
    auto& s = static_cast<torch::optim::AdamParamState&>(*fused.state().at(fused_params[i].unsafeGetTensorImpl()));
    EXPECT_EQ(s.step(), 6);
  }
}

TEST(FusedAdam, MatchesLibTorchAdamWithL2Decay) {
  expect_same_trajectory<torch::optim::Adam, FusedAdam>(torch::optim::AdamOptions(3e-3).weight_decay(1e-2));
}

TEST(FusedAdam, MatchesLibTorchAdamWithAmsgrad) {
  expect_same_trajectory<torch::optim::Adam, FusedAdam>(torch::optim::AdamOptions(1e-2).amsgrad(true));
}

TEST(FusedAdam, MatchesLibTorchAdamWWithDecoupledDecay) {
  expect_same_trajectory<torch::optim::AdamW, FusedAdamW>(torch::optim::AdamWOptions(4e-3).weight_decay(1e-4));
  expect_same_trajectory<torch::optim::AdamW, FusedAdamW>(torch::optim::AdamWOptions(4e-3).weight_decay(0.1));
}

// A checkpoint's optimizer state is LibTorch's: saved by the fused optimizer
// after three steps, loaded by LibTorch's Adam (and the other way round),
// the next three steps give what six uninterrupted steps give.
template <typename From, typename To>
void expect_resume_across(const torch::optim::AdamOptions& options) {
  auto straight = make_params(3);
  torch::optim::Adam uninterrupted(straight, options);
  for (int step = 0; step < 6; ++step) {
    set_grads(straight, step);
    uninterrupted.step();
  }
  auto params = make_params(3);
  std::stringstream saved;
  {
    From first(params, options);
    for (int step = 0; step < 3; ++step) {
      set_grads(params, step);
      first.step();
    }
    torch::serialize::OutputArchive archive;
    first.save(archive);
    archive.save_to(saved);
  }
  To second(params, options);
  torch::serialize::InputArchive archive;
  archive.load_from(saved);
  second.load(archive);
  for (int step = 3; step < 6; ++step) {
    set_grads(params, step);
    second.step();
  }
  for (size_t i = 0; i < params.size(); ++i)
    EXPECT_TRUE(torch::allclose(params[i], straight[i], 1e-5, 1e-6))
        << "parameter " << i << ": max difference " << (params[i] - straight[i]).abs().max().item<double>();
}

TEST(FusedAdam, StateLoadsIntoLibTorchAdamAndBack) {
  const auto options = torch::optim::AdamOptions(5e-3).weight_decay(1e-3);
  expect_resume_across<FusedAdam, torch::optim::Adam>(options);
  expect_resume_across<torch::optim::Adam, FusedAdam>(options);
}

}  // namespace
}  // namespace kplab
