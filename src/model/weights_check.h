// Non-finite weights (NaN, inf) make every later number silently wrong:
// training, export and evaluation refuse them by parameter name.
#pragma once

#include <torch/torch.h>

#include <string>

namespace kplab {

// The name of the first parameter or buffer holding a NaN or infinity, or "" when all are finite.
std::string first_nonfinite_parameter(const torch::nn::Module& model);

}  // namespace kplab
