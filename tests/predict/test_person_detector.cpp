// PersonDetector: a detector ONNX file that follows the contract
// (src/predict/person_detector.h) gives people in the photo's pixels, best
// first, without boxes under the score threshold or of another class; a file
// that breaks the contract is refused naming it and what it breaks.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "core/error.h"
#include "predict/person_detector.h"
#include "support/detector_onnx.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

using test::expect_error_with;
using test::TempDir;

TEST(PersonDetector, BoxesComeBackInThePhotosPixelsAboveTheScoreAndOfThePersonClass) {
  TempDir dir;
  const std::string onnx = dir.file("det.onnx");
  // Input 32 x 48 (H x W). A 64 x 64 photo is scaled by 0.5 to 32 x 32 and
  // centred: 8 px of grey left and right.
  test::write_detector_onnx(onnx, 32, 48,
                            {{13, 2, 23, 30, 0.6f, 0},      // person -> photo (10, 4)-(30, 60)
                             {8, 0, 40, 32, 0.9f, 0},       // person, whole photo, better score
                             {20, 10, 30, 20, 0.95f, 2},    // a car
                             {20, 10, 30, 20, 0.1f, 0}},    // person below the threshold
                            6);
  PersonDetector d(onnx, 0.25f, 0);
  EXPECT_EQ(d.input_height(), 32);
  EXPECT_EQ(d.input_width(), 48);
  const cv::Mat photo(64, 64, CV_8UC3, cv::Scalar(40, 80, 120));
  auto detect = [&](const PersonDetector& det) { return det.detect({photo}, {"photo.jpg"}).at(0); };
  const auto people = detect(d);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_FLOAT_EQ(people[0].score, 0.9f);
  EXPECT_NEAR(people[0].box.x, 0, 1e-4);
  EXPECT_NEAR(people[0].box.width, 64, 1e-4);
  EXPECT_NEAR(people[1].box.x, 10, 1e-4);
  EXPECT_NEAR(people[1].box.y, 4, 1e-4);
  EXPECT_NEAR(people[1].box.width, 20, 1e-4);
  EXPECT_NEAR(people[1].box.height, 56, 1e-4);
  // Five columns: no class, every box above the threshold counts.
  test::write_detector_onnx(onnx, 32, 48, {{13, 2, 23, 30, 0.6f}, {20, 10, 30, 20, 0.2f}}, 5);
  EXPECT_EQ(detect(PersonDetector(onnx, 0.25f, 0)).size(), 1u);
  // A box wholly in the grey padding is no one.
  test::write_detector_onnx(onnx, 32, 48, {{0, 0, 7, 30, 0.9f}}, 5);
  EXPECT_TRUE(detect(PersonDetector(onnx, 0.25f, 0)).empty());
  // Several photos in one run: each gets its own, mapped with its own letterbox.
  const cv::Mat wide(32, 96, CV_8UC3, cv::Scalar(0, 0, 0));  // scale 0.5, 8 px of grey above and below
  const auto both = PersonDetector(onnx, 0.f, 0).detect({photo, wide}, {"a.jpg", "b.jpg"});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_TRUE(both[0].empty());
  ASSERT_EQ(both[1].size(), 1u);
  EXPECT_NEAR(both[1][0].box.width, 14, 1e-4);   // x 0..7 -> 0..14
  EXPECT_NEAR(both[1][0].box.height, 32, 1e-4);  // y 0..30 -> (-16..44), clipped to 0..32
}

TEST(PersonDetector, AFileThatBreaksTheContractIsRefusedNamingIt) {
  TempDir dir;
  const std::string onnx = dir.file("det.onnx");
  expect_error_with([&] { PersonDetector(onnx, 0.25f, 0); }, {onnx});  // no such file
  test::write_detector_onnx(onnx, 32, 48, {{1, 2, 3, 4, 0.5f, 0}}, 6, /*input_channels=*/1);
  expect_error_with([&] { PersonDetector(onnx, 0.25f, 0); }, {onnx, "detector input 'images'", "1x3xHxW", "1x1x32x48"});
  // Raw YOLO output (1 x 84 x 8400 before NMS), here 1 x 7 x 1200: named, with the way out.
  std::vector<std::vector<float>> raw(7, std::vector<float>(1200, 0.f));
  test::write_detector_onnx(onnx, 32, 48, raw, 1200);
  expect_error_with([&] { PersonDetector(onnx, 0.25f, 0); },
                    {onnx, "detector output 'boxes'", "[1, N, 5] or [1, N, 6]", "1x7x1200", "nms=True"});
  test::write_detector_onnx(onnx, 32, 48, {{1, 2, 3, 4}}, 4);
  expect_error_with([&] { PersonDetector(onnx, 0.25f, 0); }, {onnx, "detector output", "1x1x4"});
}

}  // namespace
}  // namespace kplab
