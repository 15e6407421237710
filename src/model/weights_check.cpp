#include "model/weights_check.h"

namespace kplab {

std::string first_nonfinite_parameter(const torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  for (const auto& p : model.named_parameters())
    if (!torch::isfinite(p.value()).all().item<bool>()) return p.key();
  for (const auto& b : model.named_buffers())
    if (b.value().is_floating_point() && !torch::isfinite(b.value()).all().item<bool>()) return b.key();
  return "";
}

}  // namespace kplab
