// A saved posture classifier (classifier_file.h, posture_classifier.h,
// classifier_explain.h): the file reads back to the same probabilities,
// broken files are named field by field, and verdicts explain themselves.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "classify/classifier_file.h"
#include "classify/classifier_training.h"
#include "classify/classify_fixtures.h"
#include "classify/posture_classifier.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::classify {
namespace {

using test::TempDir;

// A classifier fitted in memory on a separable set.
SavedClassifier fitted(const std::string& kind, const Schema& schema, int epochs = 200) {
  const PostureFeatures f(schema, 0.3);
  const auto people = test::make_people(40, 30, 11);
  std::vector<PersonRow> rows;
  std::vector<float> y;
  for (const auto& p : people) {
    rows.push_back({"x.jpg", 0, p.points, p.visibility, p.label, "t"});
    y.push_back(p.label == "bad" ? 1.f : 0.f);
  }
  TrainOptions o;
  o.kind = kind;
  o.epochs = epochs;
  SavedClassifier c;
  c.model = fit_classifier(f.matrix(rows), torch::tensor(y), o);
  c.schema = schema;
  c.classes = {{"bad", "good"}, 0};
  c.features = f.names();
  return c;
}

torch::Tensor features_of(const PostureFeatures& f, unsigned seed) {
  std::vector<PersonRow> rows;
  for (const auto& p : test::make_people(20, 20, seed)) rows.push_back({"x.jpg", 0, p.points, p.visibility, "", ""});
  return f.matrix(rows);
}

TEST(ClassifyModel, SaveLoadRoundTripGivesIdenticalProbabilities) {
  TempDir dir;
  const Schema schema = test::write_side_schema(dir.file("side.yaml"));
  for (const char* kind : {"logistic", "mlp"}) {
    const SavedClassifier c = fitted(kind, schema, 50);
    test::write_file(dir.file(std::string(kind) + "/classifier.json"), classifier_json(c).dump(1));
    const PostureClassifier loaded = PostureClassifier::load(dir.file(kind));
    const torch::Tensor x = features_of(loaded.features(), 5);
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::equal(c.model.probabilities(x), loaded.probabilities(x))) << kind;
    EXPECT_EQ(loaded.classes().positive_name(), "bad");
    EXPECT_EQ(loaded.schema().joints, schema.joints);
  }
}

TEST(ClassifyModel, BrokenFilesAreNamedFieldByField) {
  TempDir dir;
  const SavedClassifier c = fitted("mlp", test::write_side_schema(dir.file("side.yaml")), 5);
  const std::string path = dir.file("m/classifier.json");
  auto fails = [&](const std::function<void(nlohmann::json&)>& edit, std::initializer_list<std::string> parts) {
    nlohmann::json j = classifier_json(c);
    edit(j);
    test::write_file(path, j.dump());
    test::expect_error_with([&] { PostureClassifier::load(dir.file("m")); }, parts);
  };
  for (const char* field :
       {"mean", "std", "layers", "classes", "positive", "features", "schema", "min_visibility", "kind", "hidden"})
    fails([&](nlohmann::json& j) { j.erase(field); }, {path, field, "no such field"});
  fails([](nlohmann::json& j) { j["mean"].erase(0); }, {path, "mean", "numbers"});
  fails([](nlohmann::json& j) { j["layers"][1]["weight"][0].push_back(1.0); }, {path, "layers[1]", "weight[0]"});
  fails([](nlohmann::json& j) { j["classes"] = {"good"}; }, {path, "classes", "two different class names"});
  fails([](nlohmann::json& j) { j["positive"] = "meh"; }, {path, "positive", "'meh'"});
  fails([](nlohmann::json& j) { j["kind"] = "svm"; }, {path, "kind", "'svm'"});
  fails([](nlohmann::json& j) { j["mean"][0] = "x"; }, {path, "mean", "numbers", "string"});
  fails([](nlohmann::json& j) { j["features"][0] = "nose_z"; }, {path, "features", "retrain"});
  test::write_file(path, "{not json");
  test::expect_error_with([&] { PostureClassifier::load(dir.file("m")); }, {path, "JSON"});
  test::expect_error_with([&] { PostureClassifier::load(dir.file("none")); },
                          {dir.file("none/classifier.json"), "no such file"});
}

TEST(ClassifyModel, VerdictsAndExplanations) {
  TempDir dir;
  const Schema schema = test::write_side_schema(dir.file("side.yaml"));
  std::mt19937 rng(21);
  const test::Person good = test::make_person(false, rng), bad = test::make_person(true, rng, {100, 300}, 200, true);
  for (const char* kind : {"logistic", "mlp"}) {
    const PostureClassifier clf(fitted(kind, schema));
    const Verdict g = clf.classify(good.points, good.visibility), b = clf.classify(bad.points, bad.visibility);
    EXPECT_EQ(g.label, "good") << kind;
    EXPECT_LT(g.probability, 0.5) << kind;
    EXPECT_EQ(b.label, "bad") << kind;
    EXPECT_GT(b.probability, 0.5) << kind;
    ASSERT_EQ(b.top.size(), 3u);
    EXPECT_GE(std::abs(b.top[0].logit), std::abs(b.top[1].logit));
    EXPECT_EQ(b.top[0].toward, "bad") << b.explanation;
    EXPECT_NE(b.explanation.find("pushes toward bad (+"), std::string::npos) << b.explanation;
    for (const auto& t : b.top) EXPECT_EQ(t.name.find("_x"), std::string::npos) << "joints are grouped: " << t.name;
    std::printf("[%s] bad: p=%.3f %s\n", kind, b.probability, b.explanation.c_str());
  }
  const PostureClassifier small(fitted("logistic", schema, 5));
  EXPECT_THROW(small.classify({{0, 0}}, {1.f}), Error);
  small.require_joints(schema.joints, "pose.onnx");
  auto other = schema.joints;
  other[4] = "neck";
  test::expect_error_with([&] { small.require_joints(other, "pose.onnx"); },
                          {"pose.onnx", "posture_side", "joint 4: 'right_shoulder'", "joint 4: 'neck'"});
}

TEST(ClassifyModel, LogisticContributionsAddUpToTheLogit) {
  TempDir dir;
  const SavedClassifier c = fitted("logistic", test::write_side_schema(dir.file("side.yaml")), 50);
  const PostureClassifier clf(c);
  std::mt19937 rng(4);
  const test::Person p = test::make_person(true, rng);
  const auto x = clf.features().compute(p.points, p.visibility);
  const auto all = explain(c.model, clf.features().names(), clf.features().groups(), x, c.classes, 0);
  EXPECT_EQ(all.size(), 15u + clf.features().measurer().defs().size());
  double sum = 0;
  for (const auto& a : all) sum += a.logit;
  torch::NoGradGuard no_grad;
  const double logit = c.model.logits_from_z(c.model.standardise(torch::tensor(x).reshape({1, -1})))[0].item<double>();
  EXPECT_NEAR(sum, logit - c.model.layers[0].bias[0].item<double>(), 1e-4);
}

}  // namespace
}  // namespace kplab::classify
