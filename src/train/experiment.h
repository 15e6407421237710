// Experiment files (YAML, read with yaml-cpp): model, data, phases, eval,
// seed. A file may inherit from another with `base:` (maps merge key by key,
// lists are replaced whole); `--set a.b.c=value` overrides apply last
// (`phases.1.epochs=3` indexes lists). Unknown keys and wrong types fail
// naming the key and the file. Relative paths in a file (data.cache,
// data.schema, init.from, base) are relative to that file; in --set values,
// to the working directory (train/experiment_paths.h). An Experiment's fields
// hold paths that work from the working directory.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/augment.h"
#include "train/schedule.h"

namespace kplab {

struct LossConfig {
  // Weight of each loss term by name (train/loss_terms.h); a term a phase
  // does not set has its default weight (heatmap, coords, visibility 1; others 0).
  std::map<std::string, double> weights = default_loss_weights();
  std::string heatmap_kind = "bce";  // bce | mse
  std::string coord_kind = "mse";    // mse | l1 | smooth_l1
  std::string left_right = "as_labelled";  // as_labelled | swap_aware (train/swap_aware.h)

  double weight(const std::string& term) const;
  static std::map<std::string, double> default_loss_weights();
};

struct OptimizerConfig {
  std::string type = "adam";  // adam | adamw | sgd
  double lr = 1e-3;
  double weight_decay = 0.0;
  double momentum = 0.9;      // sgd only
};

struct PhaseConfig {
  std::string name;
  int64_t epochs = 1;
  std::vector<std::string> trainable;  // parameter-name patterns ("backbone", "heatmap.*", ...)
  int64_t batch_size = 16;
  LossConfig loss;
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  double grad_clip = 0.0;  // max global gradient norm; 0 = off
};

struct DataConfig {
  std::string cache;                 // HDF5 cache from kplab prepare
  std::string schema;                // schema file (flip pairs, PCK joints)
  std::vector<int> train_splits = {0};
  std::vector<int> val_splits = {1};
  int64_t train_limit = 0;           // train on the first N people of the train splits (cache order; the
                                     // splits are shuffled by prepare): a small-data budget; 0 = all
  double sigma = 2.0;                // heatmap Gaussian sigma, in heatmap cells
  int workers = 0;                   // decode threads; 0 = all cores
  bool augment = true;
  AugmentOptions augmentation;       // key `augmentation` (AugmentOptions field names)
};

struct EvalConfig {
  std::vector<double> alphas = {0.1, 0.2, 0.5};  // PCK thresholds reported
  std::string decoder = "regression";            // regression | heatmap
};

// `init:` starts a new run from another model's weights (transfer learning):
// the parameters matching `load` are copied by name; those laid out per joint
// (the heads' outputs) are copied joint by joint for the joints both schemas
// name; what cannot load (another shape, e.g. a regression layer after a
// change of input size) keeps its fresh initialisation and is named.
struct InitConfig {
  std::string from;                 // a zoo or run folder, or a checkpoint (.pt); "" = fresh weights.
                                    // Relative to the working directory, as data.cache is.
  std::string checkpoint = "best";  // best | last: which checkpoint of a folder (best falls back to last)
  std::vector<std::string> load;    // parameter patterns (as phases' trainable); empty = every parameter
};

struct Experiment {
  std::string path;            // the file it was read from
  uint64_t seed = 0;
  std::string model;           // registry name
  YAML::Node model_options;    // overrides for the registry's builder
  DataConfig data;
  std::vector<PhaseConfig> phases;
  EvalConfig eval;
  InitConfig init;
  YAML::Node effective;        // the merged, overridden document (saved in the run dir)
};

// Reads `path` (following `base:` chains, relative to each file's folder),
// applies `overrides` ("key.path=value"), validates, and returns the result.
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides = {});

// Validates and converts an already merged document; `where` names it in errors.
Experiment parse_experiment(const YAML::Node& document, const std::string& where);

// The effective config as YAML text, for a file in `folder` (its relative
// paths rewritten relative to it); "" keeps them as they work from the
// working directory.
std::string experiment_yaml(const Experiment& e, const std::string& folder = "");

}  // namespace kplab
