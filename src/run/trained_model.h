// A trained model as the verbs that use trained weights hold it (eval,
// report, export, release, bench, ablate): its weights, the checkpoint they
// came from and that checkpoint's metadata. One type, one evaluator: the
// command line and the reports used to keep a copy each, and their
// evaluations had drifted (only one set the memory format and recorded the
// schema).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "data/cache.h"
#include "data/schema.h"
#include "eval/evaluate.h"
#include "model/pose_model.h"
#include "train/checkpoint.h"

namespace kplab {

struct TrainedModel {
  PoseModel model;
  std::string checkpoint;  // the file the weights came from
  Checkpoint meta;
};

// The schema the model was trained in: the checkpoint's copy, else the file
// its experiment names (train/trained_schema.h).
Schema trained_schema(const TrainedModel& tm);

struct TrainedEvalOptions {
  std::string split = "test";
  std::string decoder = "regression";
  std::string device = "cpu";
  bool flip_test = false;  // EvalOptions::flip_test
};

// The EvalOptions of `options` (its one split, decoder and device).
EvalOptions eval_options(const TrainedEvalOptions& options);

// Adds what every evaluation of a trained model records beside its scores:
// "split", "checkpoint", "data" (the cache file), "schema" and "joints".
void add_run_fields(nlohmann::json& j, const TrainedModel& tm, const std::string& data, const Schema& schema,
                    const std::string& split);

// evaluate() of `tm` on `cache` (read from the file `data`) in the memory
// format its device prefers, with "split", "checkpoint", "data", "schema" and
// "joints" added. Moves the model to options.device.
nlohmann::json evaluate_trained(TrainedModel& tm, const CacheData& cache, const std::string& data,
                                const TrainedEvalOptions& options);

}  // namespace kplab
