// Procedurally drawn people in the LSP joint order: a dataset that needs no
// download, for smoke tests, demos and checking that a model learns at all.
// Labels are sampled at read time (cheap); images are rendered in load(), so
// prepare decodes them on several threads like any other source.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "data/readers/readers.h"
#include "data/readers/synthetic_draw.h"

namespace kplab {
namespace {

using namespace synthetic;

constexpr int K = 14;
enum Joint { RANK, RKNE, RHIP, LHIP, LKNE, LANK, RWRI, RELB, RSHO, LSHO, LELB, LWRI, NECK, HEAD };

// Everything needed to draw one image; captured by value in load().
struct Scene {
  int size = 0;
  uint64_t render_seed = 0;  // background and noise, drawn only at render time
  std::array<cv::Point2d, K> joints;
  double torso = 0;          // T in pixels: sets every thickness
  cv::Scalar skin, hair, shirt, pants, shoes;
  bool long_sleeves = false, long_pants = false;
  std::vector<Occluder> occluders;
};

// Unit torso (pelvis centre to neck = 1), image axes (y down), facing the camera.
std::array<cv::Point2d, K> sample_pose(Rng& r) {
  auto len = [&](double base) { return base * r.uniform(0.9, 1.1) * r.uniform(0.75, 1.0); };  // proportions, foreshortening
  std::array<cv::Point2d, K> p;
  cv::Point2d up = rot({0, -1}, r.uniform(-20, 20) * kDeg);  // torso lean
  cv::Point2d down = -up;
  cv::Point2d right = rot(up, -90 * kDeg);  // the person's right: image left when upright
  p[NECK] = up * r.uniform(0.9, 1.0);
  p[HEAD] = p[NECK] + rot(up, r.uniform(-30, 30) * kDeg) * len(0.45);
  double hip_w = 0.18 * r.uniform(0.85, 1.15), sho_w = 0.25 * r.uniform(0.85, 1.15);
  const int hip[2] = {RHIP, LHIP}, knee[2] = {RKNE, LKNE}, ankle[2] = {RANK, LANK};
  const int sho[2] = {RSHO, LSHO}, elb[2] = {RELB, LELB}, wri[2] = {RWRI, LWRI};
  for (int side = 0; side < 2; ++side) {  // sides independent
    double sg = side == 0 ? 1.0 : -1.0;   // +: rotations toward the person's right
    // Legs: hip angle from leg-down, mostly near standing; knee always folds the
    // shin back toward the midline (a frontal squat, never hyper-extension).
    double h = r.chance(0.6) ? r.uniform(-15, 35) : r.uniform(-30, 110);
    double k = 150 * std::pow(r.uniform(), 1.5);
    cv::Point2d thigh = rot(down, sg * h * kDeg);
    p[hip[side]] = right * (sg * hip_w);
    p[knee[side]] = p[hip[side]] + thigh * len(0.85);
    p[ankle[side]] = p[knee[side]] + rot(thigh, -sg * k * kDeg) * len(0.8);
    // Arms: shoulder from arm-down (-30 crosses the body, 170 is overhead);
    // the elbow folds inward more often than outward.
    double s = r.uniform(-30, 170), e = 150 * std::pow(r.uniform(), 1.2);
    double fold = r.chance(0.7) ? -sg : sg;
    cv::Point2d upper = rot(down, sg * s * kDeg);
    p[sho[side]] = p[NECK] - up * 0.08 + right * (sg * sho_w);
    p[elb[side]] = p[sho[side]] + upper * len(0.55);
    p[wri[side]] = p[elb[side]] + rot(upper, fold * e * kDeg) * len(0.5);
  }
  return p;
}

Scene make_scene(uint64_t seed, int64_t index, int size) {
  Rng r = image_rng(seed, index);  // count-independent
  Scene s;
  s.size = size;
  s.render_seed = r.gen();
  auto pose = sample_pose(r);
  // Global rotation: mostly near upright, a minority anywhere (LSPET gymnasts).
  double angle = (r.chance(0.7) ? r.uniform(-25, 25) : r.uniform(-180, 180)) * kDeg;
  cv::Point2d lo(1e9, 1e9), hi(-1e9, -1e9);
  for (auto& q : pose) {
    q = rot(q, angle);
    lo = {std::min(lo.x, q.x), std::min(lo.y, q.y)};
    hi = {std::max(hi.x, q.x), std::max(hi.y, q.y)};
  }
  double frac = r.uniform(0.45, 0.85);
  double extent = std::max(hi.x - lo.x, hi.y - lo.y) + 0.3;  // + limb thickness
  double scale = frac * size / extent;
  // Centre inside the image; large people may poke a little past the border.
  double half = std::min(0.5, (1 - frac) / 2 + 0.08) * size;
  cv::Point2d mid = (lo + hi) * 0.5, centre((size - 1) / 2.0, (size - 1) / 2.0);
  cv::Point2d target = centre + cv::Point2d(r.uniform(-half, half), r.uniform(-half, half));
  for (int j = 0; j < K; ++j) {  // rounded to float: drawn exactly where labeled
    cv::Point2d q = (pose[j] - mid) * scale + target;
    s.joints[j] = {static_cast<float>(q.x), static_cast<float>(q.y)};
  }
  s.torso = scale;
  double tone = r.uniform();  // skin between dark and light, BGR
  s.skin = cv::Scalar(60 + 120 * tone, 85 + 115 * tone, 120 + 115 * tone) + r.colour(-12, 12);
  s.hair = r.colour(10, 90);
  s.shirt = r.colour(20, 235);
  s.pants = r.colour(20, 235);
  s.shoes = r.colour(0, 120);
  s.long_sleeves = r.chance(0.5);
  s.long_pants = r.chance(0.5);
  // Occluders near a joint, so they actually hide something.
  int n_occ = r.chance(0.3) ? r.integer(1, 2) : 0;
  for (int i = 0; i < n_occ; ++i) {
    cv::Point2d c = s.joints[r.integer(0, K - 1)] + cv::Point2d(r.uniform(-0.3, 0.3), r.uniform(-0.3, 0.3)) * scale;
    s.occluders.push_back(make_occluder(r, c, scale));
  }
  return s;
}

// A leg or an arm: {root, middle, end} joints on the person's right and left,
// the two segments' widths and the end disc's radius in torso lengths.
struct LimbPair {
  std::array<int, 3> right, left;
  double upper, lower, end;
  cv::Scalar upper_colour, lower_colour, end_colour;
};

void draw_person(cv::Mat& img, const Scene& s, Rng& r) {
  const auto& p = s.joints;
  const double T = s.torso;
  const double outline = std::max(2.0, 0.06 * T);
  const cv::Scalar black(15, 15, 15), stripe(240, 240, 240);
  // The person's right limbs carry a light centre stripe; the left ones do
  // not. This is what makes left/right learnable at all. Every limb has a
  // dark outline, so that an arm in front of the same-coloured shirt, or a
  // leg over the other leg, stays visible: before the left limbs had one too,
  // a left wrist over the torso was found by the quickstart's model in 24% of
  // val people against 65% elsewhere (experiments/README.md).
  auto limb = [&](int a, int b, double thick, const cv::Scalar& col, bool is_right) {
    capsule(img, p[a], p[b], thick + outline, black);
    capsule(img, p[a], p[b], thick, col);
    if (is_right) capsule(img, p[a], p[b], std::max(1.0, 0.22 * thick), stripe);
  };
  // Both sides of a leg or an arm, in a random order so neither side is always on top.
  auto limb_pair = [&](const LimbPair& l) {
    const bool right_first = r.chance(0.5);
    for (int i = 0; i < 2; ++i) {
      const bool is_right = (i == 0) == right_first;
      const std::array<int, 3>& j = is_right ? l.right : l.left;
      limb(j[0], j[1], l.upper * T, l.upper_colour, is_right);
      limb(j[1], j[2], l.lower * T, l.lower_colour, is_right);
      disc(img, p[j[2]], l.end * T, l.end_colour);
    }
  };
  // Legs behind the torso.
  limb_pair({{RHIP, RKNE, RANK}, {LHIP, LKNE, LANK}, 0.30, 0.22, 0.11, s.pants, s.long_pants ? s.pants : s.skin, s.shoes});
  // Torso: shirt quad widened a little so shoulder and hip joints sit inside it,
  // with the pants' waist band over its lower part.
  cv::Point2d mid_sho = (p[RSHO] + p[LSHO]) * 0.5, mid_hip = (p[RHIP] + p[LHIP]) * 0.5;
  auto widen = [](cv::Point2d q, cv::Point2d c, double f) { return c + (q - c) * f; };
  polygon(img, {widen(p[RSHO], mid_sho, 1.15), widen(p[LSHO], mid_sho, 1.15),
                widen(p[LHIP], mid_hip, 1.3), widen(p[RHIP], mid_hip, 1.3)}, s.shirt);
  cv::Point2d waist = (mid_sho - mid_hip) * 0.25;
  polygon(img, {widen(p[RHIP], mid_hip, 1.3) + waist, widen(p[LHIP], mid_hip, 1.3) + waist,
                widen(p[LHIP], mid_hip, 1.3), widen(p[RHIP], mid_hip, 1.3)}, s.pants);
  // Head: hair disc touching the head top, face disc below it, and eyes, nose
  // and mouth toward the neck so the head's up direction is visible.
  cv::Point2d axis = p[HEAD] - p[NECK];
  double L = std::max(1e-6, std::hypot(axis.x, axis.y));
  cv::Point2d a = axis / L, side = rot(a, 90 * kDeg);
  cv::Point2d face = p[NECK] + a * (0.54 * L);
  capsule(img, p[NECK], face, 0.17 * T, s.skin);
  disc(img, p[NECK] + a * (0.6 * L), 0.4 * L, s.hair);
  disc(img, face, 0.36 * L, s.skin);
  disc(img, face + a * (0.06 * L) + side * (0.13 * L), 0.05 * L, black);
  disc(img, face + a * (0.06 * L) - side * (0.13 * L), 0.05 * L, black);
  disc(img, face - a * (0.08 * L), 0.05 * L, s.skin * 0.6);
  capsule(img, face - a * (0.2 * L) + side * (0.08 * L), face - a * (0.2 * L) - side * (0.08 * L), 0.03 * L, cv::Scalar(40, 40, 150));
  // Arms in front of the torso (crossed arms stay visible).
  limb_pair({{RSHO, RELB, RWRI}, {LSHO, LELB, LWRI}, 0.19, 0.15, 0.09, s.shirt, s.long_sleeves ? s.shirt : s.skin, s.skin});
}

cv::Mat render(const Scene& s) {
  Rng r(s.render_seed);
  cv::Mat img(s.size, s.size, CV_8UC3);
  draw_background(img, r);
  draw_person(img, s, r);
  draw_occluders(img, s.occluders);
  add_sensor_noise(img, r);
  return img;
}

}  // namespace

RawDataset read_synthetic(const SyntheticOptions& options) {
  synthetic::check_options(options, "synthetic");
  RawDataset ds;
  ds.format = "synthetic";
  ds.num_joints = K;
  ds.images.reserve(options.count);
  for (int i = 0; i < options.count; ++i) {
    Scene scene = make_scene(options.seed, i, options.image_size);
    RawImage im;
    im.source = str("synthetic:", options.seed, ":", i);
    RawPerson person;
    person.xy.resize(2 * K);
    person.labeled.assign(K, 1);
    person.occluded.assign(K, 0);
    for (int j = 0; j < K; ++j) {
      person.xy[2 * j] = static_cast<float>(scene.joints[j].x);
      person.xy[2 * j + 1] = static_cast<float>(scene.joints[j].y);
      person.occluded[j] = occluded_by(scene.occluders, {person.xy[2 * j], person.xy[2 * j + 1]});
    }
    im.people.push_back(std::move(person));
    // By value: prepare calls load() from several threads at once.
    im.load = [scene]() { return render(scene); };
    ds.images.push_back(std::move(im));
  }
  return ds;
}

}  // namespace kplab
