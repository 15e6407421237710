// What `kplab predict` says about one person beyond the joints: the joint
// angles, the posture measures (src/posture) with plain sentences for the
// ones past their thresholds, and the RULA-style item sum. One function for
// photos, video frames and the web page, so they never disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "classify/posture_classifier.h"
#include "posture/posture_measures.h"
#include "predict/pose_predictor.h"
#include "predict/predict_setup.h"

namespace kplab {

struct PersonAssessment {
  std::vector<double> angles;          // s.angles' order; NaN where a joint is too faint
  posture::PostureReading posture;     // s.measurer.defs()' order
  std::vector<std::string> flagged;    // names of the measures past their thresholds
  std::vector<std::string> sentences;  // one plain sentence per flagged measure
  std::optional<classify::Verdict> verdict;  // --classifier: good/bad, its probability and why
};

PersonAssessment assess_person(const PredictSetup& s, const Pose& pose, double min_visibility);

// The overlay with `lines` written over a darkened band at its bottom (at
// most `max_lines`, the rest dropped with "..."); the image keeps its size.
// "°" is written " deg" (OpenCV's fonts have no degree sign).
cv::Mat with_text_panel(const cv::Mat& image, const std::vector<std::string>& lines, int max_lines);

// The panel's lines for one person: the verdict with its reasons (with
// --classifier), then the flagged measures' sentences, or that none is past
// its threshold.
std::vector<std::string> assessment_lines(const PersonAssessment& a);

// The overlay as predict writes it: with the posture lines (at most
// kPanelLines; several people's lines prefixed "person N:") when the schema
// has posture measures, else unchanged.
constexpr int kPanelLines = 4;
cv::Mat with_posture_panel(const cv::Mat& image, const PredictSetup& s, const std::vector<PersonAssessment>& people);

}  // namespace kplab
