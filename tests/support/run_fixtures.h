// Reading back what a training run wrote, for the trainer's tests: the
// weights in its last.pt and the per-epoch loss column of its metrics.csv.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace kplab::test {

// Parameters saved in RUN/checkpoints/last.pt, by name, for a model built as
// create_model(model, YAML::Load(options)).
std::map<std::string, torch::Tensor> last_weights(const std::string& run_dir, const std::string& model,
                                                  const std::string& options);

// The "loss" column (the fifth) of every row of a metrics.csv after its header.
std::vector<double> epoch_losses(const std::string& metrics_csv);

}  // namespace kplab::test
