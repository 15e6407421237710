#include "run/training_time.h"

#include <fstream>

namespace kplab {

double training_seconds(const std::string& run) {
  std::ifstream in(run + "/metrics.csv");
  std::string line;
  double total = 0;
  std::getline(in, line);  // header
  while (std::getline(in, line))
    if (!line.empty()) total += std::stod(line.substr(line.rfind(',') + 1));
  return total;
}

}  // namespace kplab
