// The side-view synthetic reader: shape of what it returns, determinism in
// (seed, index), the truth matching the posture formulas on the labeled
// joints, the good/bad rule with its 2-degree margin, the mix of facings,
// postures and classes, far-side occlusion, and rejection of bad options.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/error.h"
#include "data/readers/readers.h"

namespace {

enum { NOSE, LEAR, REAR, LSHO, RSHO, LELB, RELB, LWRI, RWRI, LHIP, RHIP, LKNE, RKNE, LANK, RANK };

kplab::RawDataset side(int count, uint64_t seed, int size = 96) {
  kplab::SyntheticOptions o;
  o.count = count;
  o.seed = seed;
  o.image_size = size;
  return kplab::read_synthetic_side(o);
}

bool same_bytes(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

bool same_labels(const kplab::RawPerson& a, const kplab::RawPerson& b) {
  return a.xy == b.xy && a.labeled == b.labeled && a.occluded == b.occluded && a.class_id == b.class_id &&
         a.truth == b.truth;
}

cv::Point2d joint(const kplab::RawPerson& p, int j) { return {p.xy[2 * j], p.xy[2 * j + 1]}; }

// Facing image right shows the person's right side (the even index of a pair).
int near(int left, double facing) { return facing > 0 ? left + 1 : left; }

struct Measures {
  double cva, forward_head, neck, trunk;
};

// The task's definitions, written out again from the labels.
Measures recompute(const kplab::RawPerson& p) {
  const double f = p.truth.at("facing"), deg = 180 / 3.14159265358979323846;
  cv::Point2d e = joint(p, near(LEAR, f)), s = joint(p, near(LSHO, f)), h = joint(p, near(LHIP, f));
  double a_t = std::atan2(f * (s.x - h.x), h.y - s.y), a_n = std::atan2(f * (e.x - s.x), s.y - e.y);
  return {90 - a_n * deg, f * (e.x - s.x) / std::hypot(s.x - h.x, s.y - h.y), (a_n - a_t) * deg, a_t * deg};
}

}  // namespace

TEST(SyntheticSide, CountJointsAndFields) {
  auto ds = side(7, 3, 64);
  EXPECT_EQ(ds.format, "synthetic_side");
  EXPECT_EQ(ds.num_joints, 15);
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"good", "bad"}));
  ASSERT_EQ(ds.images.size(), 7u);
  for (size_t i = 0; i < ds.images.size(); ++i) {
    const auto& im = ds.images[i];
    EXPECT_EQ(im.source, "synthetic_side:3:" + std::to_string(i));
    EXPECT_FALSE(im.normalized);
    ASSERT_EQ(im.people.size(), 1u);
    const auto& p = im.people[0];
    EXPECT_EQ(p.xy.size(), 30u);
    EXPECT_EQ(p.labeled, std::vector<uint8_t>(15, 1));
    ASSERT_EQ(p.occluded.size(), 15u);
    for (uint8_t v : p.occluded) EXPECT_LE(v, 1);
    std::vector<std::string> keys;
    for (const auto& kv : p.truth) keys.push_back(kv.first);
    EXPECT_EQ(keys, (std::vector<std::string>{"cva_deg", "facing", "forward_head", "neck_flexion_deg", "sitting",
                                              "trunk_inclination_deg"}));
  }
  cv::Mat img = ds.images[0].load();
  EXPECT_EQ(img.rows, 64);
  EXPECT_EQ(img.cols, 64);
  EXPECT_EQ(img.type(), CV_8UC3);
}

TEST(SyntheticSide, DeterministicAndCountIndependent) {
  auto a = side(5, 42), b = side(5, 42), large = side(40, 42);
  for (int i : {0, 2, 4}) {
    EXPECT_TRUE(same_labels(a.images[i].people[0], b.images[i].people[0])) << "index " << i;
    EXPECT_TRUE(same_labels(a.images[i].people[0], large.images[i].people[0])) << "index " << i;
    cv::Mat img = a.images[i].load();
    EXPECT_TRUE(same_bytes(img, b.images[i].load())) << "index " << i;
    EXPECT_TRUE(same_bytes(img, large.images[i].load())) << "index " << i;
    EXPECT_TRUE(same_bytes(img, a.images[i].load())) << "index " << i;
  }
  auto other = side(5, 43);
  for (int i = 0; i < 5; ++i) EXPECT_NE(a.images[i].people[0].xy, other.images[i].people[0].xy) << "index " << i;
}

TEST(SyntheticSide, JointsInsideTheImage) {
  for (int size : {32, 96, 256}) {
    auto ds = side(100, 5, size);
    for (size_t i = 0; i < ds.images.size(); ++i)
      for (float v : ds.images[i].people[0].xy) {
        EXPECT_GE(v, 0.0f) << "size " << size << " index " << i;
        EXPECT_LE(v, size - 1.0f) << "size " << size << " index " << i;
      }
  }
}

TEST(SyntheticSide, TruthIsTheFormulasOnTheLabels) {
  auto ds = side(200, 11);
  for (size_t i = 0; i < ds.images.size(); ++i) {
    const auto& p = ds.images[i].people[0];
    Measures m = recompute(p);
    EXPECT_NEAR(p.truth.at("cva_deg"), m.cva, 1e-4) << i;
    EXPECT_NEAR(p.truth.at("forward_head"), m.forward_head, 1e-4) << i;
    EXPECT_NEAR(p.truth.at("neck_flexion_deg"), m.neck, 1e-4) << i;
    EXPECT_NEAR(p.truth.at("trunk_inclination_deg"), m.trunk, 1e-4) << i;
    const double f = p.truth.at("facing");
    EXPECT_TRUE(f == 1 || f == -1) << i;
    EXPECT_GT(f * (joint(p, NOSE).x - joint(p, near(LEAR, f)).x), 0) << "nose ahead of the ear, " << i;
  }
}

TEST(SyntheticSide, LabelsFollowTheRuleWithAMargin) {
  auto ds = side(200, 12);
  for (size_t i = 0; i < ds.images.size(); ++i) {
    const auto& p = ds.images[i].people[0];
    double cva = p.truth.at("cva_deg"), neck = p.truth.at("neck_flexion_deg"), trunk = p.truth.at("trunk_inclination_deg");
    bool bad = cva < 50 || neck > 20 || trunk > 20;
    EXPECT_EQ(p.class_id, bad ? 1 : 0) << i;
    EXPECT_GE(std::abs(cva - 50), 2.0) << i;
    EXPECT_GE(std::abs(neck - 20), 2.0) << i;
    EXPECT_GE(std::abs(trunk - 20), 2.0) << i;
  }
}

TEST(SyntheticSide, MixOfFacingsPosturesAndClasses) {
  auto ds = side(200, 13);
  int right = 0, sitting = 0, bad = 0, near_threshold = 0;
  for (const auto& im : ds.images) {
    const auto& p = im.people[0];
    right += p.truth.at("facing") > 0;
    sitting += p.truth.at("sitting") == 1;
    bad += p.class_id;
    near_threshold += std::abs(p.truth.at("trunk_inclination_deg") - 20) < 8 ||
                      std::abs(p.truth.at("neck_flexion_deg") - 20) < 8 || std::abs(p.truth.at("cva_deg") - 50) < 8;
  }
  EXPECT_GT(right, 60);
  EXPECT_LT(right, 140);
  EXPECT_GT(sitting, 60);
  EXPECT_LT(sitting, 140);
  EXPECT_GE(bad, 60);   // 30%
  EXPECT_LE(bad, 140);  // 70%
  EXPECT_GT(near_threshold, 80);  // many within 8 degrees of a threshold
}

TEST(SyntheticSide, FarSideHidden) {
  auto ds = side(100, 14);
  int far_shoulder_hidden = 0, near_visible = 0;
  for (size_t i = 0; i < ds.images.size(); ++i) {
    const auto& p = ds.images[i].people[0];
    const double f = p.truth.at("facing");
    const int far_ear = f > 0 ? LEAR : REAR;
    EXPECT_EQ(p.occluded[far_ear], 1) << i;
    far_shoulder_hidden += p.occluded[f > 0 ? LSHO : RSHO];
    near_visible += !p.occluded[near(LEAR, f)] && !p.occluded[near(LSHO, f)] && !p.occluded[near(LHIP, f)];
  }
  EXPECT_GT(far_shoulder_hidden, 90);  // behind the torso
  EXPECT_GT(near_visible, 80);         // only an occluder hides a near joint
}

TEST(SyntheticSide, BadOptionsNameTheField) {
  auto expect_throw = [](int count, int size, const std::string& field) {
    kplab::SyntheticOptions o;
    o.count = count;
    o.image_size = size;
    try {
      kplab::read_synthetic_side(o);
      ADD_FAILURE() << "no error for " << field;
    } catch (const kplab::Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("synthetic_side"), std::string::npos) << e.what();
    }
  };
  expect_throw(0, 64, "count");
  expect_throw(-3, 64, "count");
  expect_throw(5, 16, "image_size");
  expect_throw(5, 9000, "image_size");
}
