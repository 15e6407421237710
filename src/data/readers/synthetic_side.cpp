// Procedurally drawn people seen from the side, sitting or standing, in the
// joint order of datasets/posture_side.yaml, each with the posture angles it
// was drawn with (RawPerson::truth) and a good/bad class: a posture set whose
// answers are known exactly, for checking the measures and a classifier.
//
// Label rule (also in datasets/synthetic_side/README.md): bad iff
// cva_deg < 50 or neck_flexion_deg > 20 or trunk_inclination_deg > 20, good
// otherwise. A pose with any of the three within 2 degrees of its threshold
// is drawn again, so no label hangs on a fraction of a degree.
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/readers/readers.h"
#include "data/readers/synthetic_side_scene.h"

namespace kplab {
namespace {

using namespace synthetic;
using namespace synthetic::side;

constexpr double kCvaMin = 50, kNeckMax = 20, kTrunkMax = 20, kMargin = 2;  // degrees

cv::Point2d down(double deg) { return {std::sin(deg * kDeg), std::cos(deg * kDeg)}; }  // from straight down, + forward
cv::Point2d up(double deg) { return {std::sin(deg * kDeg), -std::cos(deg * kDeg)}; }    // from straight up, + forward

// The measures, from the near ear, shoulder and hip as labeled (image pixels).
struct Truth {
  double cva = 0, forward_head = 0, neck = 0, trunk = 0;
  bool bad() const { return cva < kCvaMin || neck > kNeckMax || trunk > kTrunkMax; }
  bool clear() const {
    return std::abs(cva - kCvaMin) >= kMargin && std::abs(neck - kNeckMax) >= kMargin && std::abs(trunk - kTrunkMax) >= kMargin;
  }
};

Truth measure(const std::array<cv::Point2d, K>& xy, double f) {
  cv::Point2d e = xy[near_joint(LEAR, f)], s = xy[near_joint(LSHO, f)], h = xy[near_joint(LHIP, f)];
  double a_t = std::atan2(f * (s.x - h.x), h.y - s.y), a_n = std::atan2(f * (e.x - s.x), s.y - e.y);
  Truth t;
  t.trunk = a_t / kDeg;
  t.neck = (a_n - a_t) / kDeg;
  t.cva = 90 - a_n / kDeg;
  t.forward_head = f * (e.x - s.x) / std::hypot(s.x - h.x, s.y - h.y);
  return t;
}

// Trunk lean t and neck flexion n relative to the trunk, in degrees, in
// [-10, 40]; three times in four one of t, n or t + n (the neck line, which
// sets the CVA) is put within 8 degrees of its threshold, where a model must
// measure rather than guess.
void sample_angles(Rng& r, double& t, double& n) {
  do {
    int mode = r.integer(0, 3);
    t = r.uniform(-10, 40);
    n = r.uniform(-10, 40);
    double off = r.uniform(-8, 8);
    if (mode == 1) t = kTrunkMax + off;
    if (mode == 2) n = kNeckMax + off;
    if (mode == 3) n = (90 - kCvaMin) - t + off;
  } while (n < -10 || n > 40);
}

// One side's arm and leg; the far side's vary a little from the near side's.
void place_limbs(Body& b, int side_of(int, double), double f, cv::Point2d root_shift, const double* ang, const double* len) {
  auto& j = b.j;
  j[side_of(LHIP, f)] = j[near_joint(LHIP, f)] + root_shift;
  j[side_of(LSHO, f)] = j[near_joint(LSHO, f)] + root_shift;
  j[side_of(LKNE, f)] = j[side_of(LHIP, f)] + down(ang[0]) * len[0];
  j[side_of(LANK, f)] = j[side_of(LKNE, f)] + down(ang[1]) * len[1];
  j[side_of(LELB, f)] = j[side_of(LSHO, f)] + down(ang[2]) * len[2];
  j[side_of(LWRI, f)] = j[side_of(LELB, f)] + down(ang[3]) * len[3];
}

// Limb angles from straight down, + forward: thigh, shin, upper arm, forearm.
void sample_limbs(Rng& r, bool sitting, bool typing, double* near, double* far) {
  if (sitting) {  // thighs about level on the seat, shins down, feet a little ahead or tucked
    near[0] = 90 + r.uniform(-12, 12), near[1] = r.uniform(-25, 20);
    far[0] = near[0] + r.uniform(-6, 6), far[1] = near[1] + r.uniform(-15, 15);
  } else {  // legs near vertical, knees almost straight
    near[0] = r.uniform(-6, 10), near[1] = near[0] - r.uniform(0, 12);
    far[0] = near[0] + r.uniform(-12, 12), far[1] = far[0] - r.uniform(0, 15);
  }
  // Elbow bend = forearm - upper arm, 0 to 110 degrees.
  near[2] = typing ? r.uniform(0, 40) : r.uniform(-15, 25);
  double bend = typing ? std::min(110.0, r.uniform(75, 115) - near[2]) : (r.chance(0.6) ? r.uniform(0, 25) : r.uniform(25, 110));
  near[3] = near[2] + bend;
  far[2] = near[2] + r.uniform(-10, 10);
  far[3] = far[2] + std::clamp(bend + r.uniform(-15, 15), 0.0, 110.0);
}

// The pose in the person's frame (Body): hip at 0, x forward, torso length 1.
Body sample_body(Rng& r, bool sitting, double f, double t, double n) {
  Body b;
  b.sitting = sitting;
  auto& j = b.j;
  j[near_joint(LHIP, f)] = {0, 0};
  j[near_joint(LSHO, f)] = up(t);
  cv::Point2d ear = up(t) + up(t + n) * r.uniform(0.3, 0.4);
  j[near_joint(LEAR, f)] = ear;
  b.head = r.uniform(0.2, 0.24);
  // Forward-head postures tip the face down only part way: people look ahead.
  b.face = std::clamp(0.45 * (t + n) + r.uniform(-5, 15), 8.0, 45.0) * kDeg;
  cv::Point2d fwd(std::cos(b.face), std::sin(b.face)), head_up(std::sin(b.face), -std::cos(b.face));
  j[NOSE] = ear + fwd * (b.head + 0.1) - head_up * 0.04;
  // The far side: the same sagittal place, seen a little from behind and above.
  double depth = r.uniform(0.05, 0.12), dir = r.uniform(0, 70) * kDeg;
  cv::Point2d shift(-depth * std::cos(dir), -depth * std::sin(dir));
  j[far_joint(LEAR, f)] = ear + shift;
  const bool typing = r.chance(0.5);
  double near_ang[4], far_ang[4];
  sample_limbs(r, sitting, typing, near_ang, far_ang);
  const double len[4] = {r.uniform(0.85, 1.0), r.uniform(0.8, 0.95), r.uniform(0.55, 0.65), r.uniform(0.5, 0.6)};
  place_limbs(b, near_joint, f, {0, 0}, near_ang, len);
  place_limbs(b, far_joint, f, shift, far_ang, len);
  b.build = r.uniform(0.85, 1.2);
  b.chest = r.uniform(0.4, 0.5);
  b.pelvis = r.uniform(0.42, 0.52);
  b.chair_back = sitting && r.chance(0.5);
  b.desk = typing && r.chance(0.75);
  return b;
}

// Mirror, roll, scale and place: the whole person (head and shoes included)
// fills 45-85% of the image and stays inside it.
Frame place(Rng& r, const Body& b, double f, int size) {
  Frame fr;
  fr.facing = f;
  fr.roll = r.uniform(-5, 5) * kDeg;
  std::vector<cv::Point2d> pts(b.j.begin(), b.j.end());
  cv::Point2d ear = b.j[near_joint(LEAR, f)];
  pts.push_back(ear + cv::Point2d(std::sin(b.face), -std::cos(b.face)) * (b.head + 0.1));  // head top
  for (int a : {LANK, RANK}) pts.push_back(b.j[a] + cv::Point2d(0.25, 0.1));              // toes
  cv::Point2d lo(1e9, 1e9), hi(-1e9, -1e9);
  for (auto& q : pts) {
    q = rot({f * q.x, q.y}, fr.roll);
    lo = {std::min(lo.x, q.x), std::min(lo.y, q.y)};
    hi = {std::max(hi.x, q.x), std::max(hi.y, q.y)};
  }
  double frac = r.uniform(0.45, 0.85);
  fr.scale = frac * size / (std::max(hi.x - lo.x, hi.y - lo.y) + 0.3);  // + limb thickness
  double half = std::max(0.0, (1 - frac) / 2 * size - 1);
  cv::Point2d centre((size - 1) / 2.0, (size - 1) / 2.0);
  double dx = r.uniform(-half, half), dy = r.uniform(-half, half);
  fr.offset = centre + cv::Point2d(dx, dy) - (lo + hi) * 0.5 * fr.scale;
  return fr;
}

Scene make_scene(uint64_t seed, int64_t index, int size) {
  Rng r = image_rng(seed, index);  // count-independent
  Scene s;
  s.size = size;
  s.render_seed = r.gen();
  const bool sitting = r.chance(0.5), want_bad = r.chance(0.5);  // classes balanced by construction
  const double f = r.chance(0.5) ? 1.0 : -1.0;
  for (int attempt = 0;; ++attempt) {
    // Each try is accepted with probability about 1/3; this never happens.
    if (attempt == 100000) throw std::logic_error(str("synthetic_side: no pose found for seed ", seed, " index ", index));
    double t, n;
    sample_angles(r, t, n);
    s.body = sample_body(r, sitting, f, t, n);
    s.frame = place(r, s.body, f, size);
    for (int j = 0; j < K; ++j) {  // rounded to float: the truth is measured on the labels
      cv::Point2d q = s.frame(s.body.j[j]);
      s.joints[j] = {static_cast<float>(q.x), static_cast<float>(q.y)};
    }
    Truth tr = measure(s.joints, f);  // after the roll, so on what is labeled
    if (tr.clear() && tr.bad() == want_bad) break;
  }
  double tone = r.uniform();  // skin between dark and light, BGR
  s.skin = cv::Scalar(60 + 120 * tone, 85 + 115 * tone, 120 + 115 * tone) + r.colour(-12, 12);
  s.hair = r.colour(10, 90);
  s.shirt = r.colour(20, 235);
  s.pants = r.colour(20, 235);
  s.shoes = r.colour(0, 120);
  s.furniture = r.colour(40, 220);
  s.long_sleeves = r.chance(0.5);
  s.long_pants = r.chance(0.6);
  s.bald = r.chance(0.1);
  s.far_shade = r.uniform(0.6, 0.8);
  if (r.chance(0.2)) {  // an object in front of an elbow, wrist, knee or ankle
    cv::Point2d c = s.joints[r.integer(LELB, RANK)];
    c.x += r.uniform(-0.2, 0.2) * s.frame.scale;
    c.y += r.uniform(-0.2, 0.2) * s.frame.scale;
    s.occluders.push_back(make_occluder(r, c, 0.7 * s.frame.scale));  // smaller than the front set's: a side view is narrow
  }
  return s;
}

RawPerson label(const Scene& s) {
  const double f = s.frame.facing;
  RawPerson p;
  p.xy.resize(2 * K);
  p.labeled.assign(K, 1);
  p.occluded.assign(K, 0);
  const auto near = person_shapes(s, true);
  for (int j = 0; j < K; ++j) {
    p.xy[2 * j] = static_cast<float>(s.joints[j].x);
    p.xy[2 * j + 1] = static_cast<float>(s.joints[j].y);
    bool hidden = occluded_by(s.occluders, {p.xy[2 * j], p.xy[2 * j + 1]});
    bool far = j != NOSE && j == far_joint(j - (j % 2 == 0), f);  // odd = left of a pair
    if (far) hidden = hidden || j == far_joint(LEAR, f) ||
                      std::any_of(near.begin(), near.end(), [&](const Shape& sh) { return sh.covers(s.joints[j]); });
    p.occluded[j] = hidden;
  }
  Truth t = measure(s.joints, f);
  p.class_id = t.bad() ? 1 : 0;
  p.truth = {{"cva_deg", t.cva}, {"forward_head", t.forward_head}, {"neck_flexion_deg", t.neck},
             {"trunk_inclination_deg", t.trunk}, {"sitting", s.body.sitting ? 1.0 : 0.0}, {"facing", f}};
  return p;
}

}  // namespace

RawDataset read_synthetic_side(const SyntheticOptions& options) {
  synthetic::check_options(options, "synthetic_side");
  RawDataset ds;
  ds.format = "synthetic_side";
  ds.num_joints = K;
  ds.class_names = {"good", "bad"};
  ds.images.reserve(options.count);
  for (int i = 0; i < options.count; ++i) {
    Scene scene = make_scene(options.seed, i, options.image_size);
    RawImage im;
    im.source = str("synthetic_side:", options.seed, ":", i);
    im.people.push_back(label(scene));
    // By value: prepare calls load() from several threads at once.
    im.load = [scene]() { return render(scene); };
    ds.images.push_back(std::move(im));
  }
  return ds;
}

}  // namespace kplab
