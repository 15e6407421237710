// Drawing the side-view people of synthetic_side.cpp: furniture, then the far
// side's limbs (darker, partly hidden), then the near leg, torso, head and
// near arm on top. The near side's shapes also decide which far joints are
// hidden (occluded), so labels and pixels agree.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "data/readers/synthetic_side_scene.h"

namespace kplab::synthetic::side {

bool Shape::covers(cv::Point2d p) const {
  if (kind == Disc) return std::hypot(p.x - pts[0].x, p.y - pts[0].y) <= size;
  if (kind == Poly) {
    std::vector<cv::Point2f> f(pts.begin(), pts.end());
    return cv::pointPolygonTest(f, cv::Point2f(p), false) >= 0;
  }
  cv::Point2d ab = pts[1] - pts[0], ap = p - pts[0];  // capsule: distance to the segment
  double len2 = ab.dot(ab), u = len2 > 0 ? std::clamp(ap.dot(ab) / len2, 0.0, 1.0) : 0.0;
  cv::Point2d d = ap - ab * u;
  return std::hypot(d.x, d.y) <= size / 2;
}

void Shape::draw(cv::Mat& img) const {
  if (kind == Disc) disc(img, pts[0], size, colour);
  else if (kind == Poly) polygon(img, pts, colour);
  else capsule(img, pts[0], pts[1], size, colour);
}

namespace {

// Builds shapes from person-frame points (torso lengths) or image joints.
struct Painter {
  const Scene& s;
  std::vector<Shape> out;
  cv::Point2d at(cv::Point2d body_point) const { return s.frame(body_point); }
  double px(double len) const { return len * s.frame.scale; }
  void capsule(cv::Point2d a, cv::Point2d b, double thick, cv::Scalar c) { out.push_back({Shape::Capsule, {a, b}, thick, c}); }
  void disc(cv::Point2d c, double radius, cv::Scalar col) { out.push_back({Shape::Disc, {c}, radius, col}); }
  void poly(const std::vector<cv::Point2d>& body_pts, cv::Scalar c) {
    Shape sh{Shape::Poly, {}, 0, c};
    for (const auto& q : body_pts) sh.pts.push_back(at(q));
    out.push_back(std::move(sh));
  }
  void box(double x0, double y0, double x1, double y1, cv::Scalar c) { poly({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, c); }
};

const cv::Scalar kDark(20, 20, 20);

// One leg and one arm of a side; the near ones with a dark outline, so they
// stand out from the far ones of the same colours.
void limbs(Painter& p, bool near, bool leg) {
  const Scene& s = p.s;
  const Body& b = s.body;
  auto side = [&](int left) { return near ? near_joint(left, s.frame.facing) : far_joint(left, s.frame.facing); };
  const double shade = near ? 1.0 : s.far_shade, outline = near ? std::max(1.5, p.px(0.05)) : 0.0;
  const int root = side(leg ? LHIP : LSHO), mid = side(leg ? LKNE : LELB), end = side(leg ? LANK : LWRI);
  const double upper = p.px((leg ? 0.24 : 0.15) * b.build), lower = p.px((leg ? 0.17 : 0.12) * b.build);
  const cv::Scalar c_upper = leg ? s.pants : s.shirt;
  const cv::Scalar c_lower = leg ? (s.long_pants ? s.pants : s.skin) : (s.long_sleeves ? s.shirt : s.skin);
  const auto& J = s.joints;
  if (outline > 0) {
    p.capsule(J[root], J[mid], upper + outline, kDark);
    p.capsule(J[mid], J[end], lower + outline, kDark);
  }
  p.capsule(J[root], J[mid], upper, c_upper * shade);
  p.capsule(J[mid], J[end], lower, c_lower * shade);
  if (leg)  // a shoe: heel under the ankle, toes forward
    p.capsule(p.at(b.j[end] + cv::Point2d(-0.04, 0.05)), p.at(b.j[end] + cv::Point2d(0.2, 0.07)), p.px(0.1 * b.build), s.shoes * shade);
  else
    p.disc(J[end], p.px(0.06 * b.build), s.skin * shade);
}

void torso(Painter& p) {
  const Scene& s = p.s;
  const Body& b = s.body;
  const double f = s.frame.facing;
  cv::Point2d S = b.j[near_joint(LSHO, f)], H = b.j[near_joint(LHIP, f)];
  cv::Point2d u = (S - H) / std::max(1e-9, std::hypot(S.x - H.x, S.y - H.y)), fwd(-u.y, u.x);
  double c = b.chest / 2, w = b.pelvis / 2;
  p.disc(p.at(H - u * 0.04), p.px(w), s.pants);  // seat, rounding the quad's lower end
  p.poly({S + u * 0.06 + fwd * c, S + u * 0.06 - fwd * c, H - u * 0.1 - fwd * w, H - u * 0.1 + fwd * w}, s.shirt);
  p.disc(p.at(S), p.px(c * 0.95), s.shirt);  // round shoulder
  p.poly({H + u * 0.25 + fwd * (w * 0.97), H + u * 0.25 - fwd * (w * 0.97), H - u * 0.1 - fwd * w, H - u * 0.1 + fwd * w}, s.pants);
  cv::Point2d E = b.j[near_joint(LEAR, f)];
  p.capsule(p.at(S + fwd * 0.02), p.at(E), p.px(0.16 * b.build), s.skin);  // neck
}

// Hair behind and above, the face in front, a nose bump at the nose joint and
// a darker ear at the ear joint: which way the head faces must be visible.
void head(Painter& p) {
  const Scene& s = p.s;
  const Body& b = s.body;
  cv::Point2d E = b.j[near_joint(LEAR, s.frame.facing)];
  cv::Point2d fwd(std::cos(b.face), std::sin(b.face)), up(std::sin(b.face), -std::cos(b.face));
  const double R = b.head;
  p.disc(p.at(E + up * 0.07 - fwd * 0.01), p.px(R * 1.03), s.bald ? s.skin : s.hair);
  p.disc(p.at(E + up * 0.02 + fwd * 0.06), p.px(R * 0.93), s.skin);
  p.disc(p.at(E + fwd * 0.12 - up * 0.09), p.px(R * 0.55), s.skin);  // jaw
  p.disc(p.at(b.j[NOSE] - fwd * 0.03), p.px(0.045), s.skin);
  p.disc(p.at(E + fwd * 0.17 + up * 0.04), std::max(0.6, p.px(0.022)), kDark);  // eye
  p.disc(s.joints[near_joint(LEAR, s.frame.facing)], p.px(0.05), s.skin * 0.72);
}

}  // namespace

std::vector<Shape> prop_shapes(const Scene& s) {
  Painter p{s, {}};
  const Body& b = s.body;
  const double f = s.frame.facing;
  const double floor = std::max(b.j[LANK].y, b.j[RANK].y) + 0.11;
  const cv::Scalar legs = s.furniture * 0.7;
  if (b.sitting) {  // a stool, or a chair with a back rest behind the hip
    double top = b.j[near_joint(LHIP, f)].y + 0.12 * b.build;
    double x0 = -0.34, x1 = std::clamp(b.j[near_joint(LKNE, f)].x - 0.2, 0.1, 0.45);
    if (b.chair_back) p.box(x0, top - 0.85, x0 + 0.07, top, legs);
    p.box(x0 + 0.02, top, x0 + 0.07, floor, legs);
    p.box(x1 - 0.07, top, x1 - 0.02, floor, legs);
    p.box(x0, top, x1, top + 0.07, s.furniture);
  }
  if (b.desk) {  // the near wrist rests on its top
    cv::Point2d w = b.j[near_joint(LWRI, f)];
    double top = w.y + 0.06 * b.build, x1 = w.x + 0.85;
    p.box(x1 - 0.12, top, x1 - 0.06, floor, legs);
    p.box(w.x - 0.3, top, x1, top + 0.06, s.furniture);
  }
  return std::move(p.out);
}

std::vector<Shape> person_shapes(const Scene& s, bool near) {
  Painter p{s, {}};
  limbs(p, near, true);
  if (near) {
    torso(p);
    head(p);
  }
  limbs(p, near, false);
  return std::move(p.out);
}

cv::Mat render(const Scene& s) {
  Rng r(s.render_seed);
  cv::Mat img(s.size, s.size, CV_8UC3);
  draw_background(img, r);
  for (const auto& sh : prop_shapes(s)) sh.draw(img);
  for (const auto& sh : person_shapes(s, false)) sh.draw(img);
  for (const auto& sh : person_shapes(s, true)) sh.draw(img);
  draw_occluders(img, s.occluders);
  add_sensor_noise(img, r);
  return img;
}

}  // namespace kplab::synthetic::side
