// prepare() end to end on generated datasets (synthetic, LSPET, COCO, YOLO),
// and bad input: each fails with one kplab::Error naming the file and field,
// and leaves the output folder exactly as it was (no cache, no temporary).

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "data/cache.h"
#include "data/crop.h"
#include "data/prepare.h"
#include "data/readers/readers.h"
#include "data/split.h"
#include "support/dataset_fixtures.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::expect_error_with;
using test::TempDir;

std::string schema(const std::string& name) { return std::string(KPLAB_SOURCE_DIR) + "/datasets/" + name; }

const std::vector<std::string> kLspJoints = {
    "right_ankle", "right_knee", "right_hip",      "left_hip",      "left_knee",  "left_ankle", "right_wrist",
    "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist", "neck",       "head_top"};

// Options writing DIR/out/cache.h5 in the LSP schema, quietly, with small crops.
PrepareOptions options(const TempDir& dir, const std::string& format, const std::string& root) {
  PrepareOptions o;
  o.format = format;
  o.root = root;
  o.schema_path = schema("lsp.yaml");
  fs::create_directories(dir.path() / "out");
  o.out = dir.file("out/cache.h5");
  o.size = 32;
  o.threads = 2;
  o.progress = false;
  o.command = "kplab prepare (test)";
  return o;
}

std::vector<std::string> listing(const fs::path& folder) {
  return fs::is_directory(folder) ? test::list_dir(folder) : std::vector<std::string>{};
}

// prepare(o) must throw a kplab::Error containing every part and leave the
// output folder's listing unchanged.
std::string expect_prepare_fails(const PrepareOptions& o, std::initializer_list<std::string> parts) {
  const fs::path folder = fs::path(o.out).parent_path();
  const auto before = listing(folder);
  std::string msg = expect_error_with([&] { prepare(o); }, parts);
  EXPECT_EQ(listing(folder), before) << "prepare left files behind after: " << msg;
  return msg;
}

// Maps cache row `row`'s joint j back to the original image.
std::array<float, 2> original_xy(const CacheData& c, int64_t row, int j) {
  const float* m = &c.crop[6 * row];
  std::array<float, 6> a = {m[0], m[1], m[2], m[3], m[4], m[5]};
  const float* kp = &c.keypoints[(row * c.num_joints + j) * 2];
  return apply_affine(a, kp[0], kp[1]);
}

uint8_t visible(const CacheData& c, int64_t row, int j) { return c.visible[row * c.num_joints + j]; }
uint8_t occluded(const CacheData& c, int64_t row, int j) { return c.occluded[row * c.num_joints + j]; }

void expect_maps_back_to(const CacheData& c, int64_t row, int j, float x, float y, float tol = 2e-3f) {
  ASSERT_TRUE(visible(c, row, j)) << "row " << row << " joint " << j;
  auto xy = original_xy(c, row, j);
  EXPECT_NEAR(xy[0], x, tol) << "row " << row << " joint " << j;
  EXPECT_NEAR(xy[1], y, tol) << "row " << row << " joint " << j;
}

// LSPET-layout dataset in DIR/lspet: joints.mat and images/im%05d.jpg (64 x 48).
std::string write_lspet(const TempDir& dir, const std::vector<test::LspJoints>& people, int images = -1) {
  const std::string root = dir.file("lspet");
  test::write_lsp_mat(root + "/joints.mat", "lspet", people);
  test::write_lsp_images(root + "/images", "lspet", images < 0 ? static_cast<int>(people.size()) : images);
  return root;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// ================================================================ end to end

TEST(PrepareSynthetic, TwentyImagesMakeAReadableCache) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 20;
  o.size = 64;
  o.seed = 5;
  PrepareSummary s = prepare(o);
  EXPECT_EQ(s.out, o.out);
  EXPECT_EQ(s.schema, "lsp");
  EXPECT_EQ(s.images_read, 20);
  EXPECT_EQ(s.people_written, 20);
  // 0.8,0.1,0.1 of 20: val = test = 2, train = 16.
  EXPECT_EQ(s.per_split[0], 16);
  EXPECT_EQ(s.per_split[1], 2);
  EXPECT_EQ(s.per_split[2], 2);
  EXPECT_EQ(test::list_dir(dir.path() / "out"), std::vector<std::string>{"cache.h5"});

  CacheData c = read_cache(o.out);
  ASSERT_EQ(c.size(), 20);
  EXPECT_EQ(c.num_joints, 14);
  EXPECT_EQ(c.image_size, 64);
  EXPECT_EQ(c.schema, "lsp");
  EXPECT_EQ(c.joint_names, kLspJoints);
  EXPECT_EQ(c.encoding, "jpeg");
  EXPECT_EQ(c.command, o.command);
  EXPECT_EQ(c.seed, 5u);
  int per_split[3] = {0, 0, 0};
  for (auto v : c.split) ++per_split[v];
  EXPECT_EQ(per_split[0], 16);
  EXPECT_EQ(per_split[1], 2);
  EXPECT_EQ(per_split[2], 2);

  // The labels as the reader gives them, to check crop_to_image end to end.
  SyntheticOptions so;
  so.count = 20;
  so.seed = 5;
  RawDataset raw = read_synthetic(so);
  ASSERT_EQ(raw.images.size(), 20u);
  int64_t labeled = 0;
  for (int64_t i = 0; i < 20; ++i) {
    EXPECT_EQ(c.image_id[i], i);
    EXPECT_EQ(c.source[i], "synthetic:5:" + std::to_string(i));
    cv::Mat img = cv::imdecode(c.jpeg[i], cv::IMREAD_COLOR);
    ASSERT_EQ(img.cols, 64);
    ASSERT_EQ(img.rows, 64);
    const RawPerson& p = raw.images[i].people[0];
    for (int j = 0; j < 14; ++j) {
      if (!visible(c, i, j)) continue;
      ++labeled;
      const float u = c.keypoints[(i * 14 + j) * 2], v = c.keypoints[(i * 14 + j) * 2 + 1];
      // The square holds the joints' extent plus a margin: inside the crop.
      EXPECT_TRUE(u >= -0.5f && u <= 63.5f && v >= -0.5f && v <= 63.5f) << "row " << i << " joint " << j;
      expect_maps_back_to(c, i, j, p.xy[2 * j], p.xy[2 * j + 1]);
    }
  }
  EXPECT_EQ(s.labeled_joints, labeled);
  EXPECT_GT(labeled, 20 * 10);
}

TEST(PrepareSynthetic, SummaryTextAndJson) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 5;
  PrepareSummary s = prepare(o);
  const std::string text = s.to_text();
  EXPECT_NE(text.find("people written  5"), std::string::npos) << text;
  nlohmann::json j = s.to_json();
  EXPECT_EQ(j["people_written"], 5);
  EXPECT_EQ(j["images_read"], 5);
  EXPECT_EQ(j["split"]["train"].get<int>() + j["split"]["val"].get<int>() + j["split"]["test"].get<int>(), 5);
}

TEST(PrepareLspet, FlagsOutsideJointsAndOutliers) {
  TempDir dir;
  std::vector<test::LspJoints> people = {test::lsp_person(1), test::lsp_person(1), test::lsp_person(1)};
  people[0][4][2] = 0;                   // not annotated
  people[1][2][0] = -1.5f;               // 1 px left of the image's pixel area: kept
  people[2][7] = {500.f, 20.f, 1.f};     // 436 px right of a 64 px image: an outlier
  PrepareOptions o = options(dir, "lsp", write_lspet(dir, people));
  o.split = "train=0:1,val=1:2,test=2:3";
  PrepareSummary s = prepare(o);
  EXPECT_EQ(s.images_read, 3);
  EXPECT_EQ(s.people_written, 3);
  EXPECT_EQ(s.labeled_joints, 3 * 14 - 2);
  EXPECT_EQ(s.stats.outside_kept, 1);
  EXPECT_EQ(s.stats.masked_joints["unlabeled"], 1);
  EXPECT_EQ(s.stats.masked_joints["far outside the image (outlier)"], 1);
  EXPECT_EQ(s.stats.masked_joints.size(), 2u);
  EXPECT_TRUE(s.stats.skipped_people.empty());

  CacheData c = read_cache(o.out);
  ASSERT_EQ(c.size(), 3);
  EXPECT_EQ(c.split, (std::vector<uint8_t>{0, 1, 2}));
  EXPECT_EQ(c.image_id, (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(c.source[1], (fs::path(o.root) / "images" / "im00002.jpg").string());
  for (int j = 0; j < 14; ++j) {
    EXPECT_EQ(visible(c, 0, j), j == 4 ? 0 : 1) << j;
    EXPECT_EQ(visible(c, 1, j), 1) << j;
    EXPECT_EQ(visible(c, 2, j), j == 7 ? 0 : 1) << j;
  }
  EXPECT_EQ(c.keypoints[(2 * 14 + 7) * 2], 0.f);  // masked: no position
  expect_maps_back_to(c, 1, 2, -1.5f, 5.f + 4.f);
  expect_maps_back_to(c, 0, 13, 10.f + 39, 5.f + 26);
  expect_maps_back_to(c, 2, 6, 10.f + 18, 5.f + 12);
  // Squares from the joints' extent (x 10..49, so 39 px * 1.25), not stretched
  // by the outlier; person 1's extent starts at -1.5 (50.5 px * 1.25).
  EXPECT_NEAR(c.crop[0 * 6], 39 * 1.25 / 32, 1e-5);
  EXPECT_NEAR(c.crop[1 * 6], 50.5 * 1.25 / 32, 1e-5);
  EXPECT_NEAR(c.crop[2 * 6], 39 * 1.25 / 32, 1e-5);
}

TEST(PrepareLspet, RawEncodingStoresRgb) {
  TempDir dir;
  const std::string root = dir.file("lspet");
  test::write_lsp_mat(root + "/joints.mat", "lspet", {test::lsp_person(1)});
  cv::Mat blue(48, 64, CV_8UC3, cv::Scalar(255, 0, 0));  // BGR
  fs::create_directories(root + "/images");
  cv::imwrite(root + "/images/im00001.jpg", blue);
  PrepareOptions o = options(dir, "lsp", root);
  o.raw = true;
  prepare(o);
  CacheData c = read_cache(o.out);
  ASSERT_EQ(c.encoding, "raw");
  ASSERT_EQ(c.raw.size(), 32u * 32 * 3);
  const uint8_t* centre = &c.raw[(16 * 32 + 16) * 3];
  EXPECT_LT(centre[0], 10) << "R of a blue image";
  EXPECT_GT(centre[2], 240) << "B of a blue image";
}

TEST(PrepareCoco, FromCocoSchemaIntoLspDerivesNeckAndMasksHeadTop) {
  TempDir dir;
  const std::string root = dir.file("coco");
  test::write_test_jpeg(root + "/img1.jpg", 100, 100, 1);
  test::write_test_jpeg(root + "/img2.jpg", 100, 100, 2);
  // COCO joint j at (10 + 2j, 12 + 3j): left_shoulder (5) (20, 27), right_shoulder (6) (22, 30),
  // right_ankle (16) (42, 60).
  auto a = test::coco_keypoints(17, 2, 10, 12);
  a[3 * 5 + 2] = 1;  // left shoulder labeled but hidden
  auto b = test::coco_keypoints(17, 2, 30, 20);
  b[3 * 6 + 2] = 0;  // right shoulder unlabeled: no neck
  auto doc = test::coco_json({{1, "img1.jpg"}, {2, "img2.jpg"}},
                             {test::CocoPerson(1, a, 0, {5, 5, 60, 80}), test::CocoPerson(2, b)}, 17);
  test::write_json(root + "/person_keypoints.json", doc);

  PrepareOptions o = options(dir, "coco", root);
  o.from_schema_path = schema("coco.yaml");
  PrepareSummary s = prepare(o);
  EXPECT_EQ(s.people_written, 2);
  EXPECT_EQ(s.schema, "lsp");
  EXPECT_EQ(s.stats.masked_joints["absent from the source schema"], 2);    // head_top, twice
  EXPECT_EQ(s.stats.masked_joints["derived from an unlabeled joint"], 1);  // neck of person b
  EXPECT_EQ(s.stats.masked_joints["unlabeled"], 1);                        // b's right shoulder
  EXPECT_EQ(s.labeled_joints, 13 + 11);

  CacheData c = read_cache(o.out);
  ASSERT_EQ(c.size(), 2);
  EXPECT_EQ(c.num_joints, 14);
  EXPECT_EQ(c.joint_names, kLspJoints);
  EXPECT_EQ(c.source[0], (fs::path(root) / "img1.jpg").string());
  // Person a: neck = mean of the shoulders, hidden because the left one is.
  expect_maps_back_to(c, 0, 12, 21.f, 28.5f);
  EXPECT_EQ(occluded(c, 0, 12), 1);
  expect_maps_back_to(c, 0, 9, 20.f, 27.f);   // lsp left_shoulder <- coco 5
  EXPECT_EQ(occluded(c, 0, 9), 1);
  expect_maps_back_to(c, 0, 8, 22.f, 30.f);   // lsp right_shoulder <- coco 6
  EXPECT_EQ(occluded(c, 0, 8), 0);
  expect_maps_back_to(c, 0, 0, 42.f, 60.f);   // lsp right_ankle <- coco 16
  expect_maps_back_to(c, 0, 3, 32.f, 45.f);   // lsp left_hip <- coco 11
  EXPECT_EQ(visible(c, 0, 13), 0);            // head_top: absent in COCO
  // Person b: no right shoulder, so no neck either.
  EXPECT_EQ(visible(c, 1, 8), 0);
  EXPECT_EQ(visible(c, 1, 12), 0);
  EXPECT_EQ(visible(c, 1, 13), 0);
  expect_maps_back_to(c, 1, 9, 40.f, 35.f);
  // The box sets person a's square: 80 px * 1.25 onto 32 px.
  EXPECT_NEAR(c.crop[0], 80 * 1.25 / 32, 1e-5);
}

TEST(PrepareYolo, TwoPeopleInOneImageShareImageIdAndSplit) {
  TempDir dir;
  const std::string root = dir.file("yolo");
  test::write_file(root + "/data.yaml", test::yolo_yaml(14));
  test::YoloPerson p1 = test::yolo_person(14), p2 = test::yolo_person(14), p3 = test::yolo_person(14);
  for (auto& k : p2.kpts) k[0] += 0.1f;
  p2.cx = 0.6f;
  test::write_yolo_image(root, "train", "a", {p1, p2});
  test::write_yolo_image(root, "val", "b", {p3});

  PrepareOptions o = options(dir, "yolo", root);
  o.split = "source";
  PrepareSummary s = prepare(o);
  EXPECT_EQ(s.images_read, 2);
  EXPECT_EQ(s.people_written, 3);
  EXPECT_EQ(s.per_split[0], 2);
  EXPECT_EQ(s.per_split[1], 1);
  CacheData c = read_cache(o.out);
  ASSERT_EQ(c.size(), 3);
  EXPECT_EQ(c.image_id, (std::vector<int32_t>{0, 0, 1}));
  EXPECT_EQ(c.split, (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_EQ(c.source[0], c.source[1]);
  EXPECT_NE(c.source[0], c.source[2]);
  // Normalized labels become pixels of the 64 x 48 image: joint 0 of p1 at
  // (0.1, 0.2) -> (6.4, 9.6); joint 3 of p2 at (0.35, 0.29) -> (22.4, 13.92).
  expect_maps_back_to(c, 0, 0, 6.4f, 9.6f);
  expect_maps_back_to(c, 1, 3, 22.4f, 13.92f);

  // A shuffled split still keeps the two people of one image together.
  for (uint64_t seed = 0; seed < 4; ++seed) {
    o.split = "0.5,0.5";
    o.seed = seed;
    o.force = true;
    prepare(o);
    CacheData r = read_cache(o.out);
    EXPECT_EQ(r.split[0], r.split[1]) << "seed " << seed;
    EXPECT_NE(r.split[0], r.split[2]) << "seed " << seed;
  }
}

TEST(PrepareImages, JpegWithDataAfterTheEndMarkerIsAccepted) {
  // Phone "motion photos" append a video after the JPEG's end-of-image
  // marker; libjpeg decodes them fine and so must prepare.
  TempDir dir;
  const std::string root = write_lspet(dir, {test::lsp_person(1)});
  const std::string image = root + "/images/im00001.jpg";
  std::string bytes = read_bytes(image);
  bytes += std::string(8192, '\x01');
  test::write_file(image, bytes);
  PrepareOptions o = options(dir, "lsp", root);
  ASSERT_NO_THROW(prepare(o));
  EXPECT_EQ(read_cache(o.out).size(), 1);
}

// ================================================================ bad input

TEST(PrepareBadInput, MissingImage) {
  TempDir dir;
  PrepareOptions o = options(dir, "lsp", write_lspet(dir, {test::lsp_person(1), test::lsp_person(1)}, 1));
  expect_prepare_fails(o, {"joints.mat", "im00002.jpg", "no such file"});
}

TEST(PrepareBadInput, CorruptJpeg) {
  TempDir dir;
  const std::string root = write_lspet(dir, {test::lsp_person(1), test::lsp_person(1)});
  const std::string image = root + "/images/im00002.jpg";
  test::write_file(image, "GIF89a? no, just garbage bytes that are not an image at all");
  PrepareOptions o = options(dir, "lsp", root);
  expect_prepare_fails(o, {image, "image"});
  // Garbage behind a JPEG start and end marker.
  test::write_file(image, std::string("\xFF\xD8\xFF\xE0", 4) + std::string(300, 'x') + std::string("\xFF\xD9", 2));
  expect_prepare_fails(o, {image, "image", "corrupt"});
}

TEST(PrepareBadInput, TruncatedJpeg) {
  TempDir dir;
  const std::string root = write_lspet(dir, {test::lsp_person(1), test::lsp_person(1)});
  const std::string image = root + "/images/im00001.jpg";
  test::write_test_jpeg(image, 320, 240, 9);
  const std::string bytes = read_bytes(image);
  ASSERT_GT(bytes.size(), 1000u);
  test::write_file(image, bytes.substr(0, bytes.size() / 2));
  PrepareOptions o = options(dir, "lsp", root);
  expect_prepare_fails(o, {image, "image", "truncated"});
}

TEST(PrepareBadInput, MatWithWrongVariableName) {
  TempDir dir;
  const std::string root = dir.file("lspet");
  test::write_lsp_mat(root + "/joints.mat", "lspet", {test::lsp_person(1)}, "points");
  test::write_lsp_images(root + "/images", "lspet", 1);
  expect_prepare_fails(options(dir, "lsp", root), {root + "/joints.mat", "'joints'", "'points'"});
}

TEST(PrepareBadInput, MatWithWrongShape) {
  TempDir dir;
  const std::string root = dir.file("lspet");
  test::write_mat_array(root + "/joints.mat", "joints", {14, 2, 3});
  test::write_lsp_images(root + "/images", "lspet", 3);
  expect_prepare_fails(options(dir, "lsp", root), {root + "/joints.mat", "joints", "14x2x3"});
}

TEST(PrepareBadInput, NanCoordinate) {
  TempDir dir;
  std::vector<test::LspJoints> people = {test::lsp_person(1), test::lsp_person(1)};
  people[1][5][0] = NAN;
  const std::string root = write_lspet(dir, people);
  expect_prepare_fails(options(dir, "lsp", root), {root + "/joints.mat", "joint 5", "NaN"});
}

TEST(PrepareBadInput, YoloRowWithWrongColumnCount) {
  TempDir dir;
  const std::string root = dir.file("yolo");
  test::write_file(root + "/data.yaml", test::yolo_yaml(14));
  test::write_yolo_image(root, "train", "a", {test::yolo_person(14)});
  test::write_yolo_image(root, "val", "b", {test::yolo_person(14)});
  std::string line = test::yolo_label_line(test::yolo_person(14));
  line = line.substr(0, line.rfind(' '));  // drop the last value: 46 columns
  const std::string label = root + "/labels/val/b.txt";
  test::write_file(label, test::yolo_label_line(test::yolo_person(14)) + "\n" + line + "\n");
  expect_prepare_fails(options(dir, "yolo", root), {label + ":2", "columns", "47", "46"});
}

TEST(PrepareBadInput, KptShapeDisagreeingWithTheSchema) {
  TempDir dir;
  const std::string root = dir.file("yolo");
  test::write_file(root + "/data.yaml", test::yolo_yaml(17));
  test::write_yolo_image(root, "train", "a", {test::yolo_person(17)});
  test::write_yolo_image(root, "val", "b", {test::yolo_person(17)});
  expect_prepare_fails(options(dir, "yolo", root), {root + "/data.yaml", "kpt_shape", "[17, 3]", "14"});
}

TEST(PrepareBadInput, CocoJsonWithMissingField) {
  TempDir dir;
  const std::string root = dir.file("coco");
  test::write_test_jpeg(root + "/img1.jpg", 100, 100, 1);
  auto doc = test::coco_json({{1, "img1.jpg"}}, {test::CocoPerson(1, test::coco_keypoints(17))}, 17);
  doc["annotations"][0].erase("keypoints");
  test::write_json(root + "/ann.json", doc);
  PrepareOptions o = options(dir, "coco", root);
  o.from_schema_path = schema("coco.yaml");
  expect_prepare_fails(o, {root + "/ann.json", "annotations[0]", "'keypoints'"});

  doc = test::coco_json({{1, "img1.jpg"}}, {test::CocoPerson(1, test::coco_keypoints(17))}, 17);
  doc["images"][0].erase("file_name");
  test::write_json(root + "/ann.json", doc);
  expect_prepare_fails(o, {root + "/ann.json", "images[0]", "'file_name'"});
}

TEST(PrepareBadInput, Coco17KeypointsIntoLspNeedFromSchema) {
  TempDir dir;
  const std::string root = dir.file("coco");
  test::write_test_jpeg(root + "/img1.jpg", 100, 100, 1);
  const std::string json = root + "/ann.json";
  test::write_json(json, test::coco_json({{1, "img1.jpg"}}, {test::CocoPerson(1, test::coco_keypoints(17))}, 17));
  expect_prepare_fails(options(dir, "coco", json), {json, "keypoints per person", "14", "17", "--from-schema"});
}

TEST(PrepareBadInput, ExistingCacheNeedsForceAndForceReplacesIt) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 3;
  prepare(o);
  const std::string first = read_bytes(o.out);
  o.synthetic_count = 4;
  expect_prepare_fails(o, {o.out, "--force"});
  EXPECT_EQ(read_bytes(o.out), first) << "the existing cache must be untouched";
  o.force = true;
  PrepareSummary s = prepare(o);
  EXPECT_EQ(s.people_written, 4);
  EXPECT_EQ(read_cache(o.out).size(), 4);
  EXPECT_EQ(test::list_dir(dir.path() / "out"), std::vector<std::string>{"cache.h5"});
}

TEST(PrepareBadInput, NonExistentOutputFolder) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 2;
  o.out = dir.file("missing/cache.h5");
  expect_error_with([&] { prepare(o); }, {o.out, "output folder", "does not exist"});
  EXPECT_FALSE(fs::exists(dir.path() / "missing"));
}

TEST(PrepareBadInput, UnwritableOutputFolder) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 2;
  const fs::path folder = dir.path() / "out";
  ASSERT_EQ(::chmod(folder.c_str(), 0555), 0);
  if (::access(folder.c_str(), W_OK) == 0) {
    ::chmod(folder.c_str(), 0755);
    GTEST_SKIP() << "running as root: folder permissions are not enforced here";
  }
  expect_prepare_fails(o, {o.out, "output folder", "not writable"});
  ::chmod(folder.c_str(), 0755);
}

TEST(PrepareBadInput, OutputPathIsAFolder) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 2;
  o.out = dir.file("out/taken");
  fs::create_directories(o.out);
  expect_prepare_fails(o, {o.out});
  o.force = true;  // even forced, a folder is not replaced, and no temporary is left
  expect_prepare_fails(o, {o.out});
  EXPECT_TRUE(fs::is_directory(o.out));
}

TEST(PrepareBadInput, SchemaWithUnknownJointInFlipPair) {
  TempDir dir;
  std::string text = read_bytes(schema("lsp.yaml"));
  const std::string good = "[right_ankle, left_ankle]";
  ASSERT_NE(text.find(good), std::string::npos);
  text.replace(text.find(good), good.size(), "[right_ankle, left_ankel]");
  const std::string bad = dir.file("bad_lsp.yaml");
  test::write_file(bad, text);
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 2;
  o.schema_path = bad;
  expect_prepare_fails(o, {bad, "flip_pairs[0]", "'left_ankel'"});
}

TEST(PrepareBadInput, BadOptionsNameTheOption) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.size = 8;
  expect_prepare_fails(o, {"--size"});
  o = options(dir, "synthetic", "");
  o.split = "0.8,0.3";
  expect_prepare_fails(o, {"--split"});
  o = options(dir, "lsp", "");
  expect_prepare_fails(o, {"--root"});
  o = options(dir, "lspet", dir.file("x"));
  expect_prepare_fails(o, {"--format", "'lspet'"});
}

TEST(PrepareBadInput, SyntheticCountZeroNamesTheOption) {
  TempDir dir;
  PrepareOptions o = options(dir, "synthetic", "");
  o.synthetic_count = 0;
  expect_prepare_fails(o, {"count", "at least 1", "0"});
}

}  // namespace
}  // namespace kplab
