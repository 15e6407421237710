// The trained posture classifier as one object, for `kplab classify` and for
// any caller with one person's keypoints (kplab predict, per person):
//
//   const auto clf = kplab::classify::PostureClassifier::load("runs/posture_clf");
//   const Verdict v = clf.classify(pose.points, pose.visibility);   // in the model's schema
//   v.label, v.probability, v.top[0].text
//
// The points must be in the model's schema (clf.schema().joints, in order),
// in pixels; visibilities are probabilities.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "classify/classifier_explain.h"
#include "classify/classifier_file.h"
#include "classify/posture_features.h"
#include "posture/joint_angles.h"

namespace kplab::classify {

struct Verdict {
  std::string label;              // the class predicted
  std::string positive;           // the class `probability` is of (Classes::positive_name(), e.g. "bad")
  double probability = 0;         // of the positive class
  std::vector<Contribution> top;  // the three largest pushes on the logit, largest first
  std::string explanation;        // top's texts as one sentence
};

class PostureClassifier {
 public:
  // Reads and validates DIR/classifier.json (see classifier_file.h).
  static PostureClassifier load(const std::string& dir);
  explicit PostureClassifier(SavedClassifier saved);

  // One person: K points (pixels) and K visibilities of the model's schema.
  Verdict classify(const std::vector<posture::Point2>& points, const std::vector<float>& visibility) const;
  // Throws kplab::Error naming `where` when `joints` (a pose model's schema,
  // in order) are not the classifier's: call once before classify() on
  // another model's output.
  void require_joints(const std::vector<std::string>& joints, const std::string& where) const;
  // The verdict for raw features already computed (F values).
  Verdict classify_features(const std::vector<float>& features) const;
  // Probabilities of the positive class for raw features (N x F).
  torch::Tensor probabilities(const torch::Tensor& features) const;

  const SavedClassifier& saved() const { return saved_; }
  const Schema& schema() const { return saved_.schema; }
  const Classes& classes() const { return saved_.classes; }
  const PostureFeatures& features() const { return features_; }

 private:
  SavedClassifier saved_;
  PostureFeatures features_;
};

}  // namespace kplab::classify
