// kplab release through the command (KPLAB_BINARY): a tiny trained run
// becomes a zoo folder whose card carries what `kplab eval` measures on the
// same split, whose ONNX file loads and whose checkpoint is the run's; an
// existing folder is refused without --force, and a failed release leaves
// nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

TEST(ReleaseCli, WritesWeightsOnnxExperimentAndACardMeasuredOnTheHeldOutSplit) {
  TempDir dir;
  const std::string run = test::tiny_run().run, out = dir.file("zoo/tiny_lite");
  fs::create_directories(dir.file("zoo"));
  Result r = kplab(dir, "release " + quote(run) + " --out " + quote(out) + " --repeats 3 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "released")) << r.out;
  std::vector<std::string> files = test::list_dir(out);
  EXPECT_EQ(files, (std::vector<std::string>{"checkpoints", "command.txt", "config.yaml", "metrics.csv", "model.onnx",
                                             "model.tflite", "model_card.json", "model_card.md"}));
  EXPECT_EQ(slurp(out + "/metrics.csv"), slurp(run + "/metrics.csv"));
  EXPECT_EQ(test::list_dir(dir.file("zoo")), std::vector<std::string>{"tiny_lite"}) << "no staging folder left";
  EXPECT_EQ(slurp(out + "/checkpoints/best.pt"), slurp(run + "/checkpoints/best.pt"));
  EXPECT_EQ(slurp(out + "/config.yaml"), slurp(run + "/config.yaml"));

  // The card's numbers are the ones kplab eval prints for the same split.
  const std::string eval_json = dir.file("eval.json");
  Result ev = kplab(dir, "eval " + quote(run) + " --split test --json " + quote(eval_json));
  ASSERT_EQ(ev.code, 0) << ev.err;
  nlohmann::json e = nlohmann::json::parse(slurp(eval_json));
  nlohmann::json card = nlohmann::json::parse(slurp(out + "/model_card.json"));
  EXPECT_EQ(card["metrics"]["split"], "test");
  EXPECT_EQ(card["metrics"]["decoder"], "heatmap");
  EXPECT_EQ(card["metrics"]["n_samples"], 6);
  for (const char* d : {"regression", "heatmap"})
    for (const char* m : {"pck@0.2", "pckh@0.5", "auc"})
      EXPECT_NEAR(card["metrics"]["by_decoder"][d][m].get<double>(), e["by_decoder"][d][m].get<double>(), 1e-6)
          << d << " " << m;
  EXPECT_EQ(card["model"]["name"], "blazepose_lite");
  EXPECT_EQ(card["input"]["size"], 64);
  EXPECT_EQ(card["schema"]["name"], "lsp");
  EXPECT_EQ(card["schema"]["joints"].size(), 14u);
  EXPECT_TRUE(has(card["training"]["command"].get<std::string>(), "kplab train"));
  EXPECT_TRUE(card["training"]["data_command"].is_string());
  EXPECT_GT(card["training"]["seconds"].get<double>(), 0);
  EXPECT_FALSE(card["release"]["commit"].get<std::string>().empty());
  std::set<std::string> runtimes;
  for (const auto& row : card["latency"]["results"]) runtimes.insert(row["runtime"].get<std::string>());
  EXPECT_EQ(runtimes, (std::set<std::string>{"libtorch_eager", "libtorch_channels_last", "opencv_dnn", "kplab_xnnpack",
                                              "litert_xnnpack"}));
  // The phone's file: its size, converter, parity and layout are on the card.
  const auto& tf = card["tflite"];
  EXPECT_EQ(tf["bytes"].get<int64_t>(), static_cast<int64_t>(fs::file_size(out + "/model.tflite")));
  EXPECT_TRUE(has(tf["converter"].get<std::string>(), "onnx2tf"));
  for (const char* o : {"coords", "visibility", "heatmaps"}) EXPECT_LE(tf["max_abs_diff_litert_vs_libtorch"][o].get<double>(), 1e-4) << o;
  EXPECT_EQ(tf["input"]["tflite_shape"], (std::vector<int64_t>{1, 64, 64, 3}));
  EXPECT_GT(tf["latency"]["median_ms"].get<double>(), 0);
  std::set<std::string> outputs;
  for (const auto& kv : card["outputs"].items()) outputs.insert(kv.key());
  EXPECT_EQ(outputs, (std::set<std::string>{"coords", "visibility", "heatmaps"}));
  const std::string md = slurp(out + "/model_card.md");
  for (const char* text : {"# tiny_lite", "**test** split", "| heatmap (recommended) |", "left_shoulder",
                           "kplab train", "model.onnx", "kplab predict"})
    EXPECT_TRUE(has(md, text)) << text << " not in:\n" << md;

  // The zoo folder is a run folder: kplab eval reads it and measures the same.
  const std::string zoo_json = dir.file("zoo_eval.json");
  Result zoo_eval = kplab(dir, "eval " + quote(out) + " --split test --json " + quote(zoo_json));
  ASSERT_EQ(zoo_eval.code, 0) << zoo_eval.err;
  EXPECT_NEAR(nlohmann::json::parse(slurp(zoo_json))["by_decoder"]["heatmap"]["pck@0.2"].get<double>(),
              card["metrics"]["by_decoder"]["heatmap"]["pck@0.2"].get<double>(), 1e-9);

  // The ONNX file passed parity on its three outputs (OpenCV DNN and kplab's
  // runner) and passes the TFLite lint.
  for (const char* o : {"coords", "visibility", "heatmaps"}) {
    EXPECT_LT(card["onnx"]["max_abs_diff_opencv_dnn"][o].get<double>(), 1e-3) << o;
    EXPECT_LT(card["onnx"]["max_abs_diff_kplab_xnnpack"][o].get<double>(), 1e-3) << o;
  }
  Result lint = kplab(dir, "lint-onnx " + quote(out + "/model.onnx"));
  EXPECT_EQ(lint.code, 0) << lint.out << lint.err;
  EXPECT_TRUE(has(lint.out, "clean")) << lint.out;
}

TEST(ReleaseCli, AnExistingFolderIsRefusedWithoutForceAndReplacedWithIt) {
  TempDir dir;
  const std::string run = test::tiny_run().run, out = dir.file("zoo");
  test::write_file(out + "/notes.txt", "keep me");
  Result r = kplab(dir, "release " + quote(run) + " --out " + quote(out) + " --repeats 2 --threads 1");
  EXPECT_NE(r.code, 0);
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(has(r.err, out)) << r.err;
  EXPECT_TRUE(has(r.err, "--force")) << r.err;
  EXPECT_EQ(test::list_dir(out), std::vector<std::string>{"notes.txt"});

  Result forced = kplab(dir, "release " + quote(run) + " --out " + quote(out) + " --repeats 2 --threads 1 --force");
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_FALSE(fs::exists(out + "/notes.txt"));
  EXPECT_TRUE(fs::exists(out + "/model_card.json"));
}

TEST(ReleaseCli, BadInputFailsInOneLineAndLeavesNothing) {
  TempDir dir;
  const std::string run = test::tiny_run().run;
  Result bad_decoder = kplab(dir, "release " + quote(run) + " --out " + quote(dir.file("a")) + " --decoder argmax");
  EXPECT_NE(bad_decoder.code, 0);
  ASSERT_EQ(lines(bad_decoder.err).size(), 1u) << bad_decoder.err;
  EXPECT_TRUE(has(bad_decoder.err, "'argmax'")) << bad_decoder.err;

  Result bad_split = kplab(dir, "release " + quote(run) + " --out " + quote(dir.file("b")) + " --split tset");
  EXPECT_NE(bad_split.code, 0);
  EXPECT_TRUE(has(bad_split.err, "tset")) << bad_split.err;

  Result no_run = kplab(dir, "release " + quote(dir.file("nowhere")) + " --out " + quote(dir.file("c")));
  EXPECT_NE(no_run.code, 0);
  EXPECT_TRUE(has(no_run.err, "nowhere")) << no_run.err;

  for (const char* f : {"a", "b", "c"}) EXPECT_FALSE(fs::exists(dir.file(f))) << f;
}

}  // namespace
}  // namespace kplab
