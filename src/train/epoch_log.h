// What the trainer writes to TensorBoard at the end of each epoch
// (train/tensorboard_log.h): the epoch's mean losses, the learning rate,
// throughput, validation PCK, and the first validation people with their
// predicted skeletons.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "data/loader.h"
#include "data/schema.h"
#include "model/pose_model.h"
#include "train/tensorboard_log.h"

namespace kplab {

struct EpochRecord {
  int64_t step = 0;                                   // the x axis: epochs so far, over all phases
  double lr = 0;
  double images_per_s = 0;
  std::vector<std::pair<std::string, double>> losses;  // "total", "heatmap", ... (means over the epoch)
  std::map<std::string, double> validation;           // "pck@0.2", "heatmap_pck@0.2", ...
};

void log_epoch(TensorBoardLog& log, const EpochRecord& r, const cv::Mat& predictions);

// The first `count` people of the validation loader's first batch side by
// side, each with the skeleton the model's coordinates give (eval mode for
// the pass, the caller's mode restored). Empty when the split is empty.
cv::Mat validation_predictions(PoseModelImpl& model, Loader& val, const Schema& schema, const torch::Device& device,
                               int count = 4);

}  // namespace kplab
