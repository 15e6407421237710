// kplab report through the command (KPLAB_BINARY): a tiny trained run gets
// a self-contained page (sections, inline SVG, inline images, no links), an
// ablation folder with a pending row is reported, and anything else is
// refused in one line with nothing written.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "support/cli_run.h"
#include "support/temp_dir.h"
#include "support/tiny_run.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::has;
using test::lines;
using test::quote;
using test::slurp;
using Result = test::CliResult;

Result kplab(const TempDir& dir, const std::string& args) { return test::run_kplab(dir, args, "OMP_NUM_THREADS=1"); }

void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(has(html, "<svg")) << "inline charts";
  EXPECT_TRUE(has(html, "src=\"data:image/jpeg;base64,")) << "inline images";
  EXPECT_FALSE(has(html, "http://"));
  EXPECT_FALSE(has(html, "https://"));
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "<link"));
  EXPECT_TRUE(has(html, "</html>"));
}

TEST(ReportCli, HelpListsTheOptions) {
  TempDir dir;
  Result r = kplab(dir, "report --help");
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* opt : {"--out", "--data", "--split", "--json", "RUN|ABLATION_DIR"})
    EXPECT_TRUE(has(r.out, opt)) << opt << " not in:\n" << r.out;
}

TEST(ReportCli, RunReportIsOneSelfContainedPageWithEverySection) {
  TempDir dir;
  const std::string run = test::copy_tiny_run(dir, "run");
  const std::string json = dir.file("summary.json");
  Result r = kplab(dir, "report " + quote(run) + " --grid 3 --json " + quote(json));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string path = run + "/report.html";
  ASSERT_TRUE(fs::is_regular_file(path)) << r.out;
  EXPECT_TRUE(has(r.out, path)) << r.out;
  const std::string html = slurp(path);
  expect_self_contained(html);
  for (const char* section : {"id=\"summary\"", "id=\"training\"", "id=\"accuracy\"", "id=\"predictions\""})
    EXPECT_TRUE(has(html, section)) << section;
  for (const char* text : {"PCK@0.2", "PCKh@0.5", "AUC", "mean error", "Training loss per epoch",
                           "Validation PCK@0.2 per epoch", "PCK over alpha", "PCK@0.2 per joint", "3 best", "3 worst",
                           "left_shoulder", "regression", "heatmap", "kplab run report"})
    EXPECT_TRUE(has(html, text)) << text;
  // 3 best + 3 worst tiles, one image each.
  size_t images = 0;
  for (size_t p = html.find("<img"); p != std::string::npos; p = html.find("<img", p + 1)) ++images;
  EXPECT_EQ(images, 6u);
  for (const auto& name : test::list_dir(run)) EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;

  nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["kind"], "run");
  EXPECT_EQ(j["report"], path);
  EXPECT_EQ(j["split"], "test");
  EXPECT_EQ(j["eval"]["source"], "evaluated");
  EXPECT_EQ(j["grid"]["best"].size(), 3u);
  EXPECT_EQ(j["grid"]["worst"].size(), 3u);
  EXPECT_LE(j["grid"]["best"][0]["error"].get<double>(), j["grid"]["worst"][0]["error"].get<double>())
      << "best first, worst first";

  // Again, to another file: the default report stays, --out is honoured.
  const std::string other = dir.file("other.html");
  Result again = kplab(dir, "report " + quote(run) + " --split val --out " + quote(other));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(has(slurp(other), "val split"));
}

TEST(ReportCli, ARunReportsWithTheSchemaItsCheckpointCarries) {
  TempDir dir;
  const std::string run = test::copy_tiny_run(dir, "run");
  // The schema file the experiment names is gone (a run carried to another machine).
  YAML::Node config = YAML::LoadFile(run + "/config.yaml");
  config["data"]["schema"] = "no/such/schema.yaml";
  YAML::Emitter e;
  e << config;
  test::write_file(run + "/config.yaml", e.c_str());
  std::filesystem::remove(run + "/eval.json");
  Result r = kplab(dir, "report " + quote(run) + " --out " + quote(dir.file("r.html")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(slurp(dir.file("r.html")), "head_top")) << "the joints come from the checkpoint's schema";
}

TEST(ReportCli, AFolderThatIsNeitherRunNorAblationIsRefusedWithoutWriting) {
  TempDir dir;
  const std::string folder = dir.file("plain");
  test::write_file(folder + "/notes.txt", "not a run");
  Result r = kplab(dir, "report " + quote(folder));
  EXPECT_NE(r.code, 0);
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_TRUE(has(err[0], folder)) << err[0];
  EXPECT_TRUE(has(err[0], "config.yaml")) << err[0];
  EXPECT_TRUE(has(err[0], "results.json")) << err[0];
  EXPECT_EQ(test::list_dir(folder), std::vector<std::string>{"notes.txt"});

  Result missing = kplab(dir, "report " + quote(dir.file("nowhere")));
  EXPECT_NE(missing.code, 0);
  ASSERT_EQ(lines(missing.err).size(), 1u) << missing.err;
  EXPECT_TRUE(has(missing.err, "nowhere")) << missing.err;
  EXPECT_FALSE(fs::exists(dir.file("nowhere")));
}

TEST(ReportCli, BadSplitFailsBeforeAnyWork) {
  TempDir dir;
  const std::string run = test::copy_tiny_run(dir, "run");
  Result r = kplab(dir, "report " + quote(run) + " --split tset");
  EXPECT_NE(r.code, 0);
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(has(r.err, "tset")) << r.err;
  EXPECT_FALSE(fs::exists(run + "/report.html"));
}

// An ablation folder as `kplab ablate` writes it: results.json with one done
// row (whose run has an eval.json) and one pending row.
std::string write_ablation(const TempDir& dir, const std::string& status2 = "pending") {
  const std::string abl = dir.file("ablation");
  fs::create_directories(abl);
  const std::string run = test::copy_tiny_run(dir, "ablation/runs/lite");
  // A recognisable evaluation: the report must take these numbers, not re-evaluate.
  nlohmann::json curve = {{"alpha", nlohmann::json::array()}, {"pck", nlohmann::json::array()}};
  for (int i = 0; i <= 50; ++i) {
    curve["alpha"].push_back(i / 100.0);
    curve["pck"].push_back(std::min(1.0, i / 40.0));
  }
  nlohmann::json per_joint;
  for (const char* j : {"right_ankle", "right_knee", "right_hip", "left_hip", "left_knee", "left_ankle", "right_wrist",
                        "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist", "neck", "head_top"})
    per_joint[j] = 0.5;
  per_joint["neck"] = nullptr;
  nlohmann::json m = {{"pck@0.2", 0.4242}, {"pckh@0.5", 0.5}, {"auc", 0.1234}, {"per_joint", per_joint},
                      {"pck_curve", curve}, {"mean_px", 3.0}, {"median_px", 2.0}, {"n_joints", 70},
                      {"samples_excluded", 0}};
  nlohmann::json ev = m;
  ev["decoder"] = "regression";
  ev["n_samples"] = 6;
  ev["by_decoder"] = {{"regression", m}, {"heatmap", m}};
  ev["split"] = "test";
  ev["checkpoint"] = run + "/checkpoints/best.pt";
  std::ofstream(run + "/eval.json") << ev.dump(2);
  nlohmann::json results = {
      {"name", "heads"},
      {"ablation", "experiments/ablations/heads.yaml"},
      {"decoder", "regression"},
      {"hardware", {{"cpu", "Test CPU <x86>"}, {"threads", 2}, {"device", "cpu"}}},
      {"split", "test"},
      {"rows",
       {{{"variant", "lite_a"}, {"run", "runs/lite"}, {"params", 755632}, {"macs", 170000000}, {"pck@0.2", 0.4242},
         {"pckh@0.5", nullptr}, {"auc", 0.1234}, {"latency_torch_ms", 2.5}, {"latency_onnx_ms", 1.5},
         {"train_seconds", 125.0}, {"status", "done"}, {"overrides", {{"model.options.width", 16}}}, {"epochs", 2}},
        {{"variant", "lite_b"}, {"run", "runs/lite"}, {"params", 755632}, {"macs", 170000000}, {"pck@0.2", nullptr},
         {"pckh@0.5", nullptr}, {"auc", nullptr}, {"latency_torch_ms", nullptr}, {"latency_onnx_ms", nullptr},
         {"train_seconds", nullptr}, {"status", status2}}}}};
  std::ofstream(abl + "/results.json") << results.dump(2);
  return abl;
}

TEST(ReportCli, AblationFolderWithAPendingRowIsReported) {
  TempDir dir;
  const std::string abl = write_ablation(dir);
  const std::string json = dir.file("summary.json");
  Result r = kplab(dir, "report " + quote(abl) + " --grid 2 --json " + quote(json));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = slurp(abl + "/report.html");
  expect_self_contained(html);
  for (const char* text : {"kplab ablation report", "heads", "id=\"results\"", "id=\"accuracy\"", "id=\"training\"",
                           "id=\"predictions\"", "lite_a", "lite_b", "badge pending", "badge done", "42.4%",
                           "AUC 12.3%", "Latency against accuracy", "PCK over alpha per variant",
                           "PCK@0.2 per joint and variant", "Test CPU &lt;x86&gt;", "756 K", "170 M", "2 m 05 s"})
    EXPECT_TRUE(has(html, text)) << text;
  nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["kind"], "ablation");
  EXPECT_EQ(j["best_variant"], "lite_a");
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["plotted"], true);
  EXPECT_EQ(j["rows"][0]["eval_source"], "eval.json");
  EXPECT_EQ(j["rows"][1]["plotted"], false);
  EXPECT_EQ(j["grid"]["best"].size(), 2u);
  EXPECT_FALSE(j["grid"].contains("error")) << j["grid"].dump();
}

TEST(ReportCli, BadResultsJsonNamesTheFieldAndWritesNothing) {
  TempDir dir;
  const std::string abl = write_ablation(dir, "maybe");
  Result r = kplab(dir, "report " + quote(abl));
  EXPECT_NE(r.code, 0);
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_TRUE(has(err[0], "results.json")) << err[0];
  EXPECT_TRUE(has(err[0], "rows[1].status")) << err[0];
  EXPECT_TRUE(has(err[0], "'maybe'")) << err[0];
  EXPECT_FALSE(fs::exists(abl + "/report.html"));
}

}  // namespace
}  // namespace kplab
