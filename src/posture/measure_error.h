// How far the posture measures read off predicted keypoints are from the
// values a generator set: kplab predict's keypoints.csv (a measure column
// per measure the schema makes) against truth.csv (kplab to-yolo --format
// synthetic_side), matched by image file name. Per measure: the absolute
// error in its unit (mean, median, 90th percentile), the signed bias, how
// often the prediction was n/a, and how often it agrees with the truth on
// "past the threshold or not" (what a verdict is built from).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kplab::posture {

struct MeasureErrorRow {
  std::string name, unit;
  int64_t n = 0;               // matched people whose truth has this measure
  int64_t n_available = 0;     // of them, measured on the predicted keypoints
  double mean_abs = 0, median_abs = 0, p90_abs = 0, bias = 0;  // over the available ones
  double flag_agreement = 0;   // share of the available ones flagged alike
};

struct MeasureErrors {
  std::string truth, predicted;
  int64_t matched = 0;  // people in both files
  std::vector<MeasureErrorRow> rows;
  nlohmann::json to_json() const;
  std::string to_text() const;
};

// Throws kplab::Error naming the file when a file cannot be read, when a
// predicted image has no truth row or appears twice, or when the two files
// share no measure column.
MeasureErrors measure_errors(const std::string& truth_csv, const std::string& predicted_csv);

}  // namespace kplab::posture
