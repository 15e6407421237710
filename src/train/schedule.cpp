// Learning-rate schedules: a linear warm-up from 0 to the base lr, then
// constant, step decay or cosine decay to base x min_lr_ratio.
#include "train/schedule.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace kplab {

namespace {

const double kPi = std::acos(-1.0);

void check_config(const ScheduleConfig& s) {
  KP_CHECK(s.type == "constant" || s.type == "step" || s.type == "cosine",
           "schedule.type: expected constant, step or cosine, found '", s.type, "'");
  KP_CHECK(s.warmup_steps >= 0, "schedule.warmup_steps: expected >= 0, found ", s.warmup_steps);
  KP_CHECK(s.step_size > 0, "schedule.step_size: expected > 0, found ", s.step_size);
  KP_CHECK(std::isfinite(s.gamma) && s.gamma >= 0, "schedule.gamma: expected >= 0, found ", s.gamma);
  KP_CHECK(std::isfinite(s.min_lr_ratio) && s.min_lr_ratio >= 0 && s.min_lr_ratio <= 1,
           "schedule.min_lr_ratio: expected a value in [0, 1], found ", s.min_lr_ratio);
}

}  // namespace

double learning_rate(const ScheduleConfig& s, double base_lr, int64_t step, int64_t total_steps) {
  check_config(s);
  KP_CHECK(std::isfinite(base_lr) && base_lr >= 0, "learning_rate: base_lr: expected >= 0, found ", base_lr);
  KP_CHECK(step >= 0, "learning_rate: step: expected >= 0, found ", step);
  KP_CHECK(total_steps >= 0, "learning_rate: total_steps: expected >= 0, found ", total_steps);

  if (step < s.warmup_steps) {
    return base_lr * static_cast<double>(step + 1) / static_cast<double>(s.warmup_steps);
  }
  const int64_t t = step - s.warmup_steps;
  if (s.type == "constant") return base_lr;
  if (s.type == "step") return base_lr * std::pow(s.gamma, static_cast<double>(t / s.step_size));

  // cosine: base at t = 0, the floor from t = T on.
  const int64_t T = std::max<int64_t>(total_steps - s.warmup_steps, 1);
  const double min_lr = base_lr * s.min_lr_ratio;
  const double progress = static_cast<double>(std::min(t, T)) / static_cast<double>(T);
  return min_lr + (base_lr - min_lr) * 0.5 * (1.0 + std::cos(kPi * progress));
}

}  // namespace kplab
