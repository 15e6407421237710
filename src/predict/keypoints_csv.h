// keypoints.csv of `kplab predict`: one row per person found, with the
// joints, the posture angles, the confidence and how the person was cropped.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "core/staged_outputs.h"
#include "data/schema.h"
#include "posture/joint_angles.h"
#include "posture/posture_measures.h"
#include "predict/person_assessment.h"
#include "predict/pose_predictor.h"

namespace kplab {

// `v` with `decimals` digits after the point; "" when not finite (a joint
// too faint to place leaves its CSV cells empty).
std::string csv_number(double v, int decimals);

class KeypointsCsv {
 public:
  // Stages `target` in `staged` and writes the header: source,frame, then
  // JOINT_x,JOINT_y,JOINT_v per joint, one column per angle, one per posture
  // measure, rula_sum (kplab's sum of the RULA items 2-D joints give),
  // posture_flags (the measures past their thresholds, ';'-separated),
  // posture_notes (their plain sentences, quoted: they hold commas), then
  // confidence,crop.
  // With `verdicts` (--classifier), then verdict, verdict_probability (of
  // the classifier's positive class) and verdict_reasons.
  KeypointsCsv(StagedOutputs& staged, const std::string& target, const Schema& schema,
               const std::vector<posture::AngleDef>& angles, const std::vector<posture::MeasureDef>& measures,
               bool verdicts);
  void row(const std::string& source, int64_t frame, const Pose& p, const PersonAssessment& a);
  // Errors name the file and why (a full disk).
  void close();

 private:
  bool verdicts_ = false;
  std::string target_;
  std::ofstream out_;
};

}  // namespace kplab
