#include "predict/predict_setup.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/text.h"
#include "predict/keypoints_csv.h"

namespace kplab {

namespace {

namespace fs = std::filesystem;

void load_model_and_schema(const PredictOptions& o, PredictSetup& s) {
  s.model = inspect_onnx(resolve_model_path(o.model));
  choose_decoder(s.model, o.decoder);
  s.schema = predict_schema(o.schema, s.model);
  if (s.schema.num_joints() != s.model.keypoints)
    throw input_error(s.model.path, "output 'coords'",
                      str(s.schema.num_joints(), " joints (schema ", s.schema.name, ", ", s.schema.path, ")"),
                      str(s.model.keypoints, " joints (1x", s.model.keypoints, "x2)"));
  s.angles = posture::posture_angles(s.schema.joints);
  s.measurer = posture::PostureMeasurer(s.schema.joints);
  if (!o.measures.empty()) s.measurer.keep_only(split_commas(o.measures), str("--measures (schema ", s.schema.path, ")"));
  for (size_t i = 0; i < s.angles.size(); ++i)
    if (std::find(s.rep_parts.begin(), s.rep_parts.end(), s.angles[i].name) != s.rep_parts.end())
      s.rep_columns.push_back(static_cast<int>(i));
}

// Every box names one of the input images.
void load_boxes(const PredictOptions& o, PredictSetup& s) {
  if (s.inputs.video) throw input_error(o.boxes, "--boxes", "boxes for images (--input photos)", "a video input");
  s.boxes = read_person_boxes(o.boxes);
  for (const auto& [image, people] : s.boxes) {
    bool found = false;
    for (const auto& f : s.inputs.files) found = found || f == image || fs::path(f).filename().string() == image;
    if (!found) throw input_error(people.front().where, "image", "an image of --input " + o.input, "'" + image + "'");
  }
}

void load_detector(const PredictOptions& o, PredictSetup& s) {
  if (!s.boxes.empty()) throw input_error(o.detector, "--detector", "either --boxes or --detector", "both");
  if (s.inputs.video)
    throw input_error(o.detector, "--detector", "a detector for images (--input photos)", "a video input");
  const double score = o.detector_score;
  if (!(score >= 0 && score <= 1)) throw input_error("--detector-score", "score", "[0, 1]", csv_number(score, 3));
  s.detector.emplace(o.detector, static_cast<float>(score), o.detector_class);
}

}  // namespace

PredictSetup load_predict_setup(const PredictOptions& o) {
  PredictSetup s;
  s.rep_parts = rep_angle_parts(o.rep_angle);
  load_model_and_schema(o, s);
  s.inputs = list_inputs(o.input);
  if (s.inputs.video && s.rep_columns.empty())
    throw input_error(s.schema.path, "joints",
                      str("the joints of --rep-angle ", o.rep_angle, " (", join(s.rep_parts, ", "),
                          ": hip, knee, ankle and shoulder names)"),
                      "none of them");
  if (!o.boxes.empty()) load_boxes(o, s);
  if (!o.detector.empty()) load_detector(o, s);
  if (o.blur_faces) s.face_blur.emplace(s.schema);
  if (!o.classifier.empty()) {
    s.classifier.emplace(classify::PostureClassifier::load(o.classifier));
    s.classifier->require_joints(s.schema.joints, s.model.path);
  }
  return s;
}


}  // namespace kplab
