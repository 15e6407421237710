// The side-view generator's scene: what synthetic_side.cpp samples and
// synthetic_side_render.cpp draws. Internal to those two files.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "data/readers/synthetic_draw.h"

namespace kplab::synthetic::side {

// datasets/posture_side.yaml's order: the left joint of each pair at an odd index.
constexpr int K = 15;
enum Joint { NOSE, LEAR, REAR, LSHO, RSHO, LELB, RELB, LWRI, RWRI, LHIP, RHIP, LKNE, RKNE, LANK, RANK };

// The side toward the camera: a person facing image right shows the right side.
inline int near_joint(int left, double facing) { return facing > 0 ? left + 1 : left; }
inline int far_joint(int left, double facing) { return facing > 0 ? left : left + 1; }

// The person's own frame: x forward (where the nose points), y down, hip at
// the origin, lengths in torso lengths (near shoulder to near hip = 1).
struct Body {
  std::array<cv::Point2d, K> j;
  double face = 0;              // the head's forward direction, radians below horizontal
  double head = 0.22;           // skull radius
  double chest = 0.45, pelvis = 0.47;  // torso depth at the shoulder and at the hip
  double build = 1;             // limb thickness factor
  bool sitting = false, chair_back = false, desk = false;
};

// Person frame to image pixels: mirrored when facing left, then a small camera roll.
struct Frame {
  double facing = 1, roll = 0, scale = 1;  // roll in radians; scale: pixels per torso length
  cv::Point2d offset;
  cv::Point2d operator()(cv::Point2d p) const { return rot({facing * p.x, p.y}, roll) * scale + offset; }
};

// Everything needed to draw one image; captured by value in load().
struct Scene {
  int size = 0;
  uint64_t render_seed = 0;  // background and noise, drawn only at render time
  Body body;
  Frame frame;
  std::array<cv::Point2d, K> joints;  // image pixels, float-rounded: the labels
  cv::Scalar skin, hair, shirt, pants, shoes, furniture;
  bool long_sleeves = false, long_pants = false, bald = false;
  double far_shade = 0.7;    // far limbs' colours are darkened by this factor
  std::vector<Occluder> occluders;
};

// A filled shape in image pixels: what is drawn, and what hides a far joint.
struct Shape {
  enum Kind { Capsule, Disc, Poly } kind = Disc;
  std::vector<cv::Point2d> pts;  // capsule: two ends; disc: the centre; poly: convex corners
  double size = 0;               // capsule: thickness; disc: radius
  cv::Scalar colour;
  bool covers(cv::Point2d p) const;
  void draw(cv::Mat& img) const;
};

// The furniture (stool or chair, desk), drawn first.
std::vector<Shape> prop_shapes(const Scene& s);
// The far side's limbs (darkened, drawn behind the body), or the near side:
// leg, torso, head, arm in drawing order.
std::vector<Shape> person_shapes(const Scene& s, bool near);
cv::Mat render(const Scene& s);

}  // namespace kplab::synthetic::side
