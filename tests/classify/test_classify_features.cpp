// Posture features (src/classify/posture_features.h): the same person gives
// the same numbers wherever they stand, however large, whichever way they face.
#include <gtest/gtest.h>

#include <cmath>

#include "classify/classify_fixtures.h"
#include "core/csv_table.h"
#include "classify/posture_features.h"
#include "classify/posture_table.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::classify {
namespace {

using test::TempDir;

void expect_near_all(const std::vector<float>& a, const std::vector<float>& b, const std::vector<std::string>& names) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-4) << names[i];
}

TEST(ClassifyFeatures, InvariantToTranslationScaleAndMirroring) {
  TempDir dir;
  const PostureFeatures f(test::write_side_schema(dir.file("side.yaml")), 0.3);
  std::mt19937 rng(1);
  for (bool bad : {false, true}) {
    const test::Person p = test::make_person(bad, rng, {200, 400}, 300, false);
    const auto base = f.compute(p.points, p.visibility);
    auto moved = p.points, mirrored = p.points;
    for (auto& q : moved) q = {q.x * 2.5 - 700, q.y * 2.5 + 90};
    for (auto& q : mirrored) q.x = 1000 - q.x;  // the picture flipped, joint names kept
    expect_near_all(base, f.compute(moved, p.visibility), f.names());
    expect_near_all(base, f.compute(mirrored, p.visibility), f.names());
    // Facing +x after mirroring: the nose is ahead of the hip.
    EXPECT_GT(base[0], 0) << "nose_x";
  }
}

TEST(ClassifyFeatures, NamesNormalisationAndUnseenJoints) {
  TempDir dir;
  const PostureFeatures f(test::write_side_schema(dir.file("side.yaml")), 0.3);
  ASSERT_GE(f.size(), 45);
  EXPECT_EQ(f.names()[0], "nose_x");
  EXPECT_EQ(f.names()[2], "nose_seen");
  EXPECT_EQ(f.groups()[5], "left_ear");
  // Hips at (0, 0), shoulders 100 px above: torso 100; nose 50 ahead, 150 up.
  std::vector<posture::Point2> pts(15, {0, 0});
  std::vector<float> vis(15, 1.f);
  pts[3] = pts[4] = {0, -100};
  pts[0] = {50, -150};
  pts[1] = pts[2] = {30, -140};
  vis[7] = 0.2f;  // left_wrist: below min_visibility
  const auto x = f.compute(pts, vis);
  EXPECT_FLOAT_EQ(x[0], 0.5f);
  EXPECT_FLOAT_EQ(x[1], -1.5f);
  EXPECT_FLOAT_EQ(x[2], 1.f);
  EXPECT_FLOAT_EQ(x[7 * 3], 0.f);
  EXPECT_FLOAT_EQ(x[7 * 3 + 1], 0.f);
  EXPECT_FLOAT_EQ(x[7 * 3 + 2], 0.f);
  // No shoulder seen: no torso, so no joint is placed.
  vis[3] = vis[4] = 0.f;
  const auto none = f.compute(pts, vis);
  for (size_t i = 0; i < 45; ++i) EXPECT_EQ(none[i], 0.f) << f.names()[i];
}

TEST(ClassifyFeatures, SchemaWithoutTorsoIsRefused) {
  TempDir dir;
  test::write_file(dir.file("legs.yaml"),
                   "name: legs\nkeypoints: [left_knee, right_knee, left_ankle, right_ankle]\n"
                   "flip_pairs: [[left_knee, right_knee], [left_ankle, right_ankle]]\n"
                   "skeleton: [[left_knee, left_ankle]]\n");
  const Schema legs = load_schema(dir.file("legs.yaml"));
  test::expect_error_with([&] { PostureFeatures(legs, 0.3); }, {dir.file("legs.yaml"), "left_shoulder", "left_hip"});
}

TEST(ClassifyCsv, QuotedCellsAndEmptyNumbers) {
  TempDir dir;
  test::write_file(dir.file("t.csv"), "source,a,b\r\n\"x,1.jpg\",1.5,\n\"say \"\"hi\"\"\",,2\n");
  const CsvTable t = read_csv_table(dir.file("t.csv"));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][0], "x,1.jpg");
  EXPECT_EQ(t.rows[1][0], "say \"hi\"");
  EXPECT_DOUBLE_EQ(t.number(0, 1), 1.5);
  EXPECT_TRUE(std::isnan(t.number(0, 2)));
  EXPECT_EQ(t.where(1), dir.file("t.csv") + ":3");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
}

}  // namespace
}  // namespace kplab::classify
