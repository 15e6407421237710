// Everything `kplab predict` checks before it writes anything: the model and
// its decoder, the schema (K must match), the posture angles and those of
// the repetition signal, the inputs, the boxes and the detector.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "classify/posture_classifier.h"
#include "data/person_boxes.h"
#include "data/schema.h"
#include "posture/joint_angles.h"
#include "posture/posture_measures.h"
#include "predict/face_blur.h"
#include "predict/onnx_pose_model.h"
#include "predict/person_detector.h"
#include "predict/pose_predictor.h"
#include "predict/predict_inputs.h"
#include "predict/predict_options.h"

namespace kplab {

struct PredictSetup {
  OnnxModel model;
  Schema schema;
  std::vector<posture::AngleDef> angles;
  std::vector<std::string> rep_parts;  // angle names of --rep-angle
  std::vector<int> rep_columns;        // their indices into `angles`
  PredictInputs inputs;
  std::map<std::string, std::vector<PersonBox>> boxes;  // --boxes, by image
  std::optional<PersonDetector> detector;               // --detector
  posture::PostureMeasurer measurer{std::vector<std::string>{}};  // the measures the schema can make
  std::optional<FaceBlur> face_blur;                    // --blur-faces
  std::optional<classify::PostureClassifier> classifier;  // --classifier, in the model's joints
};

// Errors name the file, field, expected and found values.
PredictSetup load_predict_setup(const PredictOptions& o);


}  // namespace kplab
