// Joint angles in degrees, as posture apps read them off a predicted skeleton:
// the angle at a joint (hip-knee-ankle = the knee's angle) and a segment's
// inclination from the image vertical. Pure math on 2-D points; which joints
// make which angle comes from the schema's joint names (data, not code).
#pragma once

#include <string>
#include <vector>

namespace kplab::posture {

// A point in image pixels (x right, y down).
struct Point2 {
  double x = 0;
  double y = 0;
};

// The angle at vertex `b` between the rays b->a and b->c, in degrees in
// [0, 180]: 180 = straight (a, b, c on a line), 90 = a right angle. NaN when a
// point is not finite or `a` or `c` coincides with `b` (no direction).
double angle_at(Point2 a, Point2 b, Point2 c);

// The signed angle of the vector from->to against the image's upward
// vertical, in degrees in (-180, 180]: 0 = `to` straight above `from`,
// positive when `to` leans towards +x (the image's right), negative towards
// -x, +-90 = horizontal. NaN when a point is not finite or they coincide.
double inclination_from_vertical(Point2 from, Point2 to);

// One named posture angle over joint indices of a schema.
struct AngleDef {
  enum class Kind {
    Vertex,       // joints {a, b, c}: angle_at(a, b, c)
    Inclination,  // joints {from, to}: inclination_from_vertical(from, to)
  };
  std::string name;  // CSV column / --rep-angle name, e.g. "left_knee"
  Kind kind = Kind::Vertex;
  std::vector<int> joints;
};

// The posture angles that `joint_names` (a schema's joints, in order) can
// make, in this order, each only when all its joints are named:
//   left_knee, right_knee    hip-knee-ankle
//   left_hip, right_hip      shoulder-hip-knee
//   neck_inclination         neck->head_top from the image vertical (signed)
// Left/right are the person's sides, as the schema names them.
std::vector<AngleDef> posture_angles(const std::vector<std::string>& joint_names);

// Each definition's angle for one person: `points` K joints (pixels),
// `visibility` K probabilities. An angle is NaN when any of its joints has a
// visibility below `min_visibility` (or the geometry is degenerate).
std::vector<double> compute_angles(const std::vector<AngleDef>& defs, const std::vector<Point2>& points,
                                   const std::vector<float>& visibility, double min_visibility);

// Mean of the finite values; NaN when none is (e.g. mean of both knees when
// both are seen, the one seen otherwise).
double mean_of_finite(const std::vector<double>& values);

}  // namespace kplab::posture
