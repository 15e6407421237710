// How long a run trained, for the model card and the ablation table.
#pragma once

#include <string>

namespace kplab {

// Seconds spent training: the sum of RUN/metrics.csv's per-epoch times, so
// it stays right across resumes (start-up and pauses between runs excluded).
double training_seconds(const std::string& run);

}  // namespace kplab
