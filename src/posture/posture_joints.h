// Internal to src/posture's posture measures: one person's joints looked up
// by name, and the facts several measures share (the view, the side used for
// side-view measures and which way the person faces). Not a public API: use
// posture/posture_measures.h.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "posture/posture_measures.h"

namespace kplab::posture::measures_detail {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDegrees = 180.0 / 3.14159265358979323846;

// The joints one measure asked for: their points in the order asked, the
// smallest visibility among them, and why not when one is missing.
struct Joints {
  std::vector<Point2> p;
  double confidence = 0;
  std::string why_na;  // "" when every joint was seen
  bool ok() const { return why_na.empty(); }
};

// One person's joints by name. A joint is seen when the schema names it, its
// point is finite and its visibility is >= min_visibility.
class PersonJoints {
 public:
  PersonJoints(const std::vector<std::string>& names, const std::vector<Point2>& points,
               const std::vector<float>& visibility, double min_visibility);
  bool named(const std::string& name) const { return index(name) >= 0; }
  bool seen(const std::string& name) const;
  // The raw visibility of a named joint with a finite point; -1 otherwise.
  double raw_visibility(const std::string& name) const;
  Point2 point(const std::string& name) const;  // a named joint's point
  // The joints `names` in order; why_na "schema has no X" or "X not seen" at
  // the first that is missing.
  Joints get(const std::vector<std::string>& names) const;

 private:
  int index(const std::string& name) const;
  const std::vector<std::string>& names_;
  const std::vector<Point2>& points_;
  const std::vector<float>& visibility_;
  double min_visibility_;
};

// The side the side-view measures use, and which way the person faces.
struct Sagittal {
  std::string side = "left";     // "left" or "right"
  int facing = 0;                // +1 faces +x (image right), -1 faces -x, 0 unknown
  std::string facing_why;        // why facing is unknown; "" when known
  double facing_confidence = 0;  // the smaller visibility of the nose and the side's ear
};

// The side whose ear, shoulder and hip (those the schema names) have the
// larger minimum visibility (a tie: left), and f = sign(nose.x - ear.x).
Sagittal sagittal_side(const PersonJoints& joints);

// The view from the shoulder spread (see measures.md); `spread` gets the
// ratio, NaN when the shoulders or hips are not seen.
View detect_view(const PersonJoints& joints, double* spread);

// `v` rounded to `decimals` decimals for sentences, never "-0".
std::string rounded(double v, int decimals);

// MeasureValue helpers.
MeasureValue not_available(const std::string& why);
MeasureValue made(double value, double confidence, const std::string& side);

// Side-view measures by name ("cva_deg", ...), using `s`'s side and facing;
// n/a with why when a joint or the facing is missing. Any view.
MeasureValue sagittal_value(const std::string& name, const PersonJoints& joints, const Sagittal& s);

// Front-view measures by name ("shoulder_tilt_deg", ...). Any view.
MeasureValue frontal_value(const std::string& name, const PersonJoints& joints);

// RULA's angles on `s`'s side: the upper arm's flexion from the trunk line
// (signed, forward positive; needs the facing) and the elbow's flexion.
MeasureValue upper_arm_flexion(const PersonJoints& joints, const Sagittal& s);
MeasureValue elbow_flexion(const PersonJoints& joints, const Sagittal& s);

}  // namespace kplab::posture::measures_detail
