// How well a posture classifier separates its two classes: accuracy, and
// precision, recall and F1 of the positive class (the one named "bad"), with
// the 2x2 confusion matrix they come from. A row is predicted positive when
// its probability is >= 0.5.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "classify/posture_labels.h"

namespace kplab::classify {

struct BinaryMetrics {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  // Precision with no positive prediction, recall with no positive row and F1
  // when both are 0 are 0 (scikit-learn's zero_division=0 convention), so a
  // fold's numbers can always be averaged.
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;
  int64_t n() const { return tp + fp + tn + fn; }
};

// `truth`: 1 positive, 0 negative; `probability`: of the positive class.
BinaryMetrics binary_metrics(const std::vector<float>& truth, const std::vector<float>& probability);

// {"accuracy", "precision", "recall", "f1", "positive", "n", "n_per_class":
// {class: n}, "confusion": {"classes": [c0, c1], "rows": [[...], [...]]}}
// (rows = true class, columns = predicted, both in `classes.names` order).
nlohmann::json metrics_json(const BinaryMetrics& m, const Classes& classes);

// A readable block: the four numbers, then the confusion matrix as a table.
std::string metrics_text(const BinaryMetrics& m, const Classes& classes);

// Cross-validation: per metric {"mean", "sd" (sample sd over folds), "folds": [...]}.
nlohmann::json cv_json(const std::vector<BinaryMetrics>& folds);
// "accuracy 0.962 ± 0.021 | precision ... " for the summary line.
std::string cv_text(const nlohmann::json& cv);

}  // namespace kplab::classify
