#include "posture/rula.h"

#include <cmath>

#include "core/error.h"
#include "posture/posture_joints.h"

namespace kplab::posture {

namespace {

using measures_detail::rounded;

std::string deg(double v) { return rounded(std::abs(v), 0) + "°"; }

RulaItem item(const std::string& name, int score, const std::string& angle_text, const std::string& band) {
  return {name, score, str(angle_text, ": ", band, ", score ", score)};
}

RulaItem upper_arm_item(double a) {
  const std::string text = str("upper arm ", deg(a), a >= 0 ? " forward of" : " behind", " the trunk line");
  const int score = rula_upper_arm_score(a);
  const char* band = a < -20      ? "extension past 20°"
                     : score == 1 ? "within 20° of it"
                     : score == 2 ? "20–45° flexion"
                     : score == 3 ? "45–90° flexion"
                                  : "over 90° flexion";
  return item("upper_arm", score, text, band);
}

RulaItem lower_arm_item(double a) {
  const int score = rula_lower_arm_score(a);
  return item("lower_arm", score, str("elbow bent ", deg(a)), score == 1 ? "60–100° band" : "outside 60–100°");
}

RulaItem neck_item(double a) {
  const std::string text = str("neck bent ", deg(a), a >= 0 ? " forward of" : " back from", " the trunk line");
  const int score = rula_neck_score(a);
  const char* band = score == 1 ? "0–10°" : score == 2 ? "10–20°" : score == 3 ? "over 20°" : "extension";
  return item("neck", score, text, band);
}

RulaItem trunk_item(double a) {
  const std::string text = str("trunk leans ", deg(a), a >= 0 ? " forward" : " back");
  const int score = rula_trunk_score(a);
  const char* band = std::abs(a) <= 5 ? "upright (within ±5°, kplab's tolerance)"
                     : a < -5         ? "extension past 5°"
                     : score == 2     ? "5–20° flexion"
                     : score == 3     ? "20–60° flexion"
                                      : "over 60° flexion";
  return item("trunk", score, text, band);
}

}  // namespace

int rula_upper_arm_score(double a) {
  if (a < -20) return 2;
  if (a <= 20) return 1;
  if (a <= 45) return 2;
  if (a <= 90) return 3;
  return 4;
}

int rula_lower_arm_score(double a) { return a >= 60 && a <= 100 ? 1 : 2; }

int rula_neck_score(double a) {
  if (a < 0) return 4;
  if (a <= 10) return 1;
  if (a <= 20) return 2;
  return 3;
}

int rula_trunk_score(double a) {
  if (std::abs(a) <= 5) return 1;
  if (a < -5) return 2;
  if (a <= 20) return 2;
  if (a <= 60) return 3;
  return 4;
}

const std::vector<std::string>& rula_not_computed() {
  static const std::vector<std::string> items = {
      "wrist position",
      "wrist twist",
      "upper arm adjustments (shoulder raised, upper arm abducted, arm supported)",
      "neck twist and side-bend",
      "trunk twist and side-bend",
      "legs and feet support",
      "muscle use",
      "force/load",
      "RULA's grand score (tables A-C)",
  };
  return items;
}

RulaScore score_rula(View view, const MeasureValue& upper_arm_flexion, const MeasureValue& elbow_flexion,
                     const MeasureValue& neck_flexion, const MeasureValue& trunk_inclination) {
  struct Input {
    const char* name;
    const MeasureValue& angle;
    bool side_view_only;
    RulaItem (*scored)(double);
  };
  const Input inputs[] = {{"upper_arm", upper_arm_flexion, true, upper_arm_item},
                          {"lower_arm", elbow_flexion, false, lower_arm_item},
                          {"neck", neck_flexion, true, neck_item},
                          {"trunk", trunk_inclination, true, trunk_item}};
  RulaScore r;
  r.not_computed = rula_not_computed();
  for (const auto& in : inputs) {
    if (in.side_view_only && view == View::Front) {
      r.items.push_back({in.name, 0, "n/a: needs a side view"});
    } else if (!in.angle.available()) {
      r.items.push_back({in.name, 0, "n/a: " + in.angle.why_na});
    } else {
      r.items.push_back(in.scored(in.angle.value));
      r.sum += r.items.back().score;
    }
  }
  return r;
}

}  // namespace kplab::posture
