#include "train/mixed_precision.h"

#include <ATen/autocast_mode.h>

#include "core/error.h"

namespace kplab {

Precision parse_precision(const std::string& name, const torch::Device& device) {
  if (name == "fp32") return Precision::fp32;
  if (name == "bf16") return Precision::bf16;
  if (name == "fp16") {
    if (!device.is_cuda())
      throw input_error("--precision", "precision", "fp16 on a CUDA device (use bf16 on CPU)",
                        kplab::str("fp16 on ", device.str()));
    return Precision::fp16;
  }
  throw input_error("--precision", "precision", "fp32, bf16 or fp16", "'" + name + "'");
}

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::bf16: return "bf16";
    case Precision::fp16: return "fp16";
    default: return "fp32";
  }
}

AutocastScope::AutocastScope(Precision precision, const torch::Device& device) {
  if (precision == Precision::fp32) return;
  active_ = true;
  device_type_ = device.type();
  const at::ScalarType dtype = precision == Precision::fp16 ? at::kHalf : at::kBFloat16;
  was_enabled_ = at::autocast::is_autocast_enabled(device_type_);
  old_dtype_ = at::autocast::get_autocast_dtype(device_type_);
  at::autocast::set_autocast_dtype(device_type_, dtype);
  at::autocast::set_autocast_enabled(device_type_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  // Leaving the outermost scope drops the cache of cast weights, as
  // torch.autocast does; otherwise it would keep stale casts across steps.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(device_type_, was_enabled_);
  at::autocast::set_autocast_dtype(device_type_, old_dtype_);
}

LossScaler::LossScaler(bool enabled, double initial_scale, int64_t growth_interval)
    : enabled_(enabled), scale_(enabled ? initial_scale : 1.0), growth_interval_(growth_interval) {}

torch::Tensor LossScaler::scale(const torch::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }

bool LossScaler::unscale(const std::vector<torch::Tensor>& params) const {
  if (!enabled_) return true;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> finite;  // one flag a tensor, read back once (one device sync)
  for (const auto& p : params) {
    torch::Tensor g = p.grad();
    if (!g.defined()) continue;
    g.mul_(1.0 / scale_);
    finite.push_back(torch::isfinite(g).all());
  }
  return finite.empty() || torch::stack(finite).all().item<bool>();
}

void LossScaler::update(bool step_was_finite) {
  if (!enabled_) return;
  if (!step_was_finite) {
    scale_ = std::max(scale_ / 2, 1.0);
    clean_steps_ = 0;
    ++skipped_;
  } else if (++clean_steps_ >= growth_interval_) {
    scale_ *= 2;
    clean_steps_ = 0;
  }
}

}  // namespace kplab
