// The two halves of `kplab predict`: the photos (each its overlay) and the
// video (an overlay video, the repetition count and the keypoint jitter).
// Both write through a PredictSink: nothing lands in place before the whole
// run succeeds (predict_job.cpp commits).
#pragma once

#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/staged_outputs.h"
#include "predict/keypoints_csv.h"
#include "predict/pose_predictor.h"
#include "predict/predict_options.h"
#include "predict/predict_setup.h"

namespace kplab {

struct PredictSink {
  std::filesystem::path out;  // the output folder
  CreatedFolders& folders;
  StagedOutputs& staged;
  KeypointsCsv& csv;
  int64_t n_inputs = 0;      // images or frames predicted
  int64_t n_overlays = 0;    // overlay files (the video counts as one)
  int64_t n_detected = 0;    // --detector: people found
  int64_t n_without_people = 0;  // --detector: images where it found nobody
};

void predict_images(const PredictOptions& o, const PredictSetup& s, PosePredictor& predictor, PredictSink& sink);

struct VideoResults {
  nlohmann::json reps;   // reps.json: the repetition count and how it was counted
  nlohmann::json video;  // the keypoint filter and the joints' frame-to-frame movement
};
VideoResults predict_video(const PredictOptions& o, const PredictSetup& s, PosePredictor& predictor, PredictSink& sink);

}  // namespace kplab
