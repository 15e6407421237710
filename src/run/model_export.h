// `kplab export` of a training run's checkpoint or of an untrained registry
// model, in the steps the command reports one at a time: the ONNX graph,
// then the TFLite file, then (a run's quantised file) its PCK beside the
// float model's. The export itself is src/export's; this holds what a run
// adds: its weights, metadata and cache.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/subprocess.h"
#include "data/cache.h"
#include "export/export_model.h"
#include "export/tflite_export.h"
#include "model/pose_model.h"
#include "run/run_model.h"

namespace kplab {

struct ModelExportOptions {
  std::string run;                  // training run folder (its best.pt, else last.pt) ...
  std::string model;                // ... or the registry name of an untrained model
  std::vector<std::string> sets;    // --model: option overrides key=value
  uint64_t seed = 0;                // --model: initialisation seed
  std::string onnx;                 // ONNX output ("": a scratch file, with tflite)
  std::string tflite;               // TFLite output ("": none)
  std::string quantize = "none";    // none, fp16 or int8
  std::string data;                 // cache for int8 calibration and the quantised PCK ("": the run's)
  int calibration_count = 200;      // int8: train-split images to calibrate on
  std::string split = "test";       // split of the quantised file's PCK
  bool with_heatmap = false;
  bool force = false;               // replace existing files
};

class ModelExport {
 public:
  // Parses the overrides and loads or builds the model; errors name the value.
  ModelExport(const ModelExportOptions& options, const ModelRegistry& registry);

  const std::string& label() const { return label_; }  // the model's registry name
  const PoseModelImpl& model() const { return *model_; }

  // Reads the calibration cache first (a bad cache fails before any file is
  // written), then writes the checked, linted, parity-proven ONNX graph.
  onnx_export::ExportReport write_onnx();
  // After write_onnx: the TFLite file, proven in LiteRT.
  onnx_export::TfliteReport write_tflite();
  // After write_tflite, for a run's quantised file: its PCK@0.2 and the
  // float LibTorch model's on the same split ("pck" of the export JSON);
  // null otherwise.
  nlohmann::json quantized_pck();

  // What `kplab export` prints after each step: the file, its size, cost,
  // operators and parity.
  std::string onnx_text(const onnx_export::ExportReport& report) const;
  std::string tflite_text(const onnx_export::TfliteReport& report) const;

 private:
  ModelExportOptions o_;
  PoseModel model_;
  std::string label_;
  std::string data_;
  std::optional<RunModel> run_;
  onnx_export::ExportOptions export_options_;
  onnx_export::TfliteOptions tflite_options_;
  std::optional<ScratchDir> scratch_;
  std::string onnx_path_;
  std::shared_ptr<const CacheData> cache_;
};

}  // namespace kplab
