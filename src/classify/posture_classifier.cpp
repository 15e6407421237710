#include "classify/posture_classifier.h"

#include "core/error.h"

namespace kplab::classify {

PostureClassifier PostureClassifier::load(const std::string& dir) { return PostureClassifier(load_classifier(dir)); }

PostureClassifier::PostureClassifier(SavedClassifier saved)
    : saved_(std::move(saved)), features_(saved_.schema, saved_.min_visibility) {
  KP_CHECK(features_.names() == saved_.features, "classifier: its ", saved_.features.size(), " features are not the ",
           features_.size(), " this kplab computes for schema ", saved_.schema.name);
}

Verdict PostureClassifier::classify(const std::vector<posture::Point2>& points,
                                    const std::vector<float>& visibility) const {
  KP_CHECK(points.size() == schema().joints.size() && visibility.size() == points.size(), "classifier: expected the ",
           schema().joints.size(), " joints of schema ", schema().name, ", found ", points.size(), " points and ",
           visibility.size(), " visibilities");
  return classify_features(features_.compute(points, visibility));
}

void PostureClassifier::require_joints(const std::vector<std::string>& joints, const std::string& where) const {
  if (joints == schema().joints) return;
  size_t i = 0;
  while (i < joints.size() && i < schema().joints.size() && joints[i] == schema().joints[i]) ++i;
  const std::string want = i < schema().joints.size() ? "'" + schema().joints[i] + "'" : "no more joints";
  const std::string found = i < joints.size() ? "'" + joints[i] + "'" : "no more joints";
  throw input_error(where, "joints",
                    str("the classifier's schema ", schema().name, " (", schema().joints.size(), " joints; joint ", i,
                        ": ", want, ")"),
                    str(joints.size(), " joints; joint ", i, ": ", found));
}

Verdict PostureClassifier::classify_features(const std::vector<float>& f) const {
  torch::NoGradGuard no_grad;
  Verdict v;
  v.probability = probabilities(torch::tensor(f, torch::kFloat32).reshape({1, -1}))[0].item<double>();
  v.positive = classes().positive_name();
  v.label = v.probability >= 0.5 ? classes().positive_name() : classes().negative_name();
  v.top = explain(saved_.model, features_.names(), features_.groups(), f, classes(), 3);
  v.explanation = explanation_sentence(v.top);
  return v;
}

torch::Tensor PostureClassifier::probabilities(const torch::Tensor& features) const {
  torch::NoGradGuard no_grad;
  return saved_.model.probabilities(features);
}

}  // namespace kplab::classify
