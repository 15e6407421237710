#include "run/training_time.h"

#include <filesystem>

#include "train/metrics_log.h"

namespace kplab {

double training_seconds(const std::string& run) {
  const std::string path = run + "/metrics.csv";
  return std::filesystem::exists(path) ? read_metrics_log(path).sum("seconds") : 0.0;
}

}  // namespace kplab
