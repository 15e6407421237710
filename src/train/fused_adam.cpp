#include "train/fused_adam.h"

#include <ATen/ops/_fused_adam.h>
#include <ATen/ops/_fused_adamw.h>

#include <map>
#include <type_traits>
#include <utility>

namespace kplab {
namespace {

// One fused call's operands: tensors of one device and dtype.
struct Bucket {
  std::vector<torch::Tensor> params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps;
};

// The fused kernels treat each tensor as a flat array, so a parameter, its
// gradient and its moments must share one layout. AccumulateGrad and
// zeros_like(Preserve) give them the parameter's strides; anything else is
// copied into that layout (the gradient is only read).
torch::Tensor like_param(const torch::Tensor& t, const torch::Tensor& p) {
  if (t.strides() == p.strides()) return t;
  return torch::empty_like(p).copy_(t);
}

// Collects the group's parameters that have a gradient, creating and
// advancing their AdamParamState as torch::optim::Adam does, and runs the
// fused kernel once per (device, dtype): AdamW's for AdamWOptions.
template <typename Options>
void fused_group(torch::optim::OptimizerParamGroup& group,
                 ska::flat_hash_map<void*, std::unique_ptr<torch::optim::OptimizerParamState>>& state) {
  constexpr bool decoupled = std::is_same_v<Options, torch::optim::AdamWOptions>;
  auto& options = static_cast<Options&>(group.options());
  std::map<std::pair<int, int>, Bucket> buckets;  // (device index + type, dtype)
  // One step tensor per (device, step count): the kernels only read it.
  std::map<std::pair<int, int64_t>, torch::Tensor> step_tensors;
  for (auto& p : group.params()) {
    if (!p.grad().defined()) continue;
    TORCH_CHECK(!p.grad().is_sparse(), "Adam does not support sparse gradients");
    auto it = state.find(p.unsafeGetTensorImpl());
    if (it == state.end()) {
      auto s = std::make_unique<torch::optim::AdamParamState>();
      s->step(0);
      s->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      s->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      if (options.amsgrad()) s->max_exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      it = state.emplace(p.unsafeGetTensorImpl(), std::move(s)).first;
    }
    auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
    s.step(s.step() + 1);
    const int device = static_cast<int>(p.device().type()) * 1024 + p.device().index();
    const int dtype = static_cast<int>(p.scalar_type());
    Bucket& b = buckets[{device, dtype}];
    b.params.push_back(p);
    b.grads.push_back(like_param(p.grad(), p));
    s.exp_avg(like_param(s.exp_avg(), p));
    s.exp_avg_sq(like_param(s.exp_avg_sq(), p));
    b.exp_avgs.push_back(s.exp_avg());
    b.exp_avg_sqs.push_back(s.exp_avg_sq());
    if (options.amsgrad()) {
      s.max_exp_avg_sq(like_param(s.max_exp_avg_sq(), p));
      b.max_exp_avg_sqs.push_back(s.max_exp_avg_sq());
    }
    torch::Tensor& step = step_tensors[{device, s.step()}];
    if (!step.defined())
      step = torch::full({}, static_cast<double>(s.step()), torch::dtype(torch::kFloat32).device(p.device()));
    b.steps.push_back(step);
  }
  const auto [beta1, beta2] = options.betas();
  for (auto& [key, b] : buckets) {
    if constexpr (decoupled)
      at::_fused_adamw_(b.params, b.grads, b.exp_avgs, b.exp_avg_sqs, b.max_exp_avg_sqs, b.steps, options.lr(), beta1,
                        beta2, options.weight_decay(), options.eps(), options.amsgrad(), /*maximize=*/false);
    else
      at::_fused_adam_(b.params, b.grads, b.exp_avgs, b.exp_avg_sqs, b.max_exp_avg_sqs, b.steps, options.lr(), beta1,
                       beta2, options.weight_decay(), options.eps(), options.amsgrad(), /*maximize=*/false);
  }
}

template <typename Options>
torch::Tensor fused_step(torch::optim::Optimizer& opt, torch::optim::Optimizer::LossClosure& closure,
                         ska::flat_hash_map<void*, std::unique_ptr<torch::optim::OptimizerParamState>>& state) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : opt.param_groups()) fused_group<Options>(group, state);
  return loss;
}

}  // namespace

torch::Tensor FusedAdam::step(LossClosure closure) {
  return fused_step<torch::optim::AdamOptions>(*this, closure, state_);
}

torch::Tensor FusedAdamW::step(LossClosure closure) {
  return fused_step<torch::optim::AdamWOptions>(*this, closure, state_);
}

}  // namespace kplab
