// kplab posture-report (src/report/posture_report.h) on a small set with
// known truth: the classifier scored on true and predicted keypoints with
// confusion matrices, the measures against the truth, the verdict tiles with
// wrong verdicts first; the JSON beside it; bad input leaves no page.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "classify/classify_run.h"
#include "report/posture_report.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "classify/classify_fixtures.h"

namespace kplab::report {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

struct Fixture {
  TempDir dir;
  PostureReportOptions o;

  Fixture() {
    test::write_side_schema(dir.file("posture_side.yaml"));
    const auto people = test::make_people(20, 20, 3);
    test::TableOptions truth_layout;
    truth_layout.splits = {"train", "test"};
    test::write_table(dir.file("truth.csv"), people, truth_layout);
    classify::ClassifyTrainOptions t;
    t.keypoints = dir.file("truth.csv");
    t.split = "train";
    t.schema = dir.file("posture_side.yaml");
    t.out = dir.file("clf");
    classify::classify_train(t);
    // "Predicted" keypoints of the test people: the true ones, with a
    // cva_deg read 2 degrees high, and predict's verdict columns; the first
    // test person's verdict is wrong.
    std::vector<test::Person> test_people;
    for (size_t i = 1; i < people.size(); i += 2) test_people.push_back(people[i]);
    test::TableOptions plain;
    plain.label_column = false;
    fs::create_directories(dir.file("pred"));
    test::write_table(dir.file("pred/raw.csv"), test_people, plain);
    std::ifstream raw(dir.file("pred/raw.csv"));
    std::ofstream out(dir.file("pred/keypoints.csv"));
    std::string line;
    std::getline(raw, line);
    out << line << ",cva_deg,posture_notes,verdict,verdict_probability,verdict_reasons\n";
    for (size_t i = 0; std::getline(raw, line); ++i) {
      const std::string& label = test_people[i].label;
      const std::string verdict = i == 0 ? (label == "bad" ? "good" : "bad") : label;
      out << line << ",57,\"neck flexion 25°, 5° past the 20° threshold\"," << verdict << ",0.9,because\n";
      // Rows name person_I.jpg of the full list (odd I), in a label folder.
      const std::string source = line.substr(0, line.find(','));
      cv::imwrite(dir.file("pred/" + fs::path(source).stem().string() + "_pose.jpg"),
                  cv::Mat(64, 48, CV_8UC3, cv::Scalar(40, 90, 160)));
    }
    fs::remove(dir.file("pred/raw.csv"));
    o.truth = dir.file("truth.csv");
    o.predicted = {{"fine-tuned", dir.file("pred/keypoints.csv")}};
    o.classifier = dir.file("clf");
    o.overlays = dir.file("pred");
    o.tiles = 6;
    o.out = dir.file("report.html");
    o.json = dir.file("report.json");
  }
};

TEST(PostureReport, ClassifierMeasuresAndVerdictTilesOnOnePage) {
  Fixture f;
  const PostureReport r = write_posture_report(f.o);
  const std::string html = test::slurp(f.o.out);
  for (const char* part : {"Good or bad posture: the classifier", "true keypoints", "fine-tuned keypoints",
                           "The measures against the true angles", "cva_deg", "Verdicts and why", "WRONG"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
  EXPECT_EQ(count(html, "<figure class=\"tile\""), 6u);
  EXPECT_LT(html.find("WRONG"), html.find("verdict: ", html.find("WRONG") + 5)) << "the wrong verdict comes first";
  EXPECT_GE(count(html, "true good, predicted"), 2u) << "two confusion matrices";
  EXPECT_EQ(html.find("src=\"http"), std::string::npos) << "self-contained";

  const auto j = nlohmann::json::parse(test::slurp(f.o.json));
  EXPECT_EQ(j["classifier"]["true keypoints"]["n"], 20);
  EXPECT_GE(j["classifier"]["true keypoints"]["accuracy"].get<double>(), 0.9);
  const auto& cva = j["measures"]["fine-tuned"]["measures"][0];
  EXPECT_EQ(cva["measure"], "cva_deg");
  EXPECT_NEAR(cva["mean_abs_error"].get<double>(), 2.0, 1e-6) << "57 against the truth's 55";
  EXPECT_NEAR(cva["bias"].get<double>(), 2.0, 1e-6);
  EXPECT_EQ(j["tiles"].size(), 6u);
  EXPECT_NE(r.text.find("wrote"), std::string::npos);
}

TEST(PostureReport, BadInputWritesNothing) {
  Fixture f;
  f.o.predicted = {{"fine-tuned", f.dir.file("missing.csv")}};
  test::expect_error_with([&] { write_posture_report(f.o); }, {"missing.csv"});
  EXPECT_FALSE(fs::exists(f.o.out));
  EXPECT_FALSE(fs::exists(f.o.json));
  f.o.predicted = {};
  f.o.classifier = f.dir.file("no_classifier");
  test::expect_error_with([&] { write_posture_report(f.o); }, {"no_classifier"});
  EXPECT_FALSE(fs::exists(f.o.out));
}

}  // namespace
}  // namespace kplab::report
