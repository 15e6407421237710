// A posture set written by kplab to-yolo from the side-view generator
// (--format synthetic_side): labels carry the good/bad class, data.yaml
// names the classes, truth.csv holds the generator's angles and joints, and
// kplab's YOLO reader reads the classes back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "data/readers/readers.h"
#include "data/schema.h"
#include "data/yolo_export.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

YoloExportOptions side_to(const std::string& out, int count) {
  YoloExportOptions o;
  o.source.format = "synthetic_side";
  o.source.synthetic_count = count;
  o.source.seed = 1;
  o.source.split = "0.5,0.25,0.25";
  o.source.schema_path = test::source_dir() + "/datasets/posture_side.yaml";
  o.out = out;
  return o;
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string c; std::getline(in, c, ',');) out.push_back(c);
  return out;
}

TEST(PostureSet, LabelsDataYamlAndTruthCsvCarryTheClassAndTheAngles) {
  TempDir dir;
  const YoloExportSummary s = export_yolo(side_to(dir.file("set"), 12));
  EXPECT_EQ(s.truth_rows, 12);
  const std::string yaml = test::slurp(dir.file("set/data.yaml"));
  EXPECT_NE(yaml.find("names:\n  0: good\n  1: bad\n"), std::string::npos) << yaml;

  // The generator's people, to compare with what was written.
  SyntheticOptions so;
  so.count = 12;
  so.seed = 1;
  const RawDataset truth = read_synthetic_side(so);
  std::map<int, const RawPerson*> by_index;
  for (size_t i = 0; i < truth.images.size(); ++i) by_index[static_cast<int>(i)] = &truth.images[i].people[0];

  std::ifstream csv(dir.file("set/truth.csv"));
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = cells(line);
  ASSERT_GE(header.size(), 9u + 45u);
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + 9),
            (std::vector<std::string>{"source", "split", "label", "cva_deg", "facing", "forward_head", "neck_flexion_deg",
                                      "sitting", "trunk_inclination_deg"}));
  EXPECT_EQ(header[9], "nose_x");
  int rows = 0;
  while (std::getline(csv, line)) {
    const std::vector<std::string> c = cells(line);
    ASSERT_EQ(c.size(), header.size()) << line;
    // images/SPLIT/synthetic_side_synthetic_I.jpg holds generated image I.
    const std::string stem = fs::path(c[0]).stem().string();
    const int i = std::stoi(stem.substr(stem.rfind('_') + 1));
    const RawPerson& p = *by_index.at(i);
    EXPECT_TRUE(fs::exists(dir.file("set/" + c[0]))) << c[0];
    EXPECT_EQ(c[0].substr(0, 7 + c[1].size()), "images/" + c[1]) << "the split folder";
    EXPECT_EQ(c[2], p.class_id ? "bad" : "good");
    EXPECT_NEAR(std::stod(c[3]), p.truth.at("cva_deg"), 1e-5);
    EXPECT_NEAR(std::stod(c[8]), p.truth.at("trunk_inclination_deg"), 1e-5);
    EXPECT_NEAR(std::stod(c[9]), p.xy[0], 1e-3) << "nose x in pixels";
    EXPECT_EQ(c[9 + 3 * 2 + 2], p.occluded[2] ? "0" : "1") << "right ear's visibility: hidden is 0, as predicted";
    // The label file's class id is the class.
    const std::string label_file = dir.file("set/labels/" + c[1] + "/" + stem + ".txt");
    EXPECT_EQ(test::slurp(label_file).substr(0, 2), std::to_string(p.class_id) + " ") << label_file;
    ++rows;
  }
  EXPECT_EQ(rows, 12);
}

TEST(PostureSet, TheYoloReaderReadsTheClassesBack) {
  TempDir dir;
  export_yolo(side_to(dir.file("set"), 8));
  const Schema schema = load_schema(test::source_dir() + "/datasets/posture_side.yaml");
  const RawDataset back = read_yolo(dir.file("set"), 15, schema.flip_permutation());
  EXPECT_EQ(back.class_names, (std::vector<std::string>{"good", "bad"}));
  int bad = 0;
  for (const auto& img : back.images) {
    ASSERT_EQ(img.people.size(), 1u);
    bad += img.people[0].class_id;
  }
  SyntheticOptions so;
  so.count = 8;
  so.seed = 1;
  int expected_bad = 0;
  for (const auto& img : read_synthetic_side(so).images) expected_bad += img.people[0].class_id;
  EXPECT_EQ(bad, expected_bad);
}

TEST(PostureSet, TruthCannotBeAppendedAndTheSideSchemaIsRequired) {
  TempDir dir;
  export_yolo(side_to(dir.file("set"), 4));
  YoloExportOptions more = side_to(dir.file("set"), 4);
  more.append = true;
  more.prefix = "more";
  test::expect_error_with([&] { export_yolo(more); }, {dir.file("set"), "--append", "truth.csv"});
  EXPECT_FALSE(fs::exists(dir.file("set/images/train/more_synthetic_0.jpg"))) << "nothing appended";

  YoloExportOptions lsp = side_to(dir.file("other"), 4);
  lsp.source.schema_path = test::source_dir() + "/datasets/lsp.yaml";
  test::expect_error_with([&] { export_yolo(lsp); }, {"lsp.yaml", "posture_side.yaml"});
  EXPECT_FALSE(fs::exists(dir.file("other")));
}

}  // namespace
}  // namespace kplab
