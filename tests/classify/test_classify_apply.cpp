// kplab classify eval and predict as calls (classify_run.h): scores on a
// held-out table, verdicts.csv, and tables that do not fit the model refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "classify/classify_fixtures.h"
#include "classify/classify_run.h"
#include "core/csv_table.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::classify {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

struct Trained {
  TempDir dir;
  Trained() {
    test::write_side_schema(dir.file("side.yaml"));
    test::write_table(dir.file("train.csv"), test::make_people(40, 30, 1));
    test::write_table(dir.file("test.csv"), test::make_people(25, 25, 2));
    ClassifyTrainOptions o;
    o.keypoints = dir.file("train.csv");
    o.schema = dir.file("side.yaml");
    o.out = dir.file("clf");
    o.train.epochs = 150;
    classify_train(o);
  }
};

TEST(ClassifyApply, EvalScoresAHeldOutTable) {
  Trained t;
  ClassifyEvalOptions o;
  o.model = t.dir.file("clf");
  o.keypoints = t.dir.file("test.csv");
  o.json = t.dir.file("eval.json");
  const RunOutput r = classify_eval(o);
  std::printf("%s", r.text.c_str());
  EXPECT_GE(r.json["metrics"]["accuracy"].get<double>(), 0.95);
  EXPECT_EQ(r.json["metrics"]["n_per_class"]["bad"], 25);
  EXPECT_EQ(r.json["metrics"]["confusion"]["classes"][0], "bad");
  EXPECT_TRUE(fs::exists(t.dir.file("eval.json")));
  EXPECT_NE(r.text.find("true \\ predicted"), std::string::npos);
  // One class only is fine for an evaluation (all of a new clinic's good sitters).
  test::write_table(t.dir.file("good.csv"), test::make_people(5, 0, 3));
  o.keypoints = t.dir.file("good.csv");
  o.json.clear();
  EXPECT_EQ(classify_eval(o).json["metrics"]["n"], 5);
}

TEST(ClassifyApply, EvalRefusesTablesThatDoNotFitTheModel) {
  Trained t;
  ClassifyEvalOptions o;
  o.model = t.dir.file("clf");
  o.keypoints = t.dir.file("other.csv");
  o.json = t.dir.file("eval.json");
  test::TableOptions other;
  other.joints = {"nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip"};
  test::write_table(o.keypoints, test::make_people(3, 3, 1), other);
  test::expect_error_with([&] { classify_eval(o); }, {o.keypoints, "column 'left_ear_x'", "schema posture_side"});
  test::write_file(o.keypoints, "source,frame,label\n");
  auto people = test::make_people(3, 3, 1);
  people[2].label = "slouch";
  test::write_table(o.keypoints, people);
  test::expect_error_with([&] { classify_eval(o); }, {o.keypoints + ":4", "one of the model's classes", "'slouch'"});
  EXPECT_FALSE(fs::exists(o.json));
}

TEST(ClassifyApply, PredictWritesOneVerdictPerRow) {
  Trained t;
  ClassifyPredictOptions o;
  o.model = t.dir.file("clf");
  o.keypoints = t.dir.file("test.csv");
  o.out = t.dir.file("verdicts.csv");
  o.json = t.dir.file("predict.json");
  const RunOutput r = classify_predict(o);
  std::printf("%s", r.text.c_str());
  const CsvTable v = read_csv_table(o.out);
  EXPECT_EQ(v.header, (std::vector<std::string>{"source", "frame", "verdict", "probability", "explanation"}));
  ASSERT_EQ(v.rows.size(), 50u);
  EXPECT_NE(v.rows[0][4].find("pushes toward"), std::string::npos) << v.rows[0][4];
  int correct = 0;
  const CsvTable truth = read_csv_table(o.keypoints);
  for (size_t i = 0; i < v.rows.size(); ++i) correct += v.rows[i][2] == truth.rows[i][truth.column("label")];
  EXPECT_GE(correct, 48);
  EXPECT_EQ(r.json["verdicts"].size(), 50u);
  EXPECT_EQ(r.json["counts"]["bad"].get<int>() + r.json["counts"]["good"].get<int>(), 50);
  // An existing --out needs --force; nothing is touched.
  const auto before = test::list_dir(t.dir.path());
  test::expect_error_with([&] { classify_predict(o); }, {o.out, "--force"});
  EXPECT_EQ(test::list_dir(t.dir.path()), before);
}

// truth.csv of kplab to-yolo (synthetic_side): its split column picks the
// rows to train and to score on.
TEST(ClassifyApply, TruthCsvSplits) {
  TempDir dir;
  test::write_side_schema(dir.file("side.yaml"));
  test::TableOptions truth;
  truth.splits = {"train", "train", "train", "test"};
  truth.folders = false;
  test::write_table(dir.file("truth.csv"), test::make_people(50, 50, 12), truth);
  ClassifyTrainOptions o;
  o.keypoints = dir.file("truth.csv");
  o.split = "train";
  o.schema = dir.file("side.yaml");
  o.out = dir.file("clf");
  o.train.epochs = 100;
  EXPECT_EQ(classify_train(o).json["rows"], 75);
  ClassifyEvalOptions e;
  e.model = o.out;
  e.keypoints = o.keypoints;
  e.split = "test";
  const RunOutput r = classify_eval(e);
  EXPECT_EQ(r.json["metrics"]["n"], 25);
  EXPECT_GE(r.json["metrics"]["accuracy"].get<double>(), 0.95);
  e.split = "val";
  test::expect_error_with([&] { classify_eval(e); }, {o.keypoints, "--split", "'val'", "'test', 'train'"});
  e.keypoints = dir.file("plain.csv");
  test::write_table(e.keypoints, test::make_people(3, 3, 1));
  test::expect_error_with([&] { classify_eval(e); }, {e.keypoints, "column 'split'", "--split val"});
}

// The columns as `kplab predict` writes them (src/predict/keypoints_csv.cpp):
// angles, measures, RULA, quoted flags and notes after the joints, empty
// cells for a joint too faint to place, a quoted source.
TEST(ClassifyApply, ReadsTheKeypointsCsvKplabPredictWrites) {
  Trained t;
  std::string text = "source,frame";
  for (const auto& j : test::side_joints()) text += "," + j + "_x," + j + "_y," + j + "_v";
  text +=
      ",left_knee_angle,right_knee_angle,cva_deg,forward_head,rula_sum,posture_flags,posture_notes,confidence,crop\n";
  std::mt19937 rng(8);
  for (int i = 0; i < 4; ++i) {
    const test::Person p = test::make_person(i % 2 == 1, rng);
    text += (i == 3 ? "\"clip, take 2.mp4\"" : "img.jpg") + ("," + std::to_string(i));
    for (size_t j = 0; j < p.points.size(); ++j)
      text += i == 2 && j == 8 ? ",,,0.050"
                               : "," + std::to_string(p.points[j].x) + "," + std::to_string(p.points[j].y) + "," +
                                     std::to_string(p.visibility[j]);
    text += ",175.20,,48.1,0.120,3,cva_deg;forward_head,\"head 2\u00b0 forward, of the threshold\",0.812,two-pass\n";
  }
  test::write_file(t.dir.file("keypoints.csv"), text);
  ClassifyPredictOptions o;
  o.model = t.dir.file("clf");
  o.keypoints = t.dir.file("keypoints.csv");
  o.out = t.dir.file("verdicts.csv");
  classify_predict(o);
  const CsvTable v = read_csv_table(o.out);
  ASSERT_EQ(v.rows.size(), 4u);
  EXPECT_EQ(v.rows[3][0], "clip, take 2.mp4");
  EXPECT_EQ(v.rows[3][1], "3");
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(v.rows[i][2], i % 2 ? "bad" : "good") << v.rows[i][4];
}

}  // namespace
}  // namespace kplab::classify
