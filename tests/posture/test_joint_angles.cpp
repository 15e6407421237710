// Joint angles: golden values (right angle, straight, folded), degenerate and
// missing joints, signed inclination, and the LSP schema's posture angles.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "posture/joint_angles.h"

namespace kplab::posture {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<std::string> kLsp = {"right_ankle",    "right_knee",    "right_hip",  "left_hip",  "left_knee",
                                       "left_ankle",     "right_wrist",   "right_elbow", "right_shoulder",
                                       "left_shoulder",  "left_elbow",    "left_wrist", "neck",      "head_top"};

int idx(const std::string& name) {
  for (size_t i = 0; i < kLsp.size(); ++i)
    if (kLsp[i] == name) return static_cast<int>(i);
  return -1;
}

TEST(JointAngles, RightAngleIsNinetyStraightIsOneEightyFoldedIsZero) {
  EXPECT_NEAR(angle_at({1, 0}, {0, 0}, {0, 1}), 90.0, 1e-12);
  EXPECT_NEAR(angle_at({-3, 5}, {-3, 2}, {4, 2}), 90.0, 1e-12);  // off the origin, unequal arm lengths
  EXPECT_NEAR(angle_at({0, 0}, {1, 1}, {2, 2}), 180.0, 1e-12);
  EXPECT_NEAR(angle_at({2, 0}, {0, 0}, {5, 0}), 0.0, 1e-12);
  EXPECT_NEAR(angle_at({1, 0}, {0, 0}, {1, 1}), 45.0, 1e-12);
  EXPECT_NEAR(angle_at({1, 0}, {0, 0}, {-1, std::sqrt(3.0)}), 120.0, 1e-12);
  // Symmetric in a and c.
  EXPECT_DOUBLE_EQ(angle_at({3, 1}, {0, 0}, {-2, 5}), angle_at({-2, 5}, {0, 0}, {3, 1}));
}

TEST(JointAngles, NearlyStraightStaysAccurate) {
  // acos of a normalised dot product would lose this; atan2 keeps it.
  EXPECT_NEAR(angle_at({-1000, 0}, {0, 0}, {1000, 1e-3}), 180.0 - 1e-3 / 1000 * 180 / M_PI, 1e-9);
}

TEST(JointAngles, DegenerateOrNonFiniteIsNaN) {
  EXPECT_TRUE(std::isnan(angle_at({0, 0}, {0, 0}, {1, 1})));  // a coincides with b
  EXPECT_TRUE(std::isnan(angle_at({1, 1}, {0, 0}, {0, 0})));  // c coincides with b
  EXPECT_TRUE(std::isnan(angle_at({kNaN, 0}, {0, 0}, {0, 1})));
  EXPECT_TRUE(std::isnan(angle_at({1, 0}, {0, INFINITY}, {0, 1})));
  EXPECT_TRUE(std::isnan(inclination_from_vertical({1, 1}, {1, 1})));
  EXPECT_TRUE(std::isnan(inclination_from_vertical({kNaN, 1}, {1, 0})));
}

TEST(JointAngles, InclinationIsSignedFromTheUpwardVertical) {
  // Image y grows downwards: head_top above the neck has the smaller y.
  EXPECT_NEAR(inclination_from_vertical({10, 10}, {10, 0}), 0.0, 1e-12);     // upright
  EXPECT_NEAR(inclination_from_vertical({10, 10}, {20, 0}), 45.0, 1e-12);    // leaning to the image's right
  EXPECT_NEAR(inclination_from_vertical({10, 10}, {0, 0}), -45.0, 1e-12);    // to the left
  EXPECT_NEAR(inclination_from_vertical({10, 10}, {20, 10}), 90.0, 1e-12);   // horizontal
  EXPECT_NEAR(inclination_from_vertical({10, 10}, {10, 20}), 180.0, 1e-12);  // upside down: +180, never -180
  EXPECT_NEAR(inclination_from_vertical({0, 0}, {1, -std::sqrt(3.0)}), 30.0, 1e-12);
}

TEST(JointAngles, LspSchemaGivesKneesHipsAndNeckInclination) {
  const auto defs = posture_angles(kLsp);
  ASSERT_EQ(defs.size(), 5u);
  EXPECT_EQ(defs[0].name, "left_knee");
  EXPECT_EQ(defs[0].joints, (std::vector<int>{idx("left_hip"), idx("left_knee"), idx("left_ankle")}));
  EXPECT_EQ(defs[1].name, "right_knee");
  EXPECT_EQ(defs[1].joints, (std::vector<int>{idx("right_hip"), idx("right_knee"), idx("right_ankle")}));
  EXPECT_EQ(defs[2].name, "left_hip");
  EXPECT_EQ(defs[2].joints, (std::vector<int>{idx("left_shoulder"), idx("left_hip"), idx("left_knee")}));
  EXPECT_EQ(defs[3].name, "right_hip");
  EXPECT_EQ(defs[3].joints, (std::vector<int>{idx("right_shoulder"), idx("right_hip"), idx("right_knee")}));
  EXPECT_EQ(defs[4].name, "neck_inclination");
  EXPECT_EQ(defs[4].kind, AngleDef::Kind::Inclination);
  EXPECT_EQ(defs[4].joints, (std::vector<int>{idx("neck"), idx("head_top")}));
}

TEST(JointAngles, SchemaWithoutSomeJointsOmitsTheirAngles) {
  // A COCO-like schema: no neck or head_top, so no neck inclination.
  const auto defs = posture_angles({"left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee",
                                    "right_knee", "left_ankle", "right_ankle", "nose"});
  std::vector<std::string> names;
  for (const auto& d : defs) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"left_knee", "right_knee", "left_hip", "right_hip"}));
  EXPECT_TRUE(posture_angles({"nose"}).empty());
}

// A standing person in LSP order, right side of the image = person's left.
std::vector<Point2> standing() {
  std::vector<Point2> p(kLsp.size());
  p[idx("right_ankle")] = {40, 200};
  p[idx("right_knee")] = {40, 150};
  p[idx("right_hip")] = {40, 100};
  p[idx("left_hip")] = {60, 100};
  p[idx("left_knee")] = {60, 150};
  p[idx("left_ankle")] = {110, 150};  // left shin held horizontally: a right angle at the knee
  p[idx("right_shoulder")] = {40, 40};
  p[idx("left_shoulder")] = {60, 40};
  p[idx("right_elbow")] = {30, 70};
  p[idx("left_elbow")] = {70, 70};
  p[idx("right_wrist")] = {30, 100};
  p[idx("left_wrist")] = {70, 100};
  p[idx("neck")] = {50, 35};
  p[idx("head_top")] = {60, 25};  // head tilted 45 degrees to the image's right
  return p;
}

TEST(JointAngles, ComputeAnglesForAPerson) {
  const auto defs = posture_angles(kLsp);
  const std::vector<float> vis(kLsp.size(), 0.9f);
  const auto a = compute_angles(defs, standing(), vis, 0.5);
  ASSERT_EQ(a.size(), 5u);
  EXPECT_NEAR(a[0], 90.0, 1e-9);   // left knee
  EXPECT_NEAR(a[1], 180.0, 1e-9);  // right knee straight
  EXPECT_NEAR(a[2], 180.0, 1e-9);  // left hip: shoulder, hip, knee in a vertical line
  EXPECT_NEAR(a[3], 180.0, 1e-9);
  EXPECT_NEAR(a[4], 45.0, 1e-9);   // neck inclination
}

TEST(JointAngles, AJointBelowTheVisibilityThresholdVoidsOnlyItsAngles) {
  const auto defs = posture_angles(kLsp);
  std::vector<float> vis(kLsp.size(), 0.9f);
  vis[idx("left_ankle")] = 0.2f;
  vis[idx("head_top")] = 0.5f;  // exactly on the threshold counts as seen
  auto a = compute_angles(defs, standing(), vis, 0.5);
  EXPECT_TRUE(std::isnan(a[0])) << "left knee needs the left ankle";
  EXPECT_NEAR(a[1], 180.0, 1e-9);
  EXPECT_NEAR(a[2], 180.0, 1e-9);
  EXPECT_NEAR(a[4], 45.0, 1e-9);

  vis[idx("left_hip")] = std::numeric_limits<float>::quiet_NaN();  // NaN visibility is not seen
  a = compute_angles(defs, standing(), vis, 0.5);
  EXPECT_TRUE(std::isnan(a[2])) << "left hip angle needs the left hip";
  EXPECT_NEAR(a[3], 180.0, 1e-9);

  a = compute_angles(defs, standing(), std::vector<float>(kLsp.size(), 0.4f), 0.5);
  for (double v : a) EXPECT_TRUE(std::isnan(v));
  a = compute_angles(defs, standing(), std::vector<float>(kLsp.size(), 0.4f), 0.0);
  for (double v : a) EXPECT_FALSE(std::isnan(v));
}

TEST(JointAngles, MismatchedInputsAreErrors) {
  const auto defs = posture_angles(kLsp);
  EXPECT_THROW(compute_angles(defs, standing(), std::vector<float>(3, 1.f), 0.5), Error);
  EXPECT_THROW(compute_angles(defs, std::vector<Point2>(3), std::vector<float>(3, 1.f), 0.5), Error);
}

TEST(JointAngles, MeanOfFiniteSkipsMissing) {
  EXPECT_DOUBLE_EQ(mean_of_finite({100, 120}), 110);
  EXPECT_DOUBLE_EQ(mean_of_finite({kNaN, 120}), 120);
  EXPECT_TRUE(std::isnan(mean_of_finite({kNaN, kNaN})));
  EXPECT_TRUE(std::isnan(mean_of_finite({})));
}

}  // namespace
}  // namespace kplab::posture
