// `kplab release` as one call: a training run as a model-zoo folder that is
// itself a run folder for the other verbs (checkpoints/best.pt, config.yaml,
// metrics.csv, command.txt), plus model.onnx (with heatmaps, checked and
// parity-proven), model.tflite (onnx2tf, builtin operators only, LiteRT
// parity) and model_card.{json,md}, whose every number is measured here on a
// named split. The folder appears complete or not at all.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/pose_model.h"

namespace kplab {

struct ReleaseOptions {
  std::string run;                  // training run folder
  std::string out;                  // zoo folder to create (e.g. models/zoo/NAME)
  std::string split = "test";       // held-out split the card reports
  std::string decoder = "heatmap";  // recommended decoder: heatmap or regression
  std::string checkpoint = "best";  // best (best.pt, else last.pt) or last
  int threads = 2;                  // CPU threads for the latency rows and the TFLite check
  int repeats = 100;                // timed runs per latency row
  bool force = false;               // replace an existing folder
  std::string command;              // the command line, for the card
};

// The model card (model_card.json's content). Errors name the file, field,
// expected and found values; nothing is left behind on failure.
nlohmann::json release_run(const ReleaseOptions& options, const ModelRegistry& registry);

}  // namespace kplab
