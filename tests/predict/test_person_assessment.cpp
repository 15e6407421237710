// What predict adds to a person's joints (src/predict/person_assessment.h):
// the posture measures with sentences for the flagged ones, the lines drawn
// on the overlay; and --blur-faces' head region (src/predict/face_blur.h).
#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "data/schema.h"
#include "predict/face_blur.h"
#include "predict/person_assessment.h"
#include "support/cli_run.h"
#include "support/expect_error.h"

namespace kplab {
namespace {

Schema side_schema() { return load_schema(test::source_dir() + "/datasets/posture_side.yaml"); }

// A person seen from the side, facing image right, trunk leaning `trunk`
// degrees forward and the neck a further `neck` degrees: posture_side order.
Pose side_pose(const Schema& s, double trunk, double neck) {
  const double d = 3.14159265358979 / 180;
  Pose p;
  p.points.assign(s.num_joints(), cv::Point2f(0, 0));
  p.visibility.assign(s.num_joints(), 1.f);
  auto at = [&](const char* name) -> cv::Point2f& { return p.points[s.index_of(name)]; };
  const cv::Point2f hip(100, 200);
  const cv::Point2f shoulder = hip + cv::Point2f(100 * std::sin(trunk * d), -100 * std::cos(trunk * d));
  const cv::Point2f ear = shoulder + cv::Point2f(40 * std::sin((trunk + neck) * d), -40 * std::cos((trunk + neck) * d));
  for (const char* side : {"left", "right"}) {
    const std::string n(side);
    at((n + "_hip").c_str()) = hip;
    at((n + "_shoulder").c_str()) = shoulder;
    at((n + "_ear").c_str()) = ear;
    at((n + "_elbow").c_str()) = shoulder + cv::Point2f(0, 45);
    at((n + "_wrist").c_str()) = shoulder + cv::Point2f(35, 60);
    at((n + "_knee").c_str()) = hip + cv::Point2f(60, 0);
    at((n + "_ankle").c_str()) = hip + cv::Point2f(60, 60);
  }
  at("nose") = ear + cv::Point2f(15, 5);
  return p;
}

PredictSetup setup_for(const Schema& schema) {
  PredictSetup s;
  s.schema = schema;
  s.angles = posture::posture_angles(schema.joints);
  s.measurer = posture::PostureMeasurer(schema.joints);
  return s;
}

TEST(PersonAssessment, ASlouchedSideViewIsFlaggedWithSentencesAndAnUprightOneIsNot) {
  const PredictSetup s = setup_for(side_schema());
  const PersonAssessment bad = assess_person(s, side_pose(s.schema, 30, 25), 0.5);
  ASSERT_EQ(bad.posture.values.size(), s.measurer.defs().size());
  EXPECT_EQ(bad.posture.view, posture::View::Side);
  EXPECT_NE(std::find(bad.flagged.begin(), bad.flagged.end(), "trunk_inclination_deg"), bad.flagged.end());
  EXPECT_NE(std::find(bad.flagged.begin(), bad.flagged.end(), "neck_flexion_deg"), bad.flagged.end());
  ASSERT_EQ(bad.sentences.size(), bad.flagged.size());
  bool says_trunk = false;
  for (const auto& line : bad.sentences) says_trunk = says_trunk || line.find("30") != std::string::npos;
  EXPECT_TRUE(says_trunk) << "the sentences carry the numbers";

  const PersonAssessment good = assess_person(s, side_pose(s.schema, 5, 5), 0.5);
  EXPECT_TRUE(good.flagged.empty());
  EXPECT_EQ(assessment_lines(good), (std::vector<std::string>{"posture: no measure past its threshold"}));
}

TEST(PersonAssessment, ThePanelKeepsTheImageSizeAndWritesOnlyInTheBottomBand) {
  const PredictSetup s = setup_for(side_schema());
  const cv::Mat image(240, 320, CV_8UC3, cv::Scalar(200, 200, 200));
  const PersonAssessment a = assess_person(s, side_pose(s.schema, 30, 25), 0.5);
  const cv::Mat shown = with_posture_panel(image, s, {a});
  ASSERT_EQ(shown.size(), image.size());
  cv::Mat diff;
  cv::absdiff(shown, image, diff);
  cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
  EXPECT_EQ(cv::countNonZero(diff.rowRange(0, 120)), 0) << "the picture's top half untouched";
  EXPECT_GT(cv::countNonZero(diff.rowRange(200, 240)), 0) << "the lines at the bottom";

  // A schema that makes no posture measure leaves the overlay as it was.
  Schema bare;
  bare.name = "bare";
  bare.joints = {"a", "b"};
  const PredictSetup none = setup_for(bare);
  cv::absdiff(with_posture_panel(image, none, {}), image, diff);
  EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0);
}

TEST(FaceBlur, TheHeadCircleFollowsTheFaceJointsAndASchemaWithoutThemIsRefused) {
  const Schema schema = side_schema();
  const FaceBlur blur(schema);
  const Pose p = side_pose(schema, 0, 0);
  const cv::Vec3f c = blur.head_circle(p);
  const cv::Point2f ear = p.points[schema.index_of("left_ear")], nose = p.points[schema.index_of("nose")];
  EXPECT_LT(cv::norm(cv::Point2f(c[0], c[1]) - (ear + ear + nose) * (1.f / 3)), 1.0) << "centre of nose and ears";
  EXPECT_GE(c[2], 0.45f * 40 - 1) << "at least a head's size, not the nose-ear spread alone";

  // Applied: the head circle loses the fine pattern; the rest is untouched.
  cv::Mat board(260, 260, CV_8UC3);
  for (int y = 0; y < board.rows; ++y)
    for (int x = 0; x < board.cols; ++x)
      board.at<cv::Vec3b>(y, x) = ((x / 2 + y / 2) % 2) ? cv::Vec3b(230, 230, 230) : cv::Vec3b(20, 20, 20);
  cv::Mat shown = board.clone();
  blur.apply(shown, p);
  const cv::Rect inner(static_cast<int>(c[0] - c[2] / 2), static_cast<int>(c[1] - c[2] / 2), static_cast<int>(c[2]),
                       static_cast<int>(c[2]));
  cv::Scalar m0, s0, m1, s1;
  cv::meanStdDev(board(inner), m0, s0);
  cv::meanStdDev(shown(inner), m1, s1);
  EXPECT_LT(s1[0], 0.3 * s0[0]);
  cv::Mat diff;
  cv::absdiff(board, shown, diff);
  cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
  cv::Mat outside(diff.size(), CV_8U, cv::Scalar(255));
  cv::circle(outside, cv::Point(static_cast<int>(c[0]), static_cast<int>(c[1])), static_cast<int>(c[2]) + 2, cv::Scalar(0),
             cv::FILLED);
  EXPECT_EQ(cv::countNonZero(diff & outside), 0);

  Schema bare;
  bare.name = "bare";
  bare.path = "bare.yaml";
  bare.joints = {"left_knee", "right_knee"};
  test::expect_error_with([&] { FaceBlur{bare}; }, {"bare.yaml", "--blur-faces", "head_top"});
}

}  // namespace
}  // namespace kplab
