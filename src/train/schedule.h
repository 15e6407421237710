// Learning-rate schedules as pure functions of the step (nanoGPT's get_lr):
// a linear warm-up from 0, then constant, step decay or cosine decay.
#pragma once

#include <cstdint>
#include <string>

namespace kplab {

struct ScheduleConfig {
  std::string type = "constant";  // constant | step | cosine
  int64_t warmup_steps = 0;       // linear ramp 0 -> base lr over these steps
  int64_t step_size = 1000;       // step: multiply by gamma every step_size steps (after warm-up)
  double gamma = 0.1;             // step: decay factor
  double min_lr_ratio = 0.0;      // cosine: floor as a fraction of the base lr
};

// lr at `step` (0-based) of a phase with `total_steps` steps.
double learning_rate(const ScheduleConfig& s, double base_lr, int64_t step, int64_t total_steps);

}  // namespace kplab
