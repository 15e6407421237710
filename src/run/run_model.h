// A training run's model, rebuilt from its checkpoint (the architecture is
// read from the checkpoint itself, its builder taken from the registry the
// caller passes: src/ never includes models/), for the verbs that use
// trained weights.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "data/cache.h"
#include "data/schema.h"
#include "model/pose_model.h"
#include "run/trained_model.h"
#include "train/experiment.h"

namespace kplab {

using RunModel = TrainedModel;  // one type for the verbs and the reports (src/run/trained_model.h)

// The schema a run was trained in, as YAML text: the checkpoint's copy, else
// (older checkpoints) the file its experiment names when it exists from
// here, else "". Exports write it into their metadata (kplab.schema).
std::string run_schema_text(const RunModel& rm);

// `which` "best": RUN/checkpoints/best.pt (by validation PCK), else last.pt;
// "last": last.pt (the weights the run ended with). Other names are errors.
RunModel load_run_model(const std::string& run, const ModelRegistry& registry, const std::string& which = "best");

struct RunEvalOptions {
  std::string data;                  // cache (default: the run's training cache)
  std::string split = "test";
  std::string decoder = "regression";
  std::string device = "cpu";
  std::string checkpoint = "best";   // best | last (load_run_model)
  std::string tflite;                // score this .tflite (kplab export --tflite) in LiteRT instead of the checkpoint
  std::string onnx;                  // score this .onnx (kplab export) in kplab's XNNPACK runner instead
  int threads = 2;                   // LiteRT's or the runner's threads
  bool flip_test = false;            // average with the mirrored image's prediction (eval/flip_test.h)
};
// evaluate() of the run's best checkpoint (or, with options.tflite, of that
// file in LiteRT, with options.onnx of that graph in kplab's XNNPACK runner;
// refused when its input or keypoints disagree with the run's model), plus
// "split", "checkpoint", "data" (and "tflite" or "onnx"): what
// `kplab eval` prints and `kplab ablate` records per variant.
nlohmann::json evaluate_run(const std::string& run, const RunEvalOptions& options, const ModelRegistry& registry);
// The same for a run already loaded: `rm` from load_run_model (its
// checkpoint per options.checkpoint), the run's experiment, and `cache`
// read from the file `data`. Moves the model to options.device.
nlohmann::json evaluate_run_model(RunModel& rm, const Experiment& exp, const CacheData& cache, const std::string& data,
                                  const RunEvalOptions& options);

}  // namespace kplab
