// kplab to-yolo (src/data/yolo_export.h): a dataset written as a YOLO-pose set
// reads back through kplab's YOLO reader with the same people, joints and
// split; --append adds a second source to a set of the same schema only; a
// failure leaves no set and no staging folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/readers/readers.h"
#include "data/schema.h"
#include "data/yolo_export.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::expect_error_with;
using test::TempDir;

YoloExportOptions synthetic_to(const std::string& out, int count, const std::string& split = "0.5,0.25,0.25") {
  YoloExportOptions o;
  o.source.format = "synthetic";
  o.source.synthetic_count = count;
  o.source.seed = 3;
  o.source.split = split;
  o.source.schema_path = test::source_dir() + "/datasets/lsp.yaml";
  o.out = out;
  return o;
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(YoloExport, ASetReadsBackWithTheSamePeopleJointsAndSplit) {
  TempDir dir;
  const YoloExportSummary s = export_yolo(synthetic_to(dir.file("set"), 8));
  EXPECT_EQ(s.images[0] + s.images[1] + s.images[2], 8);
  EXPECT_EQ(s.people, 8);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"set"}) << "no staging folder left";

  const Schema lsp = load_schema(test::source_dir() + "/datasets/lsp.yaml");
  const RawDataset back = read_yolo(dir.file("set"), 14, lsp.flip_permutation());
  SyntheticOptions so;
  so.count = 8;
  so.seed = 3;
  const RawDataset original = read_synthetic(so);
  ASSERT_EQ(back.images.size(), 8u);
  int per_split[3] = {0, 0, 0};
  for (const RawImage& img : back.images) {
    ASSERT_GE(img.split, 0);
    ++per_split[img.split];
    // synthetic_I.jpg holds original image I.
    const std::string stem = fs::path(img.source).stem().string();
    const size_t i = std::stoul(stem.substr(stem.rfind('_') + 1));
    const cv::Mat pixels = original.images[i].load();
    const RawPerson& a = original.images[i].people.at(0);
    const RawPerson& b = img.people.at(0);
    for (size_t j = 0; j < 14; ++j) {
      ASSERT_EQ(b.labeled[j], a.labeled[j]) << stem << " joint " << j;
      if (!a.labeled[j]) continue;
      EXPECT_NEAR(b.xy[2 * j] * pixels.cols, std::clamp(a.xy[2 * j], 0.f, float(pixels.cols)), 1e-3 * pixels.cols);
      EXPECT_NEAR(b.xy[2 * j + 1] * pixels.rows, std::clamp(a.xy[2 * j + 1], 0.f, float(pixels.rows)), 1e-3 * pixels.rows);
    }
  }
  EXPECT_EQ(per_split[0], s.images[0]);
  EXPECT_EQ(per_split[1], s.images[1]);
  EXPECT_EQ(per_split[2], s.images[2]);
}

TEST(YoloExport, AppendAddsASourceOfTheSameSchemaOnly) {
  TempDir dir;
  export_yolo(synthetic_to(dir.file("set"), 4, "1,0,0"));
  std::ifstream first(dir.file("set/data.yaml"));
  const std::string before((std::istreambuf_iterator<char>(first)), std::istreambuf_iterator<char>());
  EXPECT_EQ(before.find("val:"), std::string::npos) << "no empty split is listed";

  YoloExportOptions more = synthetic_to(dir.file("set"), 6, "0,0.5,0.5");
  more.append = true;
  more.prefix = "more";
  more.command = "second source";
  const YoloExportSummary s = export_yolo(more);
  EXPECT_EQ(s.images[1] + s.images[2], 6);
  std::ifstream second(dir.file("set/data.yaml"));
  const std::string after((std::istreambuf_iterator<char>(second)), std::istreambuf_iterator<char>());
  EXPECT_NE(after.find("val: images/val"), std::string::npos) << after;
  EXPECT_NE(after.find("# second source"), std::string::npos) << after;
  const Schema lsp = load_schema(test::source_dir() + "/datasets/lsp.yaml");
  EXPECT_EQ(read_yolo(dir.file("set"), 14, lsp.flip_permutation()).images.size(), 10u);
  EXPECT_EQ(entries(dir.file("set")), (std::vector<std::string>{"data.yaml", "images", "labels"}));

  // The same prefix again would overwrite: refused, nothing moved.
  expect_error_with([&] { export_yolo(more); }, {dir.file("set"), "more_synthetic_0", "another --prefix"});
  EXPECT_EQ(read_yolo(dir.file("set"), 14, lsp.flip_permutation()).images.size(), 10u);
  // Another schema: refused naming kpt_shape.
  YoloExportOptions coco = synthetic_to(dir.file("set"), 2);
  coco.append = true;
  coco.prefix = "c";
  coco.source.schema_path = test::source_dir() + "/datasets/coco.yaml";
  coco.source.from_schema_path = test::source_dir() + "/datasets/lsp.yaml";
  expect_error_with([&] { export_yolo(coco); }, {"data.yaml", "kpt_shape", "[17, 3]"});
}

TEST(YoloExport, BadInputLeavesNoSet) {
  TempDir dir;
  export_yolo(synthetic_to(dir.file("set"), 2));
  expect_error_with([&] { export_yolo(synthetic_to(dir.file("set"), 2)); }, {dir.file("set"), "--append", "--force"});
  YoloExportOptions missing = synthetic_to(dir.file("none"), 2);
  missing.append = true;
  expect_error_with([&] { export_yolo(missing); }, {dir.file("none"), "--append"});
  // A COCO file naming an image that is not there fails after the reading starts: no set, no stage.
  test::write_file(dir.file("coco/people.json"),
                   R"({"images": [{"id": 1, "file_name": "gone.jpg", "width": 40, "height": 40}],
                       "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "num_keypoints": 1, "bbox": [1, 1, 30, 30],
                                        "keypoints": [5,5,2, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0,
                                                      0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0]}],
                       "categories": [{"id": 1, "name": "person"}]})");
  YoloExportOptions coco;
  coco.source.format = "coco";
  coco.source.root = dir.file("coco/people.json");
  coco.source.schema_path = test::source_dir() + "/datasets/coco.yaml";
  coco.out = dir.file("from_coco");
  EXPECT_THROW(export_yolo(coco), Error);
  EXPECT_FALSE(fs::exists(dir.file("from_coco")));
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"coco", "set"})) << "no staging folder left";
}

TEST(YoloExport, TheVerbPrintsAndWritesItsSummary) {
  TempDir dir;
  const test::CliResult r = test::run_kplab(
      dir, "to-yolo --format synthetic --count 4 --schema " + test::quote(test::source_dir() + "/datasets/lsp.yaml") +
               " --out " + test::quote(dir.file("set")) + " --json " + test::quote(dir.file("s.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(test::has(r.out, "people          4")) << r.out;
  EXPECT_TRUE(test::has(test::slurp(dir.file("s.json")), "\"people\": 4"));
  const test::CliResult bad = test::run_kplab(dir, "to-yolo --format lsp --schema x.yaml --out " + test::quote(dir.file("o")));
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(test::has(bad.err, "--root")) << bad.err;
}

}  // namespace
}  // namespace kplab
