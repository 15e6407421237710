// `kplab classify train|eval|predict` as calls: the CLI parses arguments,
// calls one of these and prints the text they return. Every output appears
// whole or not at all (a classifier folder, verdicts.csv, --json), and bad
// input throws kplab::Error before anything is written.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "classify/classifier_training.h"
#include "classify/posture_labels.h"

namespace kplab::classify {

struct ClassifyTrainOptions {
  std::string keypoints;  // the table (keypoints.csv of kplab predict, truth.csv, ...)
  std::string split;      // only its rows of this split ("" = all)
  std::string schema;     // its schema file
  std::string out;        // classifier folder to create
  LabelOptions labels;
  TrainOptions train;
  double min_visibility = 0.3;  // joints below count as not seen
  bool tflite = false;          // also OUT/classifier.tflite (onnx2tf, proven in LiteRT)
  bool force = false;           // replace an existing --out
  std::string json;             // --json FILE, "" for none
  std::string command;          // recorded in classifier.json
};

struct ClassifyEvalOptions {
  std::string model;      // classifier folder
  std::string keypoints;  // labelled table
  std::string split;      // only its rows of this split ("" = all)
  LabelOptions labels;
  std::string json;
};

struct ClassifyPredictOptions {
  std::string model;
  std::string keypoints;
  std::string split;  // only its rows of this split ("" = all)
  std::string out;    // verdicts.csv
  bool force = false;
  std::string json;
};

// What a run reports: the JSON (--json's content) and the text to print.
struct RunOutput {
  nlohmann::json json;
  std::string text;
};

// Cross-validates, fits on every row, writes OUT/classifier.json and
// OUT/classifier.onnx (staged beside OUT, then renamed).
RunOutput classify_train(const ClassifyTrainOptions& o);
// Scores a saved classifier on a labelled table.
RunOutput classify_eval(const ClassifyEvalOptions& o);
// Writes one verdict per row (source, frame, verdict, probability, explanation).
RunOutput classify_predict(const ClassifyPredictOptions& o);

}  // namespace kplab::classify
