#include "posture/joint_angles.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace kplab::posture {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDegrees = 180.0 / 3.14159265358979323846;

bool finite(Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }

}  // namespace

double angle_at(Point2 a, Point2 b, Point2 c) {
  if (!finite(a) || !finite(b) || !finite(c)) return kNaN;
  const double ux = a.x - b.x, uy = a.y - b.y, vx = c.x - b.x, vy = c.y - b.y;
  if ((ux == 0 && uy == 0) || (vx == 0 && vy == 0)) return kNaN;
  // atan2(|u x v|, u . v) stays accurate near 0 and 180 degrees, where acos of
  // the normalised dot product loses half its digits.
  return std::atan2(std::abs(ux * vy - uy * vx), ux * vx + uy * vy) * kDegrees;
}

double inclination_from_vertical(Point2 from, Point2 to) {
  if (!finite(from) || !finite(to)) return kNaN;
  const double dx = to.x - from.x, dy = to.y - from.y;
  if (dx == 0 && dy == 0) return kNaN;
  // Image y grows downwards, so "up" is -y: measure from (0, -1) towards +x.
  const double deg = std::atan2(dx, -dy) * kDegrees;
  return deg == -180.0 ? 180.0 : deg;
}

std::vector<AngleDef> posture_angles(const std::vector<std::string>& joint_names) {
  auto index = [&](const std::string& name) {
    auto it = std::find(joint_names.begin(), joint_names.end(), name);
    return it == joint_names.end() ? -1 : static_cast<int>(it - joint_names.begin());
  };
  struct Spec {
    const char* name;
    AngleDef::Kind kind;
    std::vector<const char*> joints;
  };
  const std::vector<Spec> specs = {
      {"left_knee", AngleDef::Kind::Vertex, {"left_hip", "left_knee", "left_ankle"}},
      {"right_knee", AngleDef::Kind::Vertex, {"right_hip", "right_knee", "right_ankle"}},
      {"left_hip", AngleDef::Kind::Vertex, {"left_shoulder", "left_hip", "left_knee"}},
      {"right_hip", AngleDef::Kind::Vertex, {"right_shoulder", "right_hip", "right_knee"}},
      {"neck_inclination", AngleDef::Kind::Inclination, {"neck", "head_top"}},
  };
  std::vector<AngleDef> defs;
  for (const auto& s : specs) {
    AngleDef d{s.name, s.kind, {}};
    for (const char* j : s.joints) d.joints.push_back(index(j));
    if (std::none_of(d.joints.begin(), d.joints.end(), [](int i) { return i < 0; })) defs.push_back(d);
  }
  return defs;
}

std::vector<double> compute_angles(const std::vector<AngleDef>& defs, const std::vector<Point2>& points,
                                   const std::vector<float>& visibility, double min_visibility) {
  KP_CHECK(points.size() == visibility.size(), "compute_angles: expected one visibility per point, found ",
           visibility.size(), " for ", points.size(), " points");
  std::vector<double> out;
  out.reserve(defs.size());
  for (const auto& d : defs) {
    const size_t want = d.kind == AngleDef::Kind::Vertex ? 3 : 2;
    KP_CHECK(d.joints.size() == want, "compute_angles: angle '", d.name, "': expected ", want, " joints, found ",
             d.joints.size());
    bool seen = true;
    for (int j : d.joints) {
      KP_CHECK(j >= 0 && j < static_cast<int>(points.size()), "compute_angles: angle '", d.name, "': joint index ",
               j, " outside [0, ", points.size(), ")");
      // `!(v >= t)` so a NaN visibility counts as not seen.
      if (!(visibility[j] >= min_visibility)) seen = false;
    }
    if (!seen) {
      out.push_back(kNaN);
      continue;
    }
    const auto& p = points;
    const auto& j = d.joints;
    out.push_back(d.kind == AngleDef::Kind::Vertex ? angle_at(p[j[0]], p[j[1]], p[j[2]])
                                                   : inclination_from_vertical(p[j[0]], p[j[1]]));
  }
  return out;
}

double mean_of_finite(const std::vector<double>& values) {
  double sum = 0;
  int n = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  return n ? sum / n : kNaN;
}

}  // namespace kplab::posture
