// Why the classifier said what it said, per person: how much each joint and
// each posture measure moved the logit, toward which class. The features of
// one joint (x, y, seen) or one measure (value, available) are grouped under
// its name, so a sentence reads "cva_deg=36.2 pushes toward bad (+1.31)".
//   logistic: the group's sum of w_i * z_i (z standardised): exact, and the
//             contributions add up to logit - bias;
//   mlp:      occlusion: the logit minus the logit with the group's features
//             set to their training mean (z = 0).
#pragma once

#include <string>
#include <vector>

#include "classify/classifier_model.h"
#include "classify/posture_labels.h"

namespace kplab::classify {

struct Contribution {
  std::string name;    // the joint or measure
  std::string value;   // "36.2", "(0.42, -1.61)" (torso lengths), "not seen", "n/a"
  double logit = 0;    // its push on the logit; > 0 toward the positive class
  std::string toward;  // the class it pushes toward
  std::string text;    // "NAME=VALUE pushes toward CLASS (+0.00)"
};

// Contributions of one person's raw features `x` (F), largest |logit|
// first, the first `top` of them (top <= 0: all). `names` and `groups` as
// PostureFeatures gives them.
std::vector<Contribution> explain(const ClassifierModel& m, const std::vector<std::string>& names,
                                  const std::vector<std::string>& groups, const std::vector<float>& x,
                                  const Classes& classes, int top);

// The contributions' texts joined with "; ".
std::string explanation_sentence(const std::vector<Contribution>& top);

}  // namespace kplab::classify
