// Adam and AdamW whose step updates every parameter in one pass through
// ATen's fused kernel (`_fused_adam_` / `_fused_adamw_`, CPU and CUDA)
// instead of LibTorch's per-parameter chain of about eight elementwise ops.
// BlazePose has ~300 parameter tensors; PyTorch's profiler put the unfused
// Adam step at 11% of a training step at 128² on 2 CPU cores, and fused it
// takes about a third of the time (tools/README.md, "Training speed against
// PyTorch eager").
//
// The arithmetic is Adam's (bias-corrected moments, L2 weight decay folded
// into the gradient for Adam, decoupled decay for AdamW) and the state is
// LibTorch's own AdamParamState, so save()/load() and checkpoints are the
// same as torch::optim::Adam's and a run can resume under either.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace kplab {

class FusedAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

class FusedAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace kplab
