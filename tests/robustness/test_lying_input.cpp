// Input that lies is caught, each with one line naming the file: EXIF
// orientation (counted; a tagged image whose labels fall outside its
// displayed orientation warns), YOLO boxes outside the image, truncated JPEG
// and AVI files given to predict, an empty validation split, duplicate COCO
// annotation ids, an empty image entry in a cache, and a JPEG header that
// claims 60000 x 60000 pixels.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "data/cache.h"
#include "data/prepare.h"
#include "data/raw_dataset.h"
#include "data/readers/readers.h"
#include "export/export_model.h"
#include "models/registry.h"
#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/dataset_fixtures.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::has;
using test::quote;
using test::TempDir;

std::string schema(const std::string& name) { return test::source_dir() + "/datasets/" + name; }

TEST(LyingInput, ExifOrientationIsAppliedCountedAndWarnedAboutWhenLabelsFallOutside) {
  TempDir dir;
  const std::string root = dir.file("coco");
  // Stored 100 wide x 70 tall; the tag (6: turn 90 degrees clockwise) displays it 70 x 100.
  test::write_test_jpeg(root + "/tagged.jpg", 100, 70, 1);
  test::add_exif_orientation(root + "/tagged.jpg", 6);
  test::write_test_jpeg(root + "/plain.jpg", 100, 70, 2);
  EXPECT_EQ(exif_orientation(root + "/tagged.jpg"), 6);
  EXPECT_EQ(exif_orientation(root + "/plain.jpg"), 1);
  EXPECT_EQ(load_image_file(root + "/tagged.jpg").size(), cv::Size(70, 100)) << "pixels in the displayed orientation";
  // Labels on the stored pixels: x up to 82, inside 100 but outside the displayed 70.
  const auto kp = test::coco_keypoints(17, 2, 50, 5);
  test::write_json(root + "/person_keypoints.json",
                   test::coco_json({{1, "tagged.jpg"}, {2, "plain.jpg"}}, {test::CocoPerson(1, kp), test::CocoPerson(2, kp)}, 17));
  const std::string json = dir.file("s.json");
  const test::CliResult r = test::run_kplab(
      dir, "prepare --format coco --root " + quote(root) + " --schema " + quote(schema("lsp.yaml")) + " --from-schema " +
               quote(schema("coco.yaml")) + " --size 32 --split 1,0,0 --out " + quote(dir.file("c.h5")) + " --json " +
               quote(json));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "warning: " + root + "/tagged.jpg: EXIF orientation 6")) << r.err;
  EXPECT_TRUE(has(r.err, "labels are read in the displayed orientation")) << r.err;
  EXPECT_FALSE(has(r.err, "plain.jpg")) << r.err;
  EXPECT_TRUE(has(r.out, "images turned by their EXIF orientation tag (labels read as displayed): 1")) << r.out;
  EXPECT_EQ(nlohmann::json::parse(test::slurp(json))["exif_rotated"], 1);
}

TEST(LyingInput, YoloBoxesOutsideTheImageAreRefused) {
  TempDir dir;
  const std::string root = dir.file("yolo");
  test::write_file(root + "/data.yaml", test::yolo_yaml(14));
  test::YoloPerson p = test::yolo_person(14);
  p.cx = -0.3f;
  test::write_yolo_image(root, "train", "a", {p});
  test::expect_error_with([&] { read_yolo(root, 14); }, {root + "/labels/train/a.txt:1", "cx", "[0, 1]", "-0.3"});
  p.cx = 0.5f;
  p.w = 1.8f;
  test::write_yolo_image(root, "train", "a", {p});
  test::expect_error_with([&] { read_yolo(root, 14); }, {root + "/labels/train/a.txt:1", "w", "[0, 1]", "1.8"});
  p.cx = 0.2f;
  p.w = 0.9f;  // inside [0, 1] as numbers, but its left edge is at -0.25
  test::write_yolo_image(root, "train", "a", {p});
  test::expect_error_with([&] { read_yolo(root, 14); }, {"a.txt:1", "box (cx, w)", "inside the image", "-0.25"});
}

TEST(LyingInput, DuplicateCocoAnnotationIdsAreRefused) {
  TempDir dir;
  test::write_test_jpeg(dir.file("img1.jpg"), 100, 100, 1);
  auto doc = test::coco_json({{1, "img1.jpg"}}, {test::CocoPerson(1, test::coco_keypoints(17)),
                                                 test::CocoPerson(1, test::coco_keypoints(17, 2, 20, 20))}, 17);
  doc["annotations"][1]["id"] = doc["annotations"][0]["id"];
  test::write_json(dir.file("k.json"), doc);
  test::expect_error_with([&] { read_coco(dir.file("k.json"), ""); },
                          {dir.file("k.json"), "annotations[1].id", "unique annotation id", "annotations[0]"});
}

TEST(LyingInput, AnEmptyValidationSplitIsRefusedBeforeTraining) {
  TempDir dir;
  const std::string exp = test::tiny_experiment(dir, test::synthetic_cache(dir, "c.h5", 24, "1,0,0"));
  const test::CliResult r = test::run_kplab(dir, "train " + quote(exp) + " --out " + quote(dir.file("run")), "OMP_NUM_THREADS=1");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, dir.file("c.h5") + ": validation split(s): expected at least one person, found none")) << r.err;
  EXPECT_FALSE(has(r.out + r.err, "-100")) << r.err;
}

TEST(LyingInput, AnEmptyImageEntryInACacheIsNamed) {
  TempDir dir;
  CacheData d = read_cache(test::synthetic_cache(dir, "c.h5", 8, "1,0,0"));
  d.jpeg[3].clear();
  write_cache(dir.file("hole.h5"), d);
  test::expect_error_with([&] { read_cache(dir.file("hole.h5")); }, {dir.file("hole.h5"), "images[3]", "an empty entry"});
}

TEST(LyingInput, AJpegHeaderClaimingSixtyThousandSquaredPixelsIsNamed) {
  TempDir dir;
  const std::string path = dir.file("huge.jpg");
  test::write_test_jpeg(path, 64, 48, 3);
  test::set_jpeg_header_size(path, 60000, 60000);
  test::expect_error_with([&] { load_image_file(path); }, {path, "image", "at most 2^30 pixels"});
}

// predict on files cut short: a model exported once for these tests.
class LyingInputPredict : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    torch::manual_seed(5);
    PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
    onnx_export::export_onnx(*m, dir_->file("lite.onnx"), {});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  test::CliResult predict(const std::string& input) {
    return test::run_kplab(tmp_, "predict " + quote(dir_->file("lite.onnx")) + " --schema " + quote(schema("lsp.yaml")) +
                                     " --input " + quote(input) + " --out " + quote(tmp_.file("out")));
  }
  static TempDir* dir_;
  TempDir tmp_;
};
TempDir* LyingInputPredict::dir_ = nullptr;

TEST_F(LyingInputPredict, ATruncatedJpegIsRefused) {
  const std::string path = tmp_.file("cut.jpg");
  test::write_test_jpeg(path, 96, 80, 4);
  test::cut_file(path, fs::file_size(path) / 2);
  const test::CliResult r = predict(path);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, path + ": image: expected a complete JPEG")) << r.err;
  EXPECT_FALSE(fs::exists(tmp_.file("out")));
}

TEST_F(LyingInputPredict, ATruncatedVideoIsRefusedNamingTheFramesItHas) {
  const std::string path = tmp_.file("clip.avi");
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, cv::Size(96, 64));
    ASSERT_TRUE(w.isOpened());
    for (int i = 0; i < 30; ++i) {
      cv::Mat f(64, 96, CV_8UC3, cv::Scalar(20 * (i % 10), 80, 120));
      cv::circle(f, cv::Point(10 + 2 * i, 32), 8, cv::Scalar(240, 240, 240), cv::FILLED);
      w.write(f);
    }
  }
  test::cut_file(path, fs::file_size(path) / 3);
  const test::CliResult r = predict(path);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(has(r.err, path + ": video: expected 30 frames (as its header states)")) << r.err;
  EXPECT_TRUE(has(r.err, "truncated or damaged")) << r.err;
  EXPECT_FALSE(fs::exists(tmp_.file("out")));
}

}  // namespace
}  // namespace kplab
