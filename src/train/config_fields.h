// The keys of the experiment's config structs, each declared once: the
// reader (train/experiment.cpp) takes the allowed keys, validation and
// defaults from these tables, and experiment_yaml() writes the same keys
// back. A new augmentation option or optimizer setting is one entry here
// (plus its member in the struct); a new loss term is one entry in
// train/loss_terms.cpp, which the loss table here follows.
#pragma once

#include "data/augment.h"
#include "train/config_reader.h"
#include "train/experiment.h"
#include "train/schedule.h"

namespace kplab {

const ConfigFields<AugmentOptions>& augmentation_fields();  // data.augmentation
const ConfigFields<LossConfig>& loss_fields();              // phases[].loss
const ConfigFields<OptimizerConfig>& optimizer_fields();    // phases[].optimizer
const ConfigFields<ScheduleConfig>& schedule_fields();      // phases[].schedule

}  // namespace kplab
