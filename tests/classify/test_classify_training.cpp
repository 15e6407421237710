// Training the posture classifier (src/classify/classifier_training.h,
// classify_run.h): stratified folds, accuracy on a separable table, the same
// model from the same seed, metrics.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "classify/classifier_file.h"
#include "classify/classifier_metrics.h"
#include "classify/classifier_training.h"
#include "classify/classify_fixtures.h"
#include "classify/classify_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::classify {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

Classes good_bad() { return {{"bad", "good"}, 0}; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

ClassifyTrainOptions train_options(const TempDir& dir, const std::string& kind, const std::string& out) {
  ClassifyTrainOptions o;
  o.keypoints = dir.file("truth.csv");
  o.schema = dir.file("side.yaml");
  o.out = dir.file(out);
  o.train.kind = kind;
  return o;
}

TEST(ClassifyTraining, StratifiedFoldsKeepClassProportions) {
  std::vector<float> y;
  std::vector<std::string> group;
  for (int i = 0; i < 75; ++i) {
    y.push_back(i % 3 == 0 ? 1.f : 0.f);  // 25 positive, 50 negative
    group.push_back("img" + std::to_string(i));
  }
  const auto fold = stratified_folds(y, group, 5, 7, good_bad(), "t.csv");
  std::map<int, std::pair<int, int>> count;  // fold -> (negative, positive)
  for (size_t i = 0; i < y.size(); ++i) (y[i] > 0 ? count[fold[i]].second : count[fold[i]].first)++;
  ASSERT_EQ(count.size(), 5u);
  for (const auto& [f, c] : count) {
    EXPECT_EQ(c.first, 10) << "fold " << f;
    EXPECT_EQ(c.second, 5) << "fold " << f;
  }
  EXPECT_EQ(fold, stratified_folds(y, group, 5, 7, good_bad(), "t.csv"));  // seeded
  EXPECT_NE(fold, stratified_folds(y, group, 5, 8, good_bad(), "t.csv"));
}

TEST(ClassifyTraining, RowsOfOneSourceShareAFold) {
  std::vector<float> y;
  std::vector<std::string> group;
  for (int v = 0; v < 12; ++v)
    for (int frame = 0; frame < 4; ++frame) {
      y.push_back(v % 2 ? 1.f : 0.f);
      group.push_back("video" + std::to_string(v) + ".mp4");
    }
  const auto fold = stratified_folds(y, group, 3, 0, good_bad(), "t.csv");
  for (size_t i = 0; i < fold.size(); i += 4)
    for (size_t k = 1; k < 4; ++k) EXPECT_EQ(fold[i], fold[i + k]) << group[i];
}

TEST(ClassifyTraining, SeparableTableBothModelsReach95PercentInCrossValidation) {
  TempDir dir;
  test::write_side_schema(dir.file("side.yaml"));
  test::write_table(dir.file("truth.csv"), test::make_people(60, 40, 3));
  for (const char* kind : {"logistic", "mlp"}) {
    const RunOutput r = classify_train(train_options(dir, kind, std::string(kind) + "_clf"));
    std::printf("%s", r.text.c_str());
    EXPECT_GE(r.json["cv"]["accuracy"]["mean"].get<double>(), 0.95) << kind;
    EXPECT_EQ(r.json["cv"]["accuracy"]["folds"].size(), 5u);
    EXPECT_EQ(r.json["n_per_class"]["bad"], 40);
    EXPECT_EQ(r.json["positive"], "bad");
    EXPECT_TRUE(fs::exists(dir.file(std::string(kind) + "_clf/classifier.onnx")));
    const SavedClassifier c = load_classifier(dir.file(std::string(kind) + "_clf"));
    EXPECT_EQ(c.model.kind, kind);
    EXPECT_EQ(c.model.layers.size(), std::string(kind) == "mlp" ? 2u : 1u);
    EXPECT_TRUE(c.record.contains("cv"));
  }
}

TEST(ClassifyTraining, SameSeedSameModel) {
  TempDir dir;
  test::write_side_schema(dir.file("side.yaml"));
  test::write_table(dir.file("truth.csv"), test::make_people(30, 20, 4));
  auto o = train_options(dir, "mlp", "a");
  o.train.epochs = 60;
  classify_train(o);
  o.out = dir.file("b");
  classify_train(o);
  o.out = dir.file("c");
  o.train.seed = 1;
  classify_train(o);
  EXPECT_EQ(slurp(dir.file("a/classifier.json")), slurp(dir.file("b/classifier.json")));
  EXPECT_EQ(slurp(dir.file("a/classifier.onnx")), slurp(dir.file("b/classifier.onnx")));
  auto weights = [&](const std::string& d) {
    return nlohmann::json::parse(slurp(dir.file(d + "/classifier.json")))["layers"];
  };
  EXPECT_NE(weights("a"), weights("c"));
}

TEST(ClassifyTraining, ExistingFolderNeedsForce) {
  TempDir dir;
  test::write_side_schema(dir.file("side.yaml"));
  test::write_table(dir.file("truth.csv"), test::make_people(10, 10, 5));
  auto o = train_options(dir, "logistic", "clf");
  o.train.epochs = 20;
  classify_train(o);
  test::expect_error_with([&] { classify_train(o); }, {dir.file("clf"), "--force"});
  o.force = true;
  o.json = dir.file("train.json");
  classify_train(o);
  EXPECT_TRUE(fs::exists(dir.file("train.json")));
  EXPECT_TRUE(fs::exists(dir.file("clf/classifier.json")));
  for (const auto& name : test::list_dir(dir.path())) EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
}

TEST(ClassifyMetrics, ConfusionMatrixAndZeroDivision) {
  // Positive = "bad" (index 0 of the sorted classes).
  const std::vector<float> truth = {1, 1, 1, 0, 0, 0, 0};
  const std::vector<float> prob = {0.9f, 0.6f, 0.2f, 0.1f, 0.7f, 0.3f, 0.5f};
  const BinaryMetrics m = binary_metrics(truth, prob);
  EXPECT_EQ(m.tp, 2);
  EXPECT_EQ(m.fn, 1);
  EXPECT_EQ(m.fp, 2);  // 0.5 counts as positive
  EXPECT_EQ(m.tn, 2);
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 7);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3);
  const auto j = metrics_json(m, good_bad());
  EXPECT_EQ(j["confusion"]["classes"], (std::vector<std::string>{"bad", "good"}));
  EXPECT_EQ(j["confusion"]["rows"], nlohmann::json::parse("[[2, 1], [2, 2]]"));
  EXPECT_EQ(j["n_per_class"]["bad"], 3);
  EXPECT_EQ(j["n_per_class"]["good"], 4);
  const std::string text = metrics_text(m, good_bad());
  EXPECT_NE(text.find("true \\ predicted"), std::string::npos) << text;
  // Nothing predicted positive: precision and F1 are 0, not NaN.
  const BinaryMetrics none = binary_metrics({1, 0}, {0.1f, 0.2f});
  EXPECT_EQ(none.precision, 0);
  EXPECT_EQ(none.f1, 0);
  const auto cv = cv_json({m, none});
  EXPECT_NEAR(cv["accuracy"]["mean"].get<double>(), (4.0 / 7 + 0.5) / 2, 1e-12);
}

}  // namespace
}  // namespace kplab::classify
