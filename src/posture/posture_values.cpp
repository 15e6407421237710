// The measures' formulas (measures.md has them in words; the synthetic
// side-view set's generator writes its truth with the same sagittal ones).
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "posture/posture_joints.h"

namespace kplab::posture::measures_detail {

namespace {

bool same(Point2 a, Point2 b) { return a.x == b.x && a.y == b.y; }

// The line between the left and right `part` from the horizontal, in [0, 90];
// side: the higher joint's side, or with `name_lower` the lower one's.
MeasureValue tilt(const PersonJoints& joints, const std::string& part, bool name_lower) {
  const std::string left = "left_" + part, right = "right_" + part;
  const Joints j = joints.get({left, right});
  if (!j.ok()) return not_available(j.why_na);
  if (same(j.p[0], j.p[1])) return not_available(left + " and " + right + " coincide");
  const double dx = std::abs(j.p[0].x - j.p[1].x), dy = j.p[0].y - j.p[1].y;  // dy < 0: left higher
  const std::string side = dy == 0 ? "" : ((dy < 0) != name_lower ? "left" : "right");
  return made(std::atan2(std::abs(dy), dx) * kDegrees, j.confidence, side);
}

// The line from->to from the upward vertical, in [0, 180]; side: the person's
// side it leans to, told by `left_dx` (left_shoulder.x - right_shoulder.x).
MeasureValue lean(Point2 from, Point2 to, double confidence, double left_dx, const std::string& ends) {
  const double inclination = inclination_from_vertical(from, to);
  if (std::isnan(inclination)) return not_available(ends + " coincide");
  const double towards_left = (to.x - from.x) * left_dx;
  return made(std::abs(inclination), confidence, towards_left > 0 ? "left" : towards_left < 0 ? "right" : "");
}

Point2 mid(Point2 a, Point2 b) { return {0.5 * (a.x + b.x), 0.5 * (a.y + b.y)}; }

MeasureValue head_tilt(const PersonJoints& joints) {
  if (joints.named("left_ear") && joints.named("right_ear")) return tilt(joints, "ear", true);
  const Joints j = joints.get({"neck", "head_top", "left_shoulder", "right_shoulder"});
  if (!j.ok()) return not_available(j.why_na);
  return lean(j.p[0], j.p[1], j.confidence, j.p[2].x - j.p[3].x, "neck and head_top");
}

MeasureValue torso_measure(const std::string& name, const PersonJoints& joints) {
  const Joints j = joints.get({"left_shoulder", "right_shoulder", "left_hip", "right_hip"});
  if (!j.ok()) return not_available(j.why_na);
  const Point2 ls = j.p[0], rs = j.p[1], lh = j.p[2], rh = j.p[3];
  if (name == "trunk_lean_deg")
    return lean(mid(lh, rh), mid(ls, rs), j.confidence, ls.x - rs.x, "mid-hip and mid-shoulder");
  const double left = std::hypot(ls.x - lh.x, ls.y - lh.y), right = std::hypot(rs.x - rh.x, rs.y - rh.y);
  const double mean = 0.5 * (left + right);
  if (!(mean > 0)) return not_available("shoulders and hips coincide");
  return made(std::abs(left - right) / mean, j.confidence, left < right ? "left" : left > right ? "right" : "");
}

}  // namespace

MeasureValue sagittal_value(const std::string& name, const PersonJoints& joints, const Sagittal& s) {
  const std::string ear = s.side + "_ear", shoulder = s.side + "_shoulder", hip = s.side + "_hip";
  const bool neck_line = name != "trunk_inclination_deg", trunk_line = name != "cva_deg";
  std::vector<std::string> used;
  if (neck_line) used.push_back(ear);
  used.push_back(shoulder);
  if (trunk_line) used.push_back(hip);
  const Joints j = joints.get(used);
  if (!j.ok()) return not_available(j.why_na);
  if (s.facing == 0) return not_available(s.facing_why);
  const Point2 E = joints.point(ear), S = joints.point(shoulder), H = joints.point(hip);
  if (neck_line && same(E, S)) return not_available(ear + " and " + shoulder + " coincide");
  if (trunk_line && same(S, H)) return not_available(shoulder + " and " + hip + " coincide");
  const double f = s.facing;
  const double a_t = std::atan2(f * (S.x - H.x), H.y - S.y) * kDegrees;  // trunk's forward lean from vertical
  const double a_n = std::atan2(f * (E.x - S.x), S.y - E.y) * kDegrees;  // neck line's forward lean from vertical
  double v = kNaN;
  if (name == "cva_deg")
    v = std::atan2(S.y - E.y, f * (E.x - S.x)) * kDegrees;
  else if (name == "forward_head")
    v = f * (E.x - S.x) / std::hypot(S.x - H.x, S.y - H.y);
  else if (name == "neck_flexion_deg")
    v = a_n - a_t;
  else if (name == "trunk_inclination_deg")
    v = a_t;
  else
    KP_CHECK(false, "posture measures: '", name, "' is not a side-view measure");
  return made(v, std::min(j.confidence, s.facing_confidence), s.side);
}

MeasureValue frontal_value(const std::string& name, const PersonJoints& joints) {
  if (name == "shoulder_tilt_deg") return tilt(joints, "shoulder", false);
  if (name == "hip_tilt_deg") return tilt(joints, "hip", false);
  if (name == "head_tilt_deg") return head_tilt(joints);
  KP_CHECK(name == "trunk_lean_deg" || name == "side_length_asymmetry", "posture measures: '", name,
           "' is not a front-view measure");
  return torso_measure(name, joints);
}

MeasureValue upper_arm_flexion(const PersonJoints& joints, const Sagittal& s) {
  const std::string shoulder = s.side + "_shoulder", hip = s.side + "_hip", elbow = s.side + "_elbow";
  const Joints j = joints.get({shoulder, hip, elbow});
  if (!j.ok()) return not_available(j.why_na);
  if (s.facing == 0) return not_available(s.facing_why);
  const Point2 S = j.p[0], H = j.p[1], E = j.p[2];
  if (same(S, H) || same(S, E)) return not_available(shoulder + " coincides with " + (same(S, H) ? hip : elbow));
  const double dx = H.x - S.x, dy = H.y - S.y, ux = E.x - S.x, uy = E.y - S.y;
  // Signed angle from the trunk's downward line to the upper arm; in image
  // coordinates (y down) a forward swing turns by -f, hence the -f.
  double a = -s.facing * std::atan2(dx * uy - dy * ux, dx * ux + dy * uy) * kDegrees;
  // A shoulder cannot extend 90 degrees behind the trunk: an arm there is
  // raised overhead past the vertical, i.e. flexed past 180 degrees.
  if (a < -90) a += 360;
  return made(a, std::min(j.confidence, s.facing_confidence), s.side);
}

MeasureValue elbow_flexion(const PersonJoints& joints, const Sagittal& s) {
  const std::string shoulder = s.side + "_shoulder", elbow = s.side + "_elbow", wrist = s.side + "_wrist";
  const Joints j = joints.get({shoulder, elbow, wrist});
  if (!j.ok()) return not_available(j.why_na);
  const double inner = angle_at(j.p[0], j.p[1], j.p[2]);
  if (std::isnan(inner)) return not_available(elbow + " coincides with " + shoulder + " or " + wrist);
  return made(180 - inner, j.confidence, s.side);
}

}  // namespace kplab::posture::measures_detail
