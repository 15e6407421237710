// The "Verdicts and why" section of the posture report: overlays that
// `kplab predict` wrote (with --classifier, its verdicts), each beside the
// truth the generator knows and the sentences predict gave for it. Wrong
// verdicts come first: they are what a reader needs to see.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kplab::report {

// `predict_dir`: a predict output folder (keypoints.csv and NAME_pose.jpg);
// `truth_csv`: the set's truth.csv. Up to `max_tiles` tiles; `shown` gets
// one entry per tile (image, truth, verdict). `positive`: the class the
// verdicts' probability is of. Errors name the file.
std::string posture_tiles_html(const std::string& predict_dir, const std::string& truth_csv, int max_tiles,
                               const std::string& positive, nlohmann::json& shown);

}  // namespace kplab::report
