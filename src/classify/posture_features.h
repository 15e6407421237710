// The classifier's input: one person's keypoints as numbers that do not
// depend on where the person stands in the picture, how large they appear,
// or which way they face.
//
// Per joint J of the schema, in schema order, three features:
//   J_x, J_y   (p - mid_hip) / torso, torso = |mid_shoulder - mid_hip|, with
//              x negated when the person faces -x (so everyone faces +x);
//              mid_hip / mid_shoulder = the mean of the hips / shoulders seen.
//              Facing = sign(nose.x - mean x of the ears seen) when the nose
//              and an ear are seen, else +x (unmirrored). Labels are kept:
//              mirroring a picture without renaming its joints gives the same
//              features.
//   J_seen     1 when the joint is seen (finite, visibility >= min_visibility)
//              and the torso could be measured; else 0, with J_x = J_y = 0.
// Then per posture measure M of PostureMeasurer(schema.joints).defs(), in
// that order: M (its value; 0 when n/a) and M_available (1 or 0).
// Standardising (mean/std of the training rows) is the model's job.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "classify/posture_table.h"
#include "data/schema.h"
#include "posture/posture_measures.h"

namespace kplab::classify {

class PostureFeatures {
 public:
  // Throws kplab::Error naming the schema file when it lacks a shoulder or
  // a hip (left_/right_shoulder, left_/right_hip): there is no torso to measure by.
  PostureFeatures(const Schema& schema, double min_visibility);

  const std::vector<std::string>& names() const { return names_; }
  // What each feature belongs to, for explanations: the joint name for
  // J_x, J_y, J_seen; the measure name for M and M_available.
  const std::vector<std::string>& groups() const { return groups_; }
  int size() const { return static_cast<int>(names_.size()); }
  double min_visibility() const { return min_visibility_; }
  const posture::PostureMeasurer& measurer() const { return measurer_; }

  // One person: K points (pixels) and K visibilities.
  std::vector<float> compute(const std::vector<posture::Point2>& points, const std::vector<float>& visibility) const;
  // Every row of a table, N x F float32.
  torch::Tensor matrix(const std::vector<PersonRow>& rows) const;

 private:
  bool seen(const std::vector<posture::Point2>& p, const std::vector<float>& v, int j) const;
  // Mean of the seen joints among `idx`; false when none is seen.
  bool mean_seen(const std::vector<posture::Point2>& p, const std::vector<float>& v, const std::vector<int>& idx,
                 posture::Point2& out) const;
  double facing(const std::vector<posture::Point2>& p, const std::vector<float>& v) const;

  std::vector<std::string> joints_;
  double min_visibility_;
  posture::PostureMeasurer measurer_;
  std::vector<int> shoulders_, hips_, ears_;
  int nose_ = -1;
  std::vector<std::string> names_, groups_;
};

}  // namespace kplab::classify
