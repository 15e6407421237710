// kplab export --tflite and kplab eval --tflite on a trained run: the file
// LiteRT runs scores as the checkpoint does, an int8 file is calibrated on
// the run's cache and scored beside the float model, and bad files are
// refused in one line naming them.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "data/schema.h"
#include "export/tflite_export.h"
#include "support/cli_run.h"
#include "support/temp_dir.h"
#include "support/tiny_run.h"

namespace kplab {
namespace {

using test::has;
using test::quote;
using test::slurp;
using test::TempDir;
namespace fs = std::filesystem;

test::CliResult kplab(const TempDir& dir, const std::string& args) {
  return test::run_kplab(dir, args, "OMP_NUM_THREADS=1");
}

TEST(TfliteCli, ExportedFileScoresAsTheCheckpointDoes) {
  TempDir dir;
  const std::string run = test::tiny_run().run, tflite = dir.file("tiny.tflite");
  auto ex = kplab(dir, "export " + quote(run) + " --with-heatmap --tflite " + quote(tflite) + " --json " +
                           quote(dir.file("export.json")));
  ASSERT_EQ(ex.code, 0) << ex.err;
  EXPECT_TRUE(has(ex.out, "builtin only")) << ex.out;
  EXPECT_FALSE(fs::exists(dir.file("tiny.onnx")));  // no --onnx: the graph stayed in a scratch folder
  const auto j = nlohmann::json::parse(slurp(dir.file("export.json")));
  for (const char* o : {"coords", "visibility", "heatmaps"})
    EXPECT_LE(j["tflite"]["max_abs_diff_litert_float32"][o].get<double>(), 1e-4) << o;
  // The file describes itself: the schema the model was trained in travels in its kplab metadata.
  const nlohmann::json meta = onnx_export::read_tflite_metadata(tflite);
  ASSERT_TRUE(meta["onnx"].contains("kplab.schema")) << meta.dump();
  const Schema schema = parse_schema(meta["onnx"]["kplab.schema"].get<std::string>(), tflite);
  EXPECT_EQ(schema.joints.size(), 14u);
  EXPECT_EQ(schema.joints.front(), "right_ankle");

  auto a = kplab(dir, "eval " + quote(run) + " --json " + quote(dir.file("torch.json")));
  auto b = kplab(dir, "eval " + quote(run) + " --tflite " + quote(tflite) + " --json " + quote(dir.file("tflite.json")));
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_TRUE(has(b.out, "(LiteRT)")) << b.out;
  const auto t = nlohmann::json::parse(slurp(dir.file("torch.json")));
  const auto l = nlohmann::json::parse(slurp(dir.file("tflite.json")));
  EXPECT_EQ(l["tflite"], tflite);
  for (const char* d : {"regression", "heatmap"}) {
    // XNNPACK moves coordinates by ~1e-4 px at most: the same joints are hits.
    EXPECT_NEAR(l["by_decoder"][d]["mean_px"].get<double>(), t["by_decoder"][d]["mean_px"].get<double>(), 1e-2) << d;
    EXPECT_NEAR(l["by_decoder"][d]["pck@0.2"].get<double>(), t["by_decoder"][d]["pck@0.2"].get<double>(), 1e-9) << d;
  }
}

TEST(TfliteCli, Int8IsCalibratedOnTheRunsCacheAndScoredBesideTheFloatModel) {
  TempDir dir;
  const std::string run = test::tiny_run().run, tflite = dir.file("tiny_int8.tflite");
  auto r = kplab(dir, "export " + quote(run) + " --tflite " + quote(tflite) + " --quantize int8 --calibration-count 8" +
                          " --json " + quote(dir.file("q.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "int8 TFLite")) << r.out;
  const auto j = nlohmann::json::parse(slurp(dir.file("q.json")));
  EXPECT_EQ(j["tflite"]["quantize"], "int8");
  EXPECT_LT(j["tflite"]["bytes"].get<int64_t>(), j["tflite"]["float32_bytes"].get<int64_t>());
  EXPECT_EQ(j["tflite"]["pck"]["split"], "test");
  EXPECT_TRUE(j["tflite"]["pck"]["libtorch_float32"].is_number());
  EXPECT_TRUE(j["tflite"]["pck"]["tflite_int8"].is_number());
}

TEST(TfliteCli, BadInputFailsInOneLineAndLeavesNothing) {
  TempDir dir;
  const std::string run = test::tiny_run().run;
  // A file that is no TFLite model.
  const std::string garbage = dir.file("garbage.tflite");
  test::write_file(garbage, "not a flatbuffer at all");
  auto r = kplab(dir, "eval " + quote(run) + " --tflite " + quote(garbage));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, garbage) && has(r.err, "not a TFLite file")) << r.err;
  EXPECT_EQ(test::lines(r.err).size(), 1u) << r.err;
  // --quantize without --tflite, and an unknown quantisation.
  r = kplab(dir, "export " + quote(run) + " --onnx " + quote(dir.file("m.onnx")) + " --quantize int8");
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(has(r.err, "--quantize")) << r.err;
  r = kplab(dir, "export " + quote(run) + " --tflite " + quote(dir.file("m.tflite")) + " --quantize int4");
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(has(r.err, "none, fp16 or int8")) << r.err;
  EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"garbage.tflite", "stderr.txt", "stdout.txt"}));
}

}  // namespace
}  // namespace kplab
