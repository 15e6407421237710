// kplab eval --onnx on a trained run: the exported graph, run by kplab's own
// XNNPACK runner, scores as the checkpoint does (its own coords and
// heatmaps, not the checkpoint's); files that do not fit the run are
// refused in one line naming them.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_run.h"
#include "support/temp_dir.h"
#include "support/tiny_run.h"

namespace kplab {
namespace {

using test::has;
using test::quote;
using test::slurp;
using test::TempDir;

test::CliResult kplab(const TempDir& dir, const std::string& args) {
  return test::run_kplab(dir, args, "OMP_NUM_THREADS=1");
}

TEST(EvalOnnxCli, ExportedGraphScoresAsTheCheckpointDoes) {
  TempDir dir;
  const std::string run = test::tiny_run().run, onnx = dir.file("tiny.onnx");
  auto ex = kplab(dir, "export " + quote(run) + " --with-heatmap --onnx " + quote(onnx));
  ASSERT_EQ(ex.code, 0) << ex.err;
  auto a = kplab(dir, "eval " + quote(run) + " --json " + quote(dir.file("torch.json")));
  auto b = kplab(dir, "eval " + quote(run) + " --onnx " + quote(onnx) + " --threads 2 --json " +
                          quote(dir.file("onnx.json")));
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_TRUE(has(b.out, "(kplab's XNNPACK runner)")) << b.out;
  const auto t = nlohmann::json::parse(slurp(dir.file("torch.json")));
  const auto o = nlohmann::json::parse(slurp(dir.file("onnx.json")));
  EXPECT_EQ(o["onnx"], onnx);
  EXPECT_EQ(o["n_samples"], t["n_samples"]);
  for (const char* d : {"regression", "heatmap"}) {
    ASSERT_TRUE(o["by_decoder"].contains(d)) << d << ": " << o.dump();
    // The runner moves coordinates by ~1e-4 px: the same joints are hits.
    EXPECT_NEAR(o["by_decoder"][d]["mean_px"].get<double>(), t["by_decoder"][d]["mean_px"].get<double>(), 1e-2) << d;
    EXPECT_NEAR(o["by_decoder"][d]["pck@0.2"].get<double>(), t["by_decoder"][d]["pck@0.2"].get<double>(), 1e-9) << d;
  }
  // Without heatmaps in the graph, only the regression decoder is scored; flip test works on the graph too.
  auto ex2 = kplab(dir, "export " + quote(run) + " --onnx " + quote(dir.file("coords_only.onnx")));
  ASSERT_EQ(ex2.code, 0) << ex2.err;
  auto c = kplab(dir, "eval " + quote(run) + " --onnx " + quote(dir.file("coords_only.onnx")) + " --flip-test --json " +
                          quote(dir.file("coords_only.json")));
  ASSERT_EQ(c.code, 0) << c.err;
  const auto co = nlohmann::json::parse(slurp(dir.file("coords_only.json")));
  EXPECT_FALSE(co["by_decoder"].contains("heatmap")) << co.dump();
  EXPECT_EQ(co["flip_test"], true);
}

TEST(EvalOnnxCli, FilesThatDoNotFitTheRunAreRefusedNamingThem) {
  TempDir dir;
  const std::string run = test::tiny_run().run;
  const std::string garbage = dir.file("garbage.onnx");
  test::write_file(garbage, "not a protobuf");
  auto r = kplab(dir, "eval " + quote(run) + " --onnx " + quote(garbage));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, garbage) && has(r.err, "not an ONNX model")) << r.err;
  EXPECT_EQ(test::lines(r.err).size(), 1u) << r.err;
  // Another input size than the run's model.
  const std::string other = dir.file("other_size.onnx");
  auto ex = kplab(dir, "export --model blazepose_lite --set input_size=128 --onnx " + quote(other));
  ASSERT_EQ(ex.code, 0) << ex.err;
  r = kplab(dir, "eval " + quote(run) + " --onnx " + quote(other));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, other) && has(r.err, "expected N x 3 x")) << r.err;
  // Both files at once.
  r = kplab(dir, "eval " + quote(run) + " --onnx " + quote(other) + " --tflite " + quote(dir.file("x.tflite")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, "--tflite and --onnx")) << r.err;
}

}  // namespace
}  // namespace kplab
