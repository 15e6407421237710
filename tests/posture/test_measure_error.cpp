// The posture measures' error against a generator's truth
// (src/posture/measure_error.h): matched by image file name, per measure
// the absolute error's mean, median and 90th percentile, the bias, how many
// could be measured and the flag agreement; bad tables are named.
#include <gtest/gtest.h>

#include <cmath>

#include "posture/measure_error.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::posture {
namespace {

using test::TempDir;

// truth.csv's layout (images/test/...), and predict's keypoints.csv
// (absolute paths, other columns around the measures).
void write_pair(const TempDir& dir) {
  test::write_file(dir.file("truth.csv"),
                   "source,split,label,cva_deg,neck_flexion_deg,trunk_inclination_deg\n"
                   "images/test/a.jpg,test,good,60,5,10\n"
                   "images/test/b.jpg,test,bad,45,25,20.5\n"
                   "images/test/c.jpg,test,bad,40,10,35\n"
                   "images/train/d.jpg,train,good,70,0,0\n");
  test::write_file(dir.file("keypoints.csv"),
                   "source,frame,cva_deg,neck_flexion_deg,trunk_inclination_deg,shoulder_tilt_deg,posture_notes,crop\n"
                   "/data/set/images/test/a.jpg,0,62,9,10,,\"x, y\",frame\n"
                   "/data/set/images/test/b.jpg,0,51,15,19.5,,,frame\n"
                   "/data/set/images/test/c.jpg,0,37,,,,,frame\n");
}

TEST(MeasureError, PerMeasureErrorsBiasAvailabilityAndFlagAgreement) {
  TempDir dir;
  write_pair(dir);
  const MeasureErrors e = measure_errors(dir.file("truth.csv"), dir.file("keypoints.csv"));
  EXPECT_EQ(e.matched, 3);
  ASSERT_EQ(e.rows.size(), 3u) << "the measures both files have, in the measures' order";
  const MeasureErrorRow& cva = e.rows[0];
  EXPECT_EQ(cva.name, "cva_deg");
  EXPECT_EQ(cva.unit, "deg");
  EXPECT_EQ(cva.n, 3);
  EXPECT_EQ(cva.n_available, 3);
  EXPECT_NEAR(cva.mean_abs, (2 + 6 + 3) / 3.0, 1e-9);
  EXPECT_NEAR(cva.median_abs, 3, 1e-9);
  EXPECT_NEAR(cva.bias, (2 + 6 - 3) / 3.0, 1e-9);
  // Flagged below 50: a 60/62 no/no, b 45/51 yes/no, c 40/37 yes/yes.
  EXPECT_NEAR(cva.flag_agreement, 2 / 3.0, 1e-9);
  const MeasureErrorRow& neck = e.rows[1];
  EXPECT_EQ(neck.name, "neck_flexion_deg");
  EXPECT_EQ(neck.n_available, 2) << "c's neck could not be measured";
  EXPECT_NEAR(neck.mean_abs, (4 + 10) / 2.0, 1e-9);
  EXPECT_NEAR(neck.flag_agreement, 0.5, 1e-9) << "a no/no, b yes/no";
  const MeasureErrorRow& trunk = e.rows[2];
  EXPECT_NEAR(trunk.flag_agreement, 0.5, 1e-9) << "20.5 flagged, 19.5 not";
  const std::string text = e.to_text();
  EXPECT_NE(text.find("neck_flexion_deg"), std::string::npos) << text;
  EXPECT_EQ(e.to_json()["measures"][1]["n_available"], 2);
}

TEST(MeasureError, UnmatchedImagesDuplicatesAndNoCommonMeasureAreNamed) {
  TempDir dir;
  write_pair(dir);
  test::write_file(dir.file("stranger.csv"), "source,cva_deg\n/x/images/test/zzz.jpg,50\n");
  test::expect_error_with([&] { measure_errors(dir.file("truth.csv"), dir.file("stranger.csv")); },
                          {"stranger.csv:2", "zzz.jpg", "truth.csv"});
  test::write_file(dir.file("twice.csv"), "source,cva_deg\n/x/a.jpg,50\n/y/a.jpg,51\n");
  test::expect_error_with([&] { measure_errors(dir.file("truth.csv"), dir.file("twice.csv")); },
                          {"twice.csv:3", "a.jpg"});
  test::write_file(dir.file("none.csv"), "source,left_knee_angle\n/x/a.jpg,170\n");
  test::expect_error_with([&] { measure_errors(dir.file("truth.csv"), dir.file("none.csv")); },
                          {"none.csv", "posture measure"});
  test::expect_error_with([&] { measure_errors(dir.file("missing.csv"), dir.file("none.csv")); }, {"missing.csv"});
}

}  // namespace
}  // namespace kplab::posture
