// explain(): one plain sentence per measure, with rounded numbers. The
// difference to the threshold is taken between the rounded numbers, so the
// sentence adds up ("36°" and "14° further forward than 50°").
#include <cmath>

#include "core/error.h"
#include "posture/posture_joints.h"

namespace kplab::posture {

namespace {

using measures_detail::rounded;

// How a unit reads: decimals, scale and suffix ("14°", "0.31 torso lengths", "12%").
struct Unit {
  int decimals = 2;
  double scale = 1;
  std::string suffix;
};

Unit unit_of(const MeasureDef& def) {
  if (def.unit == "deg") return {0, 1, "°"};
  if (def.unit == "torso") return {2, 1, " torso lengths"};
  if (def.unit == "ratio") return {0, 100, "%"};
  return {2, 1, " " + def.unit};
}

// A value as shown (rounded, in the unit's scale), as a number.
double shown(const Unit& u, double v) {
  const double p = std::pow(10.0, u.decimals);
  return std::round(std::abs(v) * u.scale * p) / p;
}

std::string text(const Unit& u, double shown_value) { return rounded(shown_value, u.decimals) + u.suffix; }

// ", 11° past the 20° threshold" / ", past the 5° threshold" / ", within the 20° threshold".
std::string verdict(const MeasureDef& def, const MeasureValue& v, bool say_by_how_much) {
  const Unit u = unit_of(def);
  const double t = shown(u, def.threshold);
  // Thresholds in torso lengths read without the unit again ("0.06 past the 0.25 threshold").
  const std::string threshold = def.unit == "torso" ? rounded(t, u.decimals) : text(u, t);
  if (!flagged(def, v)) return ", within the " + threshold + " threshold";
  const double by = std::abs(shown(u, v.value) - t);
  if (!say_by_how_much) return ", past the " + threshold + " threshold";
  if (by == 0) return ", just past the " + threshold + " threshold";
  return str(", ", def.unit == "torso" ? rounded(by, u.decimals) : text(u, by), " past the ", threshold, " threshold");
}

std::string other(const std::string& side) { return side == "left" ? "right" : "left"; }

std::string sagittal_sentence(const MeasureDef& def, const MeasureValue& v) {
  const Unit u = unit_of(def);
  const std::string amount = text(u, shown(u, v.value));
  const bool back = v.value < 0;
  if (def.name == "cva_deg") {
    const double t = shown(u, def.threshold);
    if (flagged(def, v))
      return str("head ", text(u, t - shown(u, v.value)), " further forward than the ", text(u, t),
                 " threshold (craniovertebral angle ", amount, ")");
    return str("craniovertebral angle ", amount, ", not below the ", text(u, t), " threshold");
  }
  if (def.name == "forward_head")
    return str("ear ", amount, back ? " behind" : " ahead of", " the shoulder", verdict(def, v, true));
  if (def.name == "neck_flexion_deg") {
    if (back) return str("neck bent ", amount, " back from the trunk line", verdict(def, v, true));
    if (flagged(def, v)) return str("neck bent ", amount, " forward of the trunk line", verdict(def, v, true));
    return str("neck flexion ", amount, verdict(def, v, true));
  }
  return str("trunk leans ", amount, back ? " back" : " forward", verdict(def, v, true));
}

std::string frontal_sentence(const MeasureDef& def, const MeasureValue& v) {
  const Unit u = unit_of(def);
  const double shown_value = shown(u, v.value);
  const std::string amount = text(u, shown_value);
  const bool level = shown_value == 0 || v.side.empty();
  const std::string past = verdict(def, v, false);
  if (def.name == "shoulder_tilt_deg" || def.name == "hip_tilt_deg") {
    const std::string part = def.name == "shoulder_tilt_deg" ? "shoulder" : "hip";
    if (level) return str(part, "s level (", amount, ")", past);
    return str(v.side, " ", part, " ", amount, " higher than the ", other(v.side), past);
  }
  if (def.name == "head_tilt_deg" || def.name == "trunk_lean_deg") {
    const std::string part = def.name == "head_tilt_deg" ? "head" : "trunk";
    if (level) return str(part, " upright (", amount, ")", past);
    return str(part, def.name == "head_tilt_deg" ? " tilted " : " leans ", amount, " to the ", v.side, past);
  }
  if (def.name == "side_length_asymmetry") {
    if (level) return str("left and right sides equally long, shoulder to hip (", amount, ")", past);
    return str(v.side, " side ", amount, " shorter than the ", other(v.side), ", shoulder to hip", past);
  }
  return str(def.label, " ", amount, past);
}

}  // namespace

std::string explain(const MeasureDef& def, const MeasureValue& value) {
  if (!value.available()) return def.label + ": n/a (" + value.why_na + ")";
  return def.plane == Plane::Sagittal ? sagittal_sentence(def, value) : frontal_sentence(def, value);
}

}  // namespace kplab::posture
