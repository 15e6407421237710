// classifier.json: everything needed to classify again without the training
// table: the schema (its YAML text), the feature names, the standardisation,
// the layers' weights, the classes, min_visibility, plus a record of how it
// was trained (options, cross-validation, the command) kept as written.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "classify/classifier_model.h"
#include "classify/posture_labels.h"
#include "data/schema.h"

namespace kplab::classify {

constexpr const char* kClassifierFormat = "kplab-posture-classifier";
constexpr int kClassifierVersion = 1;

struct SavedClassifier {
  ClassifierModel model;
  Schema schema;
  Classes classes;
  double min_visibility = 0.3;
  std::vector<std::string> features;                 // the names, in the model's input order
  nlohmann::json record = nlohmann::json::object();  // training: options, cv, train_metrics, command
};

nlohmann::json classifier_json(const SavedClassifier& c);

// Validates as it reads: a missing or mistyped field, sizes that do not fit
// together (mean, std and weights against the features) or classes that are
// not two throw kplab::Error naming `where` and the field.
SavedClassifier parse_classifier_json(const nlohmann::json& j, const std::string& where);

// DIR/classifier.json (or that file given directly). Also checks that this
// kplab computes the same features for the model's schema (a model from
// another feature definition would be fed the wrong numbers).
SavedClassifier load_classifier(const std::string& dir);

// DIR/classifier.json for a folder, the path itself for a .json file.
std::string classifier_json_path(const std::string& dir);

}  // namespace kplab::classify
