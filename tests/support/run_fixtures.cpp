#include "support/run_fixtures.h"

#include <sstream>

#include "models/registry.h"
#include "support/cli_run.h"
#include "train/checkpoint.h"

namespace kplab::test {

std::map<std::string, torch::Tensor> last_weights(const std::string& run_dir, const std::string& model,
                                                  const std::string& options) {
  PoseModel m = create_model(model, YAML::Load(options));
  YAML::Emitter e;
  e << m->describe();
  load_checkpoint(run_dir + "/checkpoints/last.pt", m.get(), e.c_str(), nullptr);
  std::map<std::string, torch::Tensor> w;
  for (const auto& p : m->named_parameters()) w[p.key()] = p.value().detach().clone();
  return w;
}

std::vector<double> epoch_losses(const std::string& metrics_csv) {
  std::vector<double> out;
  std::istringstream in(slurp(metrics_csv));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string field;
    for (int i = 0; i < 5; ++i) std::getline(row, field, ',');
    out.push_back(std::stod(field));
  }
  return out;
}

}  // namespace kplab::test
