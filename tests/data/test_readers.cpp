// Dataset readers (LSP/LSPET, YOLO-pose, COCO) on tiny generated fixtures:
// the values they produce, and one clear kplab::Error per bad input.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>

#include "core/error.h"
#include "data/readers/readers.h"
#include "support/dataset_fixtures.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// ---------------------------------------------------------------- LSP / LSPET

TEST(LspReader, LspetLayoutReadsPeopleAndMasksUnlabeledJoints) {
  TempDir dir;
  std::vector<test::LspJoints> people = {test::lsp_person(1), test::lsp_person(1, 100), test::lsp_person(1, 200)};
  people[1][3] = {0.f, 0.f, 0.f};      // unlabeled at (0, 0)
  people[1][7] = {NAN, NAN, 0.f};      // unlabeled NaN: tolerated
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", people);
  test::write_lsp_images(dir.file("images"), "lspet", 3);

  RawDataset ds = read_lsp(dir.path().string());
  EXPECT_EQ(ds.format, "lsp");
  EXPECT_EQ(ds.num_joints, 14);
  ASSERT_EQ(ds.images.size(), 3u);
  EXPECT_EQ(ds.images[1].source, (dir.path() / "images" / "im00002.jpg").string());
  EXPECT_FALSE(ds.images[0].normalized);
  for (const auto& img : ds.images) {
    ASSERT_EQ(img.people.size(), 1u);
    EXPECT_FALSE(img.people[0].has_box);
    ASSERT_EQ(img.people[0].xy.size(), 28u);
  }
  const RawPerson& p = ds.images[1].people[0];
  EXPECT_FLOAT_EQ(p.xy[0], 110.f);             // joint 0: x = 10 + 100
  EXPECT_FLOAT_EQ(p.xy[1], 105.f);             //          y = 5 + 100
  EXPECT_FLOAT_EQ(p.xy[2 * 13], 10.f + 39 + 100);
  EXPECT_FLOAT_EQ(p.xy[2 * 13 + 1], 5.f + 26 + 100);
  for (int j = 0; j < 14; ++j) {
    EXPECT_EQ(p.labeled[j], (j == 3 || j == 7) ? 0 : 1) << "joint " << j;
    EXPECT_EQ(p.occluded[j], 0) << "joint " << j;
    EXPECT_TRUE(std::isfinite(p.xy[2 * j]) && std::isfinite(p.xy[2 * j + 1])) << "joint " << j;
  }
  EXPECT_EQ(ds.stats.masked_joints["unlabeled"], 2);
}

TEST(LspReader, OriginalLspLayoutMarksFlagOneOccluded) {
  TempDir dir;
  std::vector<test::LspJoints> people = {test::lsp_person(0), test::lsp_person(0, 50)};
  people[0][4][2] = 1;   // occluded
  people[1][12][2] = 1;
  test::write_lsp_mat(dir.file("joints.mat"), "lsp", people);
  test::write_lsp_images(dir.path().string(), "lsp", 2);   // directly in the root

  RawDataset ds = read_lsp(dir.path().string());
  ASSERT_EQ(ds.images.size(), 2u);
  EXPECT_EQ(ds.images[0].source, (dir.path() / "im0001.jpg").string());
  EXPECT_EQ(ds.images[1].source, (dir.path() / "im0002.jpg").string());
  const RawPerson& p0 = ds.images[0].people[0];
  const RawPerson& p1 = ds.images[1].people[0];
  for (int j = 0; j < 14; ++j) {
    EXPECT_EQ(p0.labeled[j], 1);
    EXPECT_EQ(p1.labeled[j], 1);
    EXPECT_EQ(p0.occluded[j], j == 4 ? 1 : 0) << "joint " << j;
    EXPECT_EQ(p1.occluded[j], j == 12 ? 1 : 0) << "joint " << j;
  }
  EXPECT_FLOAT_EQ(p1.xy[2 * 5], 10.f + 15 + 50);
  EXPECT_FLOAT_EQ(p1.xy[2 * 5 + 1], 5.f + 10 + 50);
  EXPECT_TRUE(ds.stats.masked_joints.empty());
}

TEST(LspReader, SingleImageFileWithoutTrailingDimensionIsOneImage) {
  TempDir dir;
  std::vector<double> data(14 * 3, 1.0);   // 14x3: all x = y = flag = 1
  test::write_mat_array(dir.file("joints.mat"), "joints", {14, 3}, data);
  test::write_lsp_images(dir.file("images"), "lspet", 1);
  RawDataset ds = read_lsp(dir.path().string());
  ASSERT_EQ(ds.images.size(), 1u);
  EXPECT_EQ(ds.images[0].people[0].labeled[13], 1);
}

TEST(LspReader, LoaderDecodesTheImage) {
  TempDir dir;
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", {test::lsp_person(1)});
  test::write_lsp_images(dir.file("images"), "lspet", 1, 40, 30);
  RawDataset ds = read_lsp(dir.path().string());
  cv::Mat img = ds.images[0].load();
  EXPECT_EQ(img.cols, 40);
  EXPECT_EQ(img.rows, 30);
  EXPECT_EQ(img.channels(), 3);
}

TEST(LspReader, CorruptJpegFailsAtLoadNamingThePath) {
  TempDir dir;
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", {test::lsp_person(1)});
  const std::string path = dir.file("images/im00001.jpg");
  test::write_file(path, "this is not a jpeg at all, just some bytes");
  RawDataset ds = read_lsp(dir.path().string());   // reading does not decode
  ASSERT_EQ(ds.images.size(), 1u);
  test::expect_error_with([&] { ds.images[0].load(); }, {path});
}

TEST(LspReader, MissingJointsMatFails) {
  TempDir dir;
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "no such file"});
}

TEST(LspReader, TruncatedOrEmptyMatFileFails) {
  TempDir dir;
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", {test::lsp_person(1), test::lsp_person(1)});
  test::write_lsp_images(dir.file("images"), "lspet", 2);
  fs::resize_file(dir.file("joints.mat"), fs::file_size(dir.file("joints.mat")) - 100);
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "truncated"});
  test::write_file(dir.file("joints.mat"), "");
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "a file of 0 bytes"});
}

TEST(LspReader, MissingImageFailsNamingFileAndIndex) {
  TempDir dir;
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", {test::lsp_person(1), test::lsp_person(1), test::lsp_person(1)});
  test::write_lsp_images(dir.file("images"), "lspet", 2);
  test::expect_error_with([&] { read_lsp(dir.path().string()); },
                        {"joints.mat", "joints[:, :, 2]", "im00003.jpg", "no such file"});
}

TEST(LspReader, WrongVariableNameListsTheNamesFound) {
  TempDir dir;
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", {test::lsp_person(1)}, "poses");
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "'joints'", "'poses'"});
}

TEST(LspReader, WrongShapeFails) {
  TempDir dir;
  test::write_mat_array(dir.file("joints.mat"), "joints", {14, 2, 5});
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "14x3xN", "3x14xN", "found 14x2x5"});
  test::write_mat_array(dir.file("joints.mat"), "joints", {14, 3, 2, 2});
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "found 14x3x2x2"});
}

TEST(LspReader, NanCoordinateOfLabeledJointFails) {
  TempDir dir;
  std::vector<test::LspJoints> people = {test::lsp_person(1), test::lsp_person(1)};
  people[1][3][1] = NAN;
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", people);
  test::write_lsp_images(dir.file("images"), "lspet", 2);
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "joints[:, :, 1] joint 3", "NaN"});
}

TEST(LspReader, FlagOtherThanZeroOrOneFails) {
  TempDir dir;
  std::vector<test::LspJoints> people = {test::lsp_person(1)};
  people[0][6][2] = 2;
  test::write_lsp_mat(dir.file("joints.mat"), "lspet", people);
  test::write_lsp_images(dir.file("images"), "lspet", 1);
  test::expect_error_with([&] { read_lsp(dir.path().string()); }, {"joints.mat", "joint 6 flag", "0 or 1", "found 2"});
}

// ---------------------------------------------------------------- YOLO-pose

constexpr int kYoloK = 4;

TEST(YoloReader, TwoPeopleInOneImageWithFlagsAndBoxes) {
  TempDir dir;
  const std::string root = dir.path().string();
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK, 3, "flip_idx: [0, 2, 1, 3]\nnc: 1\nextra_key: 7\n"));
  test::YoloPerson a = test::yolo_person(kYoloK, 2);
  test::YoloPerson b = test::yolo_person(kYoloK, 2);
  b.cx = 0.25f, b.cy = 0.4f, b.w = 0.3f, b.h = 0.6f;
  b.kpts[0] = {0.f, 0.f, 0.f};     // unlabeled
  b.kpts[1][2] = 1;                // occluded
  test::write_yolo_image(root, "train", "a", {a, b});
  test::write_yolo_image(root, "val", "v", {a});

  RawDataset ds = read_yolo(root, kYoloK);
  EXPECT_EQ(ds.format, "yolo");
  EXPECT_EQ(ds.num_joints, kYoloK);
  ASSERT_EQ(ds.images.size(), 2u);
  const RawImage& img = ds.images[0];
  EXPECT_TRUE(ends_with(img.source, "images/train/a.jpg")) << img.source;
  EXPECT_TRUE(img.normalized);
  EXPECT_EQ(img.split, 0);
  ASSERT_EQ(img.people.size(), 2u);
  const RawPerson& pa = img.people[0];
  const RawPerson& pb = img.people[1];
  EXPECT_TRUE(pb.has_box);
  EXPECT_NEAR(pb.box[0], 0.25f - 0.15f, 1e-6);
  EXPECT_NEAR(pb.box[1], 0.4f - 0.3f, 1e-6);
  EXPECT_NEAR(pb.box[2], 0.3f, 1e-6);
  EXPECT_NEAR(pb.box[3], 0.6f, 1e-6);
  EXPECT_NEAR(pa.xy[2 * 3], 0.1f + 0.15f, 1e-6);
  EXPECT_NEAR(pa.xy[2 * 3 + 1], 0.2f + 0.09f, 1e-6);
  for (int j = 0; j < kYoloK; ++j) {
    EXPECT_EQ(pa.labeled[j], 1);
    EXPECT_EQ(pa.occluded[j], 0);
  }
  EXPECT_EQ(pb.labeled[0], 0);
  EXPECT_EQ(pb.labeled[1], 1);
  EXPECT_EQ(pb.occluded[1], 1);
  EXPECT_EQ(pb.labeled[2], 1);
  EXPECT_EQ(pb.occluded[2], 0);
  EXPECT_EQ(ds.stats.masked_joints["unlabeled"], 1);
  EXPECT_EQ(ds.images[1].split, 1);
}

TEST(YoloReader, RoboflowExportsSayDotDotFromBesideTheirFolders) {
  // Roboflow/Kaggle: ROOT/data.yaml names "../train/images" for ROOT/train/images (Ultralytics drops the "../").
  TempDir dir;
  const auto p = test::yolo_person(kYoloK);
  for (const char* split : {"train", "valid"}) {
    test::write_test_jpeg(dir.file(std::string(split) + "/images/a.jpg"), 64, 48, 1);
    test::write_file(dir.file(std::string(split) + "/labels/a.txt"), test::yolo_label_line(p) + "\n");
  }
  test::write_file(dir.file("data.yaml"), str("train: ../train/images\nval: ../valid/images\nkpt_shape: [", kYoloK,
                                              ", 3]\nnames: {0: person}\n"));
  RawDataset ds = read_yolo(dir.path().string(), kYoloK);
  ASSERT_EQ(ds.images.size(), 2u);
  EXPECT_EQ(ds.images[0].people.size(), 1u);
  EXPECT_EQ(ds.images[1].split, 1);
}

TEST(YoloReader, AFlipIdxThatDisagreesWithTheSchemaIsRefusedNamingBoth) {
  TempDir dir;
  const std::string root = dir.path().string();
  test::write_yolo_image(root, "train", "a", {test::yolo_person(kYoloK)});
  test::write_yolo_image(root, "val", "v", {test::yolo_person(kYoloK)});
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK, 3, "flip_idx: [0, 2, 1, 3]\n"));
  EXPECT_NO_THROW(read_yolo(root, kYoloK, {0, 2, 1, 3}, "mine"));
  test::expect_error_with([&] { read_yolo(root, kYoloK, {1, 0, 2, 3}, "mine, mine.yaml"); },
                          {"data.yaml", "flip_idx", "[1, 0, 2, 3] (the flip pairs of schema mine, mine.yaml)",
                           "found [0, 2, 1, 3]"});
}

TEST(YoloReader, SplitsFromFoldersAndImagesWithoutLabels) {
  TempDir dir;
  const std::string root = dir.path().string();
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK, 3, "test: images/test\n"));
  auto p = test::yolo_person(kYoloK);
  test::write_yolo_image(root, "train", "b", {p});
  test::write_yolo_image(root, "train", "a", {p, p});
  test::write_yolo_image(root, "val", "nolabel", {}, 3, /*with_label=*/false);
  test::write_yolo_image(root, "val", "empty", {});   // empty label file: a background image
  test::write_yolo_image(root, "test", "t", {p});
  test::write_file(dir.file("images/train/notes.txt"), "not an image");

  RawDataset ds = read_yolo(dir.file("data.yaml"), kYoloK);   // the yaml file itself works too
  ASSERT_EQ(ds.images.size(), 5u);
  EXPECT_TRUE(ends_with(ds.images[0].source, "train/a.jpg"));   // sorted
  EXPECT_TRUE(ends_with(ds.images[1].source, "train/b.jpg"));
  EXPECT_EQ(ds.images[0].people.size(), 2u);
  EXPECT_EQ(ds.images[0].split, 0);
  EXPECT_EQ(ds.images[1].split, 0);
  EXPECT_EQ(ds.images[2].split, 1);
  EXPECT_EQ(ds.images[3].split, 1);
  EXPECT_EQ(ds.images[4].split, 2);
  EXPECT_TRUE(ds.images[2].people.empty());
  EXPECT_TRUE(ds.images[3].people.empty());
  EXPECT_EQ(ds.stats.skipped_people["no label file (images)"], 1);
}

TEST(YoloReader, PathKeyIsRelativeToTheYamlFolder) {
  TempDir dir;
  test::write_yolo_image(dir.file("ds"), "train", "a", {test::yolo_person(kYoloK)});
  test::write_yolo_image(dir.file("ds"), "val", "b", {test::yolo_person(kYoloK)});
  test::write_file(dir.file("cfg/data.yaml"), "path: ../ds\n" + test::yolo_yaml(kYoloK));
  RawDataset ds = read_yolo(dir.file("cfg"), kYoloK);
  ASSERT_EQ(ds.images.size(), 2u);
  EXPECT_EQ(ds.images[0].people.size(), 1u);
}

TEST(YoloReader, TwoDimensionalKeypointsUseZeroZeroAsUnlabeled) {
  TempDir dir;
  const std::string root = dir.path().string();
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK, 2));
  auto p = test::yolo_person(kYoloK);
  p.kpts[2] = {0.f, 0.f, 0.f};
  test::write_yolo_image(root, "train", "a", {p}, 2);
  test::write_yolo_image(root, "val", "b", {p}, 2);
  RawDataset ds = read_yolo(root, kYoloK);
  const RawPerson& q = ds.images[0].people.at(0);
  EXPECT_EQ(q.labeled[0], 1);
  EXPECT_EQ(q.labeled[2], 0);
  EXPECT_EQ(q.occluded[1], 0);
  EXPECT_EQ(ds.stats.masked_joints["unlabeled"], 2);
}

TEST(YoloReader, LoaderDecodesTheImage) {
  TempDir dir;
  const std::string root = dir.path().string();
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK));
  test::write_yolo_image(root, "train", "a", {test::yolo_person(kYoloK)}, 3, true, 52, 36);
  test::write_yolo_image(root, "val", "b", {});
  RawDataset ds = read_yolo(root, kYoloK);
  cv::Mat img = ds.images[0].load();
  EXPECT_EQ(img.cols, 52);
  EXPECT_EQ(img.rows, 36);
}

TEST(YoloReader, WrongColumnCountNamesFileLineAndCounts) {
  TempDir dir;
  const std::string root = dir.path().string();
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK));
  test::write_yolo_image(root, "train", "a", {});
  test::write_yolo_image(root, "val", "b", {});
  auto good = test::yolo_label_line(test::yolo_person(kYoloK));
  test::write_file(dir.file("labels/train/a.txt"), good + "\n0 0.5 0.5 0.2 0.2 0.1 0.1 2\n");
  test::expect_error_with([&] { read_yolo(root, kYoloK); }, {"labels/train/a.txt:2", "expected 17", "found 8"});
}

TEST(YoloReader, BadValuesFail) {
  TempDir dir;
  const std::string root = dir.path().string();
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK));
  test::write_yolo_image(root, "train", "a", {});
  test::write_yolo_image(root, "val", "b", {});
  auto write_with = [&](const std::function<void(test::YoloPerson&)>& edit) {
    auto p = test::yolo_person(kYoloK);
    edit(p);
    test::write_file(dir.file("labels/train/a.txt"), test::yolo_label_line(p) + "\n");
  };
  write_with([](test::YoloPerson& p) { p.kpts[1][2] = 3; });
  test::expect_error_with([&] { read_yolo(root, kYoloK); }, {"a.txt:1", "keypoint 1 v", "found '3'"});
  write_with([](test::YoloPerson& p) { p.kpts[2][0] = 5.f; });
  test::expect_error_with([&] { read_yolo(root, kYoloK); }, {"a.txt:1", "keypoint 2 x", "found '5'"});
  write_with([](test::YoloPerson& p) { p.cx = NAN; });
  test::expect_error_with([&] { read_yolo(root, kYoloK); }, {"a.txt:1", "cx", "nan"});
  write_with([](test::YoloPerson& p) { p.cls = 1; });   // names has class 0 only
  test::expect_error_with([&] { read_yolo(root, kYoloK); }, {"a.txt:1", "class id", "found '1'"});
  std::string line = test::yolo_label_line(test::yolo_person(kYoloK));   // "0 0.5 0.5 ..."
  test::write_file(dir.file("labels/train/a.txt"), line.replace(2, 3, "abc") + "\n");
  test::expect_error_with([&] { read_yolo(root, kYoloK); }, {"a.txt:1", "column 2", "expected a number", "found 'abc'"});
}

TEST(YoloReader, KptShapeMustMatchTheSchema) {
  TempDir dir;
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK));
  test::expect_error_with([&] { read_yolo(dir.path().string(), 17); },
                        {"data.yaml", "kpt_shape", "expected [17, 3]", "found [4, 3]"});
}

TEST(YoloReader, MissingNamesFails) {
  TempDir dir;
  test::write_yolo_image(dir.path().string(), "train", "a", {});
  test::write_yolo_image(dir.path().string(), "val", "a", {});
  test::write_file(dir.file("data.yaml"), "train: images/train\nval: images/val\nkpt_shape: [4, 3]\n");
  test::expect_error_with([&] { read_yolo(dir.path().string(), kYoloK); }, {"data.yaml", "names", "found nothing"});
}

TEST(YoloReader, FlipIdxMustBeAPermutationOfK) {
  TempDir dir;
  test::write_yolo_image(dir.path().string(), "train", "a", {});
  test::write_yolo_image(dir.path().string(), "val", "a", {});
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK, 3, "flip_idx: [1, 0]\n"));
  test::expect_error_with([&] { read_yolo(dir.path().string(), kYoloK); },
                        {"data.yaml", "flip_idx", "4 indices", "a list of 2"});
  test::write_file(dir.file("data.yaml"), test::yolo_yaml(kYoloK, 3, "flip_idx: [1, 0, 1, 3]\n"));
  test::expect_error_with([&] { read_yolo(dir.path().string(), kYoloK); }, {"data.yaml", "flip_idx[2]", "permutation"});
}

TEST(YoloReader, ImageListFilesAreRejectedClearly) {
  TempDir dir;
  test::write_yolo_image(dir.path().string(), "val", "a", {});
  test::write_file(dir.file("train.txt"), "images/val/a.jpg\n");
  test::write_file(dir.file("data.yaml"),
                   "train: train.txt\nval: images/val\nkpt_shape: [4, 3]\nnames: [person]\n");
  test::expect_error_with([&] { read_yolo(dir.path().string(), kYoloK); }, {"data.yaml", "train", "train.txt"});
}

// ---------------------------------------------------------------- COCO

constexpr int kCocoK = 3;

// Writes two 64x48 images beside the json and returns the document.
nlohmann::json coco_fixture(const TempDir& dir, std::vector<test::CocoPerson> people) {
  test::write_test_jpeg(dir.file("a.jpg"), 64, 48, 1);
  test::write_test_jpeg(dir.file("b.jpg"), 64, 48, 2);
  return test::coco_json({{7, "a.jpg"}, {9, "b.jpg"}, {11, "c.jpg"}}, people, kCocoK);
}

TEST(CocoReader, SeveralPeoplePerImageInJsonOrder) {
  TempDir dir;
  auto kp_b = test::coco_keypoints(kCocoK, 2, 30, 40);
  kp_b[2] = 1;    // keypoint 0 occluded
  kp_b[5] = 0;    // keypoint 1 unlabeled
  auto doc = coco_fixture(dir, {{9, test::coco_keypoints(kCocoK), 0, {1, 2, 30, 40}},
                                {7, test::coco_keypoints(kCocoK, 1)},
                                {9, kp_b, 0, {0, 0, 0, 0}}});
  test::write_json(dir.file("person_keypoints.json"), doc);

  RawDataset ds = read_coco(dir.path().string(), "");
  EXPECT_EQ(ds.format, "coco");
  EXPECT_EQ(ds.num_joints, kCocoK);
  ASSERT_EQ(ds.images.size(), 2u);       // c.jpg has nobody: not included (and not looked for)
  EXPECT_EQ(ds.images[0].source, dir.file("a.jpg"));
  EXPECT_EQ(ds.images[1].source, dir.file("b.jpg"));
  EXPECT_FALSE(ds.images[0].normalized);
  ASSERT_EQ(ds.images[0].people.size(), 1u);
  ASSERT_EQ(ds.images[1].people.size(), 2u);
  EXPECT_EQ(ds.images[0].people[0].occluded[2], 1);
  EXPECT_FALSE(ds.images[0].people[0].has_box);
  const RawPerson& p = ds.images[1].people[0];
  EXPECT_TRUE(p.has_box);
  EXPECT_FLOAT_EQ(p.box[0], 1);
  EXPECT_FLOAT_EQ(p.box[3], 40);
  EXPECT_FLOAT_EQ(p.xy[2], 12);          // keypoint 1: x = 10 + 2
  EXPECT_FLOAT_EQ(p.xy[3], 15);          //             y = 12 + 3
  const RawPerson& q = ds.images[1].people[1];
  EXPECT_FALSE(q.has_box);               // zero-size bbox
  EXPECT_EQ(q.labeled[0], 1);
  EXPECT_EQ(q.occluded[0], 1);
  EXPECT_EQ(q.labeled[1], 0);
  EXPECT_EQ(q.labeled[2], 1);
  EXPECT_EQ(q.occluded[2], 0);
  EXPECT_FLOAT_EQ(q.xy[0], 30);
  EXPECT_EQ(ds.stats.masked_joints["unlabeled"], 1);
}

TEST(CocoReader, CrowdAndKeypointLessPeopleAreSkippedAndCounted) {
  TempDir dir;
  auto doc = coco_fixture(dir, {{7, test::coco_keypoints(kCocoK)},
                                {7, test::coco_keypoints(kCocoK, 0), 1},
                                {9, test::coco_keypoints(kCocoK, 0)},
                                {9, test::coco_keypoints(kCocoK, 0)}});
  test::write_json(dir.file("k.json"), doc);
  RawDataset ds = read_coco(dir.file("k.json"), "");
  ASSERT_EQ(ds.images.size(), 1u);
  EXPECT_EQ(ds.images[0].people.size(), 1u);
  EXPECT_EQ(ds.stats.skipped_people["crowd"], 1);
  EXPECT_EQ(ds.stats.skipped_people["no labeled keypoints"], 2);
  EXPECT_EQ(ds.stats.masked_joints.count("unlabeled"), 0u);   // skipped people's joints are not masks
}

TEST(CocoReader, FindsImagesUnderImagesDirOrAnExplicitFolder) {
  TempDir dir;
  test::write_test_jpeg(dir.file("images/a.jpg"), 20, 10, 1);
  test::write_test_jpeg(dir.file("elsewhere/a.jpg"), 30, 10, 1);
  test::write_json(dir.file("ann/k.json"), test::coco_json({{1, "a.jpg"}}, {{1, test::coco_keypoints(kCocoK)}}, kCocoK));
  test::write_json(dir.file("k.json"), test::coco_json({{1, "a.jpg"}}, {{1, test::coco_keypoints(kCocoK)}}, kCocoK));

  RawDataset beside = read_coco(dir.file("k.json"), "");
  ASSERT_EQ(beside.images.size(), 1u);
  EXPECT_EQ(beside.images[0].source, dir.file("images/a.jpg"));
  RawDataset explicit_dir = read_coco(dir.file("ann"), dir.file("elsewhere"));
  EXPECT_EQ(explicit_dir.images[0].source, dir.file("elsewhere/a.jpg"));
  EXPECT_EQ(explicit_dir.images[0].load().cols, 30);
  test::expect_error_with([&] { read_coco(dir.file("ann"), ""); },
                        {"k.json", "images[0].file_name", dir.file("ann/a.jpg"), dir.file("ann/images/a.jpg"),
                         "no such file"});
}

TEST(CocoReader, KeypointCountComesFromTheFirstAnnotationWithoutCategories) {
  TempDir dir;
  auto doc = test::coco_json({{1, "a.jpg"}}, {{1, test::coco_keypoints(5)}, {1, test::coco_keypoints(4)}}, 5,
                             /*with_categories=*/false);
  test::write_test_jpeg(dir.file("a.jpg"), 20, 10, 1);
  test::write_json(dir.file("k.json"), doc);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); },
                        {"k.json", "annotations[1].keypoints", "expected 15 numbers", "found 12"});
  doc["annotations"].erase(1);
  test::write_json(dir.file("k.json"), doc);
  EXPECT_EQ(read_coco(dir.path().string(), "").num_joints, 5);
}

TEST(CocoReader, MissingFieldsFail) {
  TempDir dir;
  auto doc = coco_fixture(dir, {{7, test::coco_keypoints(kCocoK)}, {9, test::coco_keypoints(kCocoK)}});
  auto no_kp = doc;
  no_kp["annotations"][1].erase("keypoints");
  test::write_json(dir.file("k.json"), no_kp);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); },
                        {"k.json: annotations[1]: expected field 'keypoints', found none"});
  auto no_name = doc;
  no_name["images"][0].erase("file_name");
  test::write_json(dir.file("k.json"), no_name);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); },
                        {"k.json: images[0]: expected field 'file_name', found none"});
  auto no_images = doc;
  no_images.erase("images");
  test::write_json(dir.file("k.json"), no_images);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); }, {"k.json", "field 'images'"});
}

TEST(CocoReader, WrongTypesFailNamingExpectedAndFound) {
  TempDir dir;
  auto doc = coco_fixture(dir, {{7, test::coco_keypoints(kCocoK)}});
  auto bad = doc;
  bad["annotations"][0]["keypoints"] = "1 2 3";
  test::write_json(dir.file("k.json"), bad);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); },
                        {"k.json", "annotations[0].keypoints", "expected a list", "found a string"});
  bad = doc;
  bad["annotations"][0]["keypoints"][4] = "x";
  test::write_json(dir.file("k.json"), bad);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); },
                        {"k.json", "annotations[0].keypoints[4]", "expected a number", "found a string 'x'"});
  bad = doc;
  bad["annotations"][0]["keypoints"][5] = 3;
  test::write_json(dir.file("k.json"), bad);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); }, {"k.json", "keypoints[5]", "found 3"});
}

TEST(CocoReader, UnknownImageIdFails) {
  TempDir dir;
  auto doc = coco_fixture(dir, {{7, test::coco_keypoints(kCocoK)}, {99, test::coco_keypoints(kCocoK)}});
  test::write_json(dir.file("k.json"), doc);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); },
                        {"k.json", "annotations[1].image_id", "found 99"});
}

TEST(CocoReader, JsonSyntaxErrorNamesTheFile) {
  TempDir dir;
  test::write_file(dir.file("k.json"), "{\"images\": [ {\"id\": 1,, } ]}");
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); }, {"k.json", "syntax error", "line 1"});
}

TEST(CocoReader, FolderMustHoldExactlyOneJson) {
  TempDir dir;
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); }, {dir.path().string(), "one .json", "found none"});
  auto doc = coco_fixture(dir, {{7, test::coco_keypoints(kCocoK)}});
  test::write_json(dir.file("a.json"), doc);
  test::write_json(dir.file("b.json"), doc);
  test::expect_error_with([&] { read_coco(dir.path().string(), ""); }, {"one .json", "a.json", "b.json"});
  EXPECT_EQ(read_coco(dir.file("b.json"), "").images.size(), 1u);   // naming the file picks it
}

TEST(CocoReader, CorruptImageFailsAtLoadNamingThePath) {
  TempDir dir;
  test::write_file(dir.file("a.jpg"), std::string("\xFF\xD8") + "garbage bytes that decode to nothing" + "\xFF\xD9");
  test::write_json(dir.file("k.json"), test::coco_json({{1, "a.jpg"}}, {{1, test::coco_keypoints(kCocoK)}}, kCocoK));
  RawDataset ds = read_coco(dir.path().string(), "");
  ASSERT_EQ(ds.images.size(), 1u);
  test::expect_error_with([&] { ds.images[0].load(); }, {dir.file("a.jpg")});
}

}  // namespace
}  // namespace kplab
