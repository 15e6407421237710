#include "posture/posture_joints.h"

#include <algorithm>
#include <cmath>

#include "core/number_format.h"

namespace kplab::posture::measures_detail {

namespace {

bool finite(Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }

// Shoulder spread below it: a side view; above kFrontSpread: a front or back
// view (measures.md says why these two numbers).
constexpr double kSideSpread = 0.35;
constexpr double kFrontSpread = 0.6;

}  // namespace

PersonJoints::PersonJoints(const std::vector<std::string>& names, const std::vector<Point2>& points,
                           const std::vector<float>& visibility, double min_visibility)
    : names_(names), points_(points), visibility_(visibility), min_visibility_(min_visibility) {}

int PersonJoints::index(const std::string& name) const {
  auto it = std::find(names_.begin(), names_.end(), name);
  return it == names_.end() ? -1 : static_cast<int>(it - names_.begin());
}

bool PersonJoints::seen(const std::string& name) const {
  const int i = index(name);
  // `!(v >= t)` so a NaN visibility counts as not seen.
  return i >= 0 && finite(points_[i]) && visibility_[i] >= min_visibility_;
}

double PersonJoints::raw_visibility(const std::string& name) const {
  const int i = index(name);
  if (i < 0 || !finite(points_[i]) || !std::isfinite(visibility_[i])) return -1;
  return visibility_[i];
}

Point2 PersonJoints::point(const std::string& name) const {
  const int i = index(name);
  return i < 0 ? Point2{kNaN, kNaN} : points_[i];
}

Joints PersonJoints::get(const std::vector<std::string>& names) const {
  Joints j;
  j.confidence = 1;
  for (const auto& name : names) {
    if (!named(name)) {
      j.why_na = "schema has no " + name;
    } else if (!seen(name)) {
      j.why_na = name + " not seen";
    } else {
      j.p.push_back(point(name));
      j.confidence = std::min(j.confidence, static_cast<double>(visibility_[index(name)]));
      continue;
    }
    j.p.clear();
    j.confidence = 0;
    return j;
  }
  return j;
}

Sagittal sagittal_side(const PersonJoints& joints) {
  // The smallest visibility of the side's ear, shoulder and hip, over the
  // parts the schema names on either side; -2 (never chosen over a full side)
  // when the schema names a part on the other side only.
  auto side_visibility = [&](const std::string& side, const std::string& other) {
    double v = 2;
    for (const char* part : {"_ear", "_shoulder", "_hip"}) {
      if (joints.named(side + part))
        v = std::min(v, joints.raw_visibility(side + part));
      else if (joints.named(other + part))
        return -2.0;
    }
    return v;
  };
  Sagittal s;
  s.side = side_visibility("left", "right") >= side_visibility("right", "left") ? "left" : "right";
  const std::string ear = s.side + "_ear";
  const Joints j = joints.get({"nose", ear});
  if (!j.ok()) {
    s.facing_why = "facing unknown: " + j.why_na;
    return s;
  }
  const double dx = j.p[0].x - j.p[1].x;
  if (dx == 0) {
    s.facing_why = "facing unknown: nose straight above or below " + ear;
    return s;
  }
  s.facing = dx > 0 ? 1 : -1;
  s.facing_confidence = j.confidence;
  return s;
}

View detect_view(const PersonJoints& joints, double* spread) {
  *spread = kNaN;
  if (!joints.seen("left_shoulder") || !joints.seen("right_shoulder")) return View::Unknown;
  const Point2 ls = joints.point("left_shoulder"), rs = joints.point("right_shoulder");
  double hx = 0, hy = 0;
  int hips = 0;
  for (const char* hip : {"left_hip", "right_hip"}) {
    if (!joints.seen(hip)) continue;
    hx += joints.point(hip).x;
    hy += joints.point(hip).y;
    ++hips;
  }
  if (hips == 0) return View::Unknown;
  const double torso = std::hypot(0.5 * (ls.x + rs.x) - hx / hips, 0.5 * (ls.y + rs.y) - hy / hips);
  if (!(torso > 0)) return View::Unknown;
  *spread = std::abs(ls.x - rs.x) / torso;
  if (*spread < kSideSpread) return View::Side;
  if (*spread > kFrontSpread) return View::Front;
  return View::Unknown;
}

std::string rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(v * scale) / scale;
  return fixed(r == 0 ? 0.0 : r, decimals);  // r == 0 also for -0: print "0"
}

MeasureValue not_available(const std::string& why) {
  MeasureValue v;
  v.why_na = why;
  return v;
}

MeasureValue made(double value, double confidence, const std::string& side) {
  MeasureValue v;
  v.value = value;
  v.confidence = confidence;
  v.side = side;
  return v;
}

}  // namespace kplab::posture::measures_detail
