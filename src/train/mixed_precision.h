// Mixed precision for training: an autocast scope around the forward pass
// and, for float16, a dynamic loss scaler (LibTorch 1.13's C++ API has
// autocast but no GradScaler).
//
//   fp32  no autocast (the default; the only mode with bit-exact resume)
//   bf16  autocast to bfloat16 on CPU or CUDA; no scaling needed (same
//         exponent range as float32)
//   fp16  autocast to float16, CUDA only, with loss scaling: the loss is
//         multiplied by `scale` before backward, gradients are divided by it
//         before the optimizer step; a step whose gradients overflowed is
//         skipped and the scale halved; after `growth_interval` clean steps
//         the scale doubles.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace kplab {

enum class Precision { fp32, bf16, fp16 };

// "fp32" | "bf16" | "fp16"; fp16 needs a CUDA device. Errors name the flag.
Precision parse_precision(const std::string& name, const torch::Device& device);
const char* precision_name(Precision p);

// Autocast enabled for the device's type while in scope (nestable).
class AutocastScope {
 public:
  AutocastScope(Precision precision, const torch::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false, was_enabled_ = false;
  at::DeviceType device_type_ = at::kCPU;
  at::ScalarType old_dtype_ = at::kFloat;
};

class LossScaler {
 public:
  // Disabled (scale 1, never skips) unless `enabled`.
  explicit LossScaler(bool enabled, double initial_scale = 65536.0, int64_t growth_interval = 2000);

  torch::Tensor scale(const torch::Tensor& loss) const;
  // Divides the gradients of `params` by the scale; returns false (and the
  // caller must skip the optimizer step) when any is inf or NaN. Call
  // update() after every step, skipped or not.
  bool unscale(const std::vector<torch::Tensor>& params) const;
  void update(bool step_was_finite);

  bool enabled() const { return enabled_; }
  double current_scale() const { return scale_; }
  void set_scale(double s) { scale_ = s; }
  int64_t skipped_steps() const { return skipped_; }

 private:
  bool enabled_;
  double scale_;
  int64_t growth_interval_, clean_steps_ = 0, skipped_ = 0;
};

}  // namespace kplab
