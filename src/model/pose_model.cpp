#include "model/pose_model.h"

#include "core/error.h"

namespace kplab {

void PoseModelImpl::set_memory_format(torch::MemoryFormat format) {
  KP_CHECK(format == torch::MemoryFormat::Contiguous || format == torch::MemoryFormat::ChannelsLast,
           "model: memory format: expected contiguous or channels_last, found ", format);
  torch::NoGradGuard no_grad;
  // Same tensors (optimizers keep theirs), new strides.
  for (auto& p : parameters()) {
    if (p.dim() != 4) continue;
    p.set_data(p.contiguous(format));
    if (p.grad().defined()) p.mutable_grad() = p.grad().contiguous(format);
  }
  memory_format_ = format;
}

torch::MemoryFormat parse_memory_format(const std::string& name, const torch::Device& device, const std::string& flag) {
  if (name == "channels_last") return torch::MemoryFormat::ChannelsLast;
  if (name == "contiguous") return torch::MemoryFormat::Contiguous;
  if (name == "auto") return device.is_cpu() ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  throw Error(str(flag, ": expected auto, channels_last or contiguous, found '", name, "'"));
}

std::string memory_format_name(torch::MemoryFormat format) {
  return format == torch::MemoryFormat::ChannelsLast ? "channels_last" : "contiguous";
}

int64_t count_parameters(const torch::nn::Module& module, bool trainable_only) {
  int64_t n = 0;
  for (const auto& p : module.parameters())
    if (!trainable_only || p.requires_grad()) n += p.numel();
  return n;
}

}  // namespace kplab
