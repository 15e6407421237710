// Export parity generated over the registry: every registered model's ONNX
// file passes the checker, the TFLite lint, and matches LibTorch within 1e-3 px on coordinates and 1e-4 on probabilities
// in OpenCV DNN and in ONNX Runtime (the venv's, required), on random noise and a
// synthetic person.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <cstdlib>
#include <limits>

#include "core/error.h"
#include "export/export_model.h"
#include "export/onnx_graph.h"
#include "export/runtimes.h"
#include "export/tflite_lint.h"
#include "infer/xnnpack_net.h"
#include "models/registry.h"
#include "support/cli_run.h"
#include "support/temp_dir.h"

namespace kplab::onnx_export {
namespace {

using test::TempDir;

constexpr double kTolerance = 1e-4;

PoseModel small_model(const std::string& name, int size = 128, int k = 14) {
  torch::manual_seed(11);
  YAML::Node o;
  o["input_size"] = size;
  o["num_keypoints"] = k;
  return create_model(name, o);
}

std::string exported(PoseModelImpl& m, const TempDir& dir, bool heatmap, ExportReport* report = nullptr) {
  ExportOptions eo;
  eo.with_heatmap = heatmap;
  const std::string path = dir.file(heatmap ? "with.onnx" : "without.onnx");
  ExportReport r = export_onnx(m, path, eo);
  if (report) *report = r;
  return path;
}

class EveryModelExport : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryModelExport, OpenCvDnnMatchesLibTorchAndTheLintIsClean) {
  TempDir dir;
  PoseModel m = small_model(GetParam());
  ExportReport report;
  const std::string path = exported(*m, dir, true, &report);
  auto proto = load_model(path);
  EXPECT_EQ(proto->opset_import(0).version(), kOpset);
  EXPECT_TRUE(lint_tflite(*proto).empty());
  for (const auto& input : parity_inputs(128)) {
    auto ref = reference_outputs(*m, input, true);
    auto got = run_opencv_dnn(path, input, {"coords", "visibility", "heatmaps"});
    for (const auto& kv : ref) {
      ASSERT_EQ(got.at(kv.first).sizes(), kv.second.sizes()) << kv.first;
      EXPECT_LE((got.at(kv.first) - kv.second).abs().max().item<double>(), kTolerance) << kv.first;
    }
  }
  EXPECT_EQ(report.parameters, count_parameters(*m));
  EXPECT_GT(report.macs, 0);
  // The export proved kplab's own runner too (every registered model is covered).
  EXPECT_TRUE(report.xnnpack_note.empty()) << report.xnnpack_note;
  EXPECT_EQ(report.max_abs_diff_xnnpack.size(), 3u);
  EXPECT_TRUE(report.to_json().contains("max_abs_diff_kplab_xnnpack"));
}

TEST_P(EveryModelExport, OnnxRuntimeMatchesLibTorch) {
  TempDir dir;
  PoseModel m = small_model(GetParam());
  const std::string path = exported(*m, dir, true);
  for (const auto& input : parity_inputs(128)) {
    auto ref = reference_outputs(*m, input, true);
    auto got = run_onnxruntime(path, input, {"coords", "visibility", "heatmaps"}, dir.path().string());
    for (const auto& kv : ref)
      EXPECT_LE((got.at(kv.first) - kv.second).abs().max().item<double>(), kTolerance) << kv.first;
  }
}

TEST_P(EveryModelExport, InferenceGraphWithoutHeatmapsLeavesOutTheHeatmapStages) {
  TempDir dir;
  PoseModel m = small_model(GetParam());
  ExportReport with, without;
  exported(*m, dir, true, &with);
  const std::string path = exported(*m, dir, false, &without);
  EXPECT_LT(without.nodes, with.nodes);
  EXPECT_LT(without.macs, with.macs);
  auto proto = load_model(path);
  ASSERT_EQ(proto->graph().output_size(), 2);
  EXPECT_EQ(proto->graph().output(0).name(), "coords");
  EXPECT_EQ(proto->graph().output(1).name(), "visibility");
  auto got = run_opencv_dnn(path, parity_inputs(128)[1], {"coords", "visibility"});
  auto ref = reference_outputs(*m, parity_inputs(128)[1], false);
  EXPECT_LE((got.at("coords") - ref.at("coords")).abs().max().item<double>(), kTolerance);
}

// kplab's own runner (infer/xnnpack_net.h) on every registered model (the
// ViT blocks' attention included): LibTorch's outputs, as OpenCV DNN gives
// them, with all outputs and with the deployed pair only.
TEST_P(EveryModelExport, XnnpackRunnerMatchesLibTorch) {
  TempDir dir;
  PoseModel m = small_model(GetParam());
  const std::string path = exported(*m, dir, true);
  for (const std::vector<std::string> names :
       {std::vector<std::string>{"coords", "visibility", "heatmaps"}, std::vector<std::string>{"coords", "visibility"}}) {
    XnnpackNet net(path, names, 2);
    for (const auto& input : parity_inputs(128)) {
      auto ref = reference_outputs(*m, input, true);
      auto got = net.forward(input);
      ASSERT_EQ(got.size(), names.size());
      for (const auto& name : names) {
        ASSERT_EQ(got.at(name).sizes(), ref.at(name).sizes()) << name;
        EXPECT_LE((got.at(name) - ref.at(name)).abs().max().item<double>(), kTolerance) << name;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryModelExport, ::testing::ValuesIn(model_registry().names()),
                         [](const auto& info) { return info.param; });

TEST(ModelExport, BaseModelAt256WithK17MatchesInOpenCvDnn) {
  TempDir dir;
  PoseModel m = small_model("blazepose", 256, 17);
  ExportReport report;
  const std::string path = exported(*m, dir, true, &report);
  auto input = parity_inputs(256)[1];
  auto ref = reference_outputs(*m, input, true);
  auto got = run_opencv_dnn(path, input, {"coords", "visibility", "heatmaps"});
  EXPECT_EQ(got.at("heatmaps").sizes(), (std::vector<int64_t>{1, 17, 128, 128}));
  for (const auto& kv : ref) EXPECT_LE((got.at(kv.first) - kv.second).abs().max().item<double>(), kTolerance);
}

// coords_from: heatmap puts the soft-argmax in the graph (Reshape, Mul,
// Softmax, MatMul): with and without the heatmap output, OpenCV DNN and ONNX
// Runtime (and kplab's XNNPACK runner) give LibTorch's coords (1e-3 px: a sum over 4,096 cells in
// another order) and probabilities (1e-4), and the lint stays clean.
TEST(ModelExport, CoordsFromHeatmapMatchInOpenCvDnnAndOnnxRuntime) {
  TempDir dir;
  torch::manual_seed(11);
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 128, coords_from: heatmap}"));
  m->eval();
  for (const bool heatmaps : {true, false}) {
    const std::string path = exported(*m, dir, heatmaps);
    EXPECT_TRUE(lint_tflite(*load_model(path)).empty());
    std::vector<std::string> names = {"coords", "visibility"};
    if (heatmaps) names.push_back("heatmaps");
    for (const auto& input : parity_inputs(128)) {
      auto ref = reference_outputs(*m, input, heatmaps);
      auto cv = run_opencv_dnn(path, input, names);
      auto ort = run_onnxruntime(path, input, names, dir.path().string());
      auto xnn = XnnpackNet(path, names, 2).forward(input);
      for (const auto& name : names) {
        const double bound = name == "coords" ? 1e-3 : kTolerance;
        EXPECT_LE((cv.at(name) - ref.at(name)).abs().max().item<double>(), bound) << name << " OpenCV DNN";
        EXPECT_LE((ort.at(name) - ref.at(name)).abs().max().item<double>(), bound) << name << " ONNX Runtime";
        EXPECT_LE((xnn.at(name) - ref.at(name)).abs().max().item<double>(), bound) << name << " XNNPACK runner";
      }
    }
  }
}

TEST(ModelExport, CoordsParityBoundGrowsWithTheCellsSummedAndTheInputSize) {
  const double eps = std::numeric_limits<float>::epsilon();
  PoseModel m128 = create_model("blazepose_lite", YAML::Load("{input_size: 128, coords_from: heatmap}"));
  PoseModel m256 = create_model("blazepose_lite", YAML::Load("{input_size: 256, coords_from: heatmap}"));
  ASSERT_EQ(m128->heatmap_size(), 64);
  EXPECT_DOUBLE_EQ(coords_parity_bound(*m128, 1e-3), 8 * eps * 64 * 128);
  EXPECT_DOUBLE_EQ(coords_parity_bound(*m256, 1e-3), 8 * eps * m256->heatmap_size() * 256);
  EXPECT_DOUBLE_EQ(coords_parity_bound(*m128, 0.5), 0.5);  // never below the floor asked for
}

TEST(ModelExport, MetadataStatesTheInputNormalisationAndTheModel) {
  TempDir dir;
  PoseModel m = small_model("blazepose_lite");
  auto proto = load_model(exported(*m, dir, false));
  std::map<std::string, std::string> meta;
  for (const auto& p : proto->metadata_props()) meta[p.key()] = p.value();
  EXPECT_NE(meta["kplab.input"].find("[0, 1]"), std::string::npos);
  EXPECT_NE(meta["kplab.model"].find("blazepose_lite"), std::string::npos);
}

TEST(ModelExport, AnExistingFileIsRefusedAndNothingIsLeftBehind) {
  TempDir dir;
  PoseModel m = small_model("blazepose_lite");
  exported(*m, dir, false);
  EXPECT_THROW(exported(*m, dir, false), Error);
  EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"without.onnx"}));
}

TEST(ModelExport, CliExportThenLintOnnxPass) {
  TempDir dir;
  const std::string onnx = dir.file("lite.onnx");
  test::CliResult r = test::run_kplab(dir, "export --model blazepose_lite --set input_size=128 --onnx " + onnx + " --with-heatmap");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = test::run_kplab(dir, "lint-onnx " + onnx);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  r = test::run_kplab(dir, "export --model blazepsoe --onnx " + dir.file("x.onnx"));
  EXPECT_EQ(r.code, 1) << r.err;
}

}  // namespace
}  // namespace kplab::onnx_export
