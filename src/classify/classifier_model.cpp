#include "classify/classifier_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/error.h"

namespace kplab::classify {

torch::Tensor ClassifierModel::standardise(const torch::Tensor& x) const {
  KP_CHECK(x.dim() == 2 && x.size(1) == num_features(), "classifier: expected N x ", num_features(),
           " features, found ", x.sizes());
  return (x - mean) / std;
}

torch::Tensor ClassifierModel::logits_from_z(const torch::Tensor& z) const {
  KP_CHECK(!layers.empty(), "classifier: the model has no layers");
  torch::Tensor h = torch::nn::functional::linear(z, layers[0].weight, layers[0].bias);
  for (size_t i = 1; i < layers.size(); ++i)
    h = torch::nn::functional::linear(torch::relu(h), layers[i].weight, layers[i].bias);
  return h.reshape({-1});
}

torch::Tensor ClassifierModel::probabilities(const torch::Tensor& x) const {
  return torch::sigmoid(logits_from_z(standardise(x)));
}

void fit_standardisation(const torch::Tensor& x, torch::Tensor& mean, torch::Tensor& std) {
  KP_CHECK(x.dim() == 2 && x.size(0) > 0, "classifier: standardisation needs at least one row");
  mean = x.mean(0);
  // Population std (divide by N): defined for one row too, and what the
  // graph's (x - mean) / std reproduces whatever N was.
  std = x.std(0, /*unbiased=*/false);
  std = torch::where(std > 1e-12, std, torch::ones_like(std));
}

std::vector<LinearLayer> init_layers(const std::string& kind, int features, int hidden, uint64_t seed) {
  check_kind(kind, "model", "kind");
  at::Generator gen = at::detail::createCPUGenerator(seed);
  auto layer = [&](int64_t in, int64_t out) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    LinearLayer l;
    l.weight = (torch::rand({out, in}, gen, torch::kFloat32) * 2 - 1) * bound;
    l.bias = (torch::rand({out}, gen, torch::kFloat32) * 2 - 1) * bound;
    return l;
  };
  if (kind == "logistic") return {layer(features, 1)};
  KP_CHECK(hidden > 0, "--hidden: expected a width >= 1, found ", hidden);
  return {layer(features, hidden), layer(hidden, 1)};
}

void check_kind(const std::string& kind, const std::string& where, const std::string& field) {
  if (kind != "logistic" && kind != "mlp") throw input_error(where, field, "logistic or mlp", "'" + kind + "'");
}

}  // namespace kplab::classify
