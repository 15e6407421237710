// Which parameters a phase trains. A pattern matches a parameter name
// exactly, as a module-path prefix ("backbone" matches "backbone.conv1.weight")
// or as a glob with '*' ("regression.tail.*"). Everything else is frozen
// (requires_grad false, and left out of the optimizer).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace kplab {

bool matches_pattern(const std::string& name, const std::string& pattern);

// Sets requires_grad on every parameter of `model` by the patterns and
// returns the trainable ones in the model's order. A pattern that matches
// no parameter fails (a typo must not silently freeze everything), naming it
// and the top-level groups; `where` names the config field in the message.
std::vector<torch::Tensor> set_trainable(torch::nn::Module& model, const std::vector<std::string>& patterns,
                                         const std::string& where);

}  // namespace kplab
