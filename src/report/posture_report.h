// `kplab posture-report`: one self-contained HTML page (and its JSON) for
// the posture workflow on a set with known truth (kplab's synthetic
// side-view set, truth.csv): how far the posture measures read off each
// model's predicted keypoints are from the true angles, how the good/bad
// classifier scores on the true keypoints and on each model's predicted
// ones (with confusion matrices), and overlays with the verdicts and the
// sentences that explain them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kplab::report {

struct PostureReportOptions {
  std::string truth;                                          // truth.csv
  std::string split = "test";                                 // its rows scored (the split the predictions are of)
  std::vector<std::pair<std::string, std::string>> predicted; // model name -> its keypoints.csv on that split
  std::string classifier;                                     // a classify train folder ("" = no classifier section)
  std::string overlays;                                       // a predict output folder for the tiles ("" = none)
  int tiles = 8;
  std::string out;                                            // the page
  std::string json;                                           // the numbers ("" = none)
};

struct PostureReport {
  nlohmann::json json;  // measures per model, classifier metrics per keypoint source, tiles shown
  std::string text;     // what the verb prints
};

// Reads everything first (errors name the file), then writes the page (and
// the JSON) atomically.
PostureReport write_posture_report(const PostureReportOptions& options);

}  // namespace kplab::report
