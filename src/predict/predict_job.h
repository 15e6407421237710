// `kplab predict` as one call: keypoints, joint angles, skeleton overlays and
// repetition counts for images or a video, through the exported ONNX model
// (the file phones get, not LibTorch) in kplab's XNNPACK runner or OpenCV DNN. Writes
// keypoints.csv, the overlays and (video) reps.json into options.out, and
// the summary into options.json; all of them appear only when the whole run
// succeeds.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "predict/predict_options.h"

namespace kplab {

struct PredictSummary {
  nlohmann::json json;      // what --json gets: model, inputs, outputs, timing, reps, video, detector
  int skipped = 0;          // folder entries that are not images
  int64_t n_overlays = 0;   // overlay files (a video's overlay video counts as one)

  // What `kplab predict` prints: counts, timing, detector, repetitions and
  // jitter (video), and what was written where.
  std::string to_text() const;
};

// Errors name the file, field, expected and found values; checked options
// and inputs fail before anything is written.
PredictSummary run_predict(const PredictOptions& options);

}  // namespace kplab
