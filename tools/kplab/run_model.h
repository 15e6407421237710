// A training run's model, rebuilt from its checkpoint (the architecture is
// read from the checkpoint itself) for the verbs that use trained weights.
#pragma once

#include <string>

#include "model/pose_model.h"
#include "train/checkpoint.h"

namespace kplab::cli {

struct RunModel {
  PoseModel model;
  std::string checkpoint;  // the file the weights came from
  Checkpoint meta;
};

// RUN/checkpoints/best.pt (by validation PCK), else last.pt.
RunModel load_run_model(const std::string& run);

}  // namespace kplab::cli
