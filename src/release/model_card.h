// model_card.json of a release: what the model is, what it expects and
// returns, and what this release measured (accuracy, latency, parity), with
// where it came from. model_card_markdown.h renders it for people.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "data/schema.h"
#include "export/export_model.h"
#include "export/tflite_export.h"
#include "release/release_run.h"
#include "run/run_model.h"

namespace kplab {

// What `kplab release` measured on the released files.
struct ReleaseMeasurements {
  nlohmann::json eval;                 // evaluate_run_model on the options' split
  onnx_export::ExportReport onnx;      // model.onnx
  onnx_export::TfliteReport tflite;    // model.tflite
  nlohmann::json latency;              // benchmark_model at batch 1, with the LiteRT row appended
  nlohmann::json litert;               // that LiteRT row
};

struct ReleaseSource {
  const RunModel& model;
  const Schema& schema;
  std::string schema_file;   // the experiment's data.schema
  std::string data_command;  // the command that made the run's cache
};

nlohmann::json model_card(const ReleaseOptions& options, const ReleaseSource& source, const ReleaseMeasurements& m);

}  // namespace kplab
