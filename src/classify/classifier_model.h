// The posture classifier's numbers: standardisation (the training rows'
// mean and std per feature) and one or two linear layers.
//   logistic: logit = W z + b                         (W: 1 x F)
//   mlp:      logit = W2 relu(W1 z + b1) + b2         (W1: H x F, W2: 1 x H)
// with z = (x - mean) / std. Plain tensors rather than a torch::nn module,
// so that training, the JSON file and the ONNX graph share one definition.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace kplab::classify {

struct LinearLayer {
  torch::Tensor weight;  // out x in, float32
  torch::Tensor bias;    // out, float32
};

struct ClassifierModel {
  std::string kind;                 // "logistic" or "mlp"
  int hidden = 0;                   // mlp: the hidden layer's width; logistic: 0
  torch::Tensor mean;               // F, float32
  torch::Tensor std;                // F, float32; 1 where the training rows did not vary
  std::vector<LinearLayer> layers;  // logistic: 1; mlp: 2

  int num_features() const { return static_cast<int>(mean.numel()); }
  // (x - mean) / std for raw features x (N x F).
  torch::Tensor standardise(const torch::Tensor& x) const;
  // Logits (N) from standardised features z (N x F).
  torch::Tensor logits_from_z(const torch::Tensor& z) const;
  // Probabilities of the positive class (N) from raw features (N x F).
  torch::Tensor probabilities(const torch::Tensor& x) const;
};

// Per-feature mean and std of `x` (N x F); a std of 0 (a feature constant in
// training, e.g. a joint always seen) becomes 1 so it standardises to 0.
void fit_standardisation(const torch::Tensor& x, torch::Tensor& mean, torch::Tensor& std);

// Freshly initialised layers for `kind` over F features (uniform in
// +-1/sqrt(fan_in), as torch::nn::Linear does) from its own seeded
// generator: the same seed gives the same model, whatever else used torch's RNG.
std::vector<LinearLayer> init_layers(const std::string& kind, int features, int hidden, uint64_t seed);

// Throws kplab::Error for a kind other than logistic or mlp, naming `where`
// and `field` (an option and "value", or a file and "kind").
void check_kind(const std::string& kind, const std::string& where, const std::string& field);

}  // namespace kplab::classify
