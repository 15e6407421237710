// Running exported files outside LibTorch (src/export/runtimes.h): OpenCV DNN
// and the ONNX Runtime oracle (the venv's onnxruntime through
// tools/py/run_model.py). The oracle is required: without the venv these
// tests fail with the reason, they do not skip (tools/setup.sh installs it).

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "export/onnx_graph.h"
#include "export/python_tools.h"
#include "export/runtimes.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::onnx_export {
namespace {

using test::TempDir;

std::vector<int64_t> sizes(const torch::Tensor& t) { return std::vector<int64_t>(t.sizes().begin(), t.sizes().end()); }

// A head with a 4-D heatmap output and a 2-D vector output (which OpenCV reports with other dims).
struct TwoHeads {
  torch::nn::Conv2d conv{torch::nn::Conv2dOptions(3, 5, 3).padding(1)};
  torch::nn::Linear fc{5, 7};
  std::unique_ptr<onnx::ModelProto> model;
  torch::Tensor input;
  torch::Tensor heatmaps, vec;

  TwoHeads() {
    torch::manual_seed(3);
    torch::NoGradGuard no_grad;
    GraphBuilder g("two_heads");
    const Value x = g.input("image", {1, 3, 12, 12});
    const Value h = g.relu(g.conv2d(x, conv, "conv"));
    const Value v = g.linear(g.flatten(g.global_avg_pool(h)), fc, "fc");
    g.output(h, "heatmaps");
    g.output(v, "vec");
    model = g.finish({});
    input = torch::randn({1, 3, 12, 12});
    heatmaps = torch::relu(conv->forward(input));
    vec = fc->forward(heatmaps.mean({2, 3}));
  }
};

TEST(Runtimes, OpenCvDnnReturnsDeclaredShapes) {
  TwoHeads m;
  TempDir dir;
  const std::string path = dir.file("two.onnx");
  save_model(*m.model, path, false);
  const auto out = run_opencv_dnn(path, m.input, {"vec", "heatmaps"});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(sizes(out.at("heatmaps")), (std::vector<int64_t>{1, 5, 12, 12}));
  EXPECT_EQ(sizes(out.at("vec")), (std::vector<int64_t>{1, 7}));
  EXPECT_LE((out.at("heatmaps") - m.heatmaps).abs().max().item<double>(), 1e-4);
  EXPECT_LE((out.at("vec") - m.vec).abs().max().item<double>(), 1e-4);
}

TEST(Runtimes, OpenCvDnnErrorsNameTheFile) {
  TempDir dir;
  const std::string missing = dir.file("missing.onnx");
  test::expect_error_with([&] { run_opencv_dnn(missing, torch::zeros({1, 3, 4, 4}), {"y"}); }, {missing});
  TwoHeads m;
  const std::string path = dir.file("two.onnx");
  save_model(*m.model, path, false);
  test::expect_error_with([&] { run_opencv_dnn(path, m.input, {"no_such_output"}); }, {path});
}

TEST(Runtimes, PythonToolsResolveFromTheEnvironment) {
  EXPECT_EQ(python_venv(), std::string(KPLAB_SOURCE_DIR) + "/.venv");
  ::setenv("KPLAB_VENV", "/nonexistent/venv", 1);
  EXPECT_EQ(python_venv(), "/nonexistent/venv");
  std::string why;
  EXPECT_FALSE(python_tool_available("run_model.py", &why));
  EXPECT_NE(why.find("/nonexistent/venv/bin/python"), std::string::npos) << why;
  EXPECT_NE(why.find("tools/setup.sh"), std::string::npos) << why;
  // A missing venv is one clear line naming the install command, not a crash.
  TempDir dir;
  test::expect_error_with([&] { run_onnxruntime(dir.file("x.onnx"), torch::zeros({1, 3, 4, 4}), {}, dir.path().string()); },
                          {"ONNX Runtime", "tools/setup.sh"});
  ::unsetenv("KPLAB_VENV");
  EXPECT_TRUE(python_tool_available("run_model.py", &why)) << why;
}

TEST(Runtimes, OnnxRuntimeReturnsAllOutputsWithShapes) {
  TwoHeads m;
  TempDir dir;
  const std::string path = dir.file("two.onnx");
  save_model(*m.model, path, false);
  auto out = run_onnxruntime(path, m.input, {}, dir.path().string());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(sizes(out.at("heatmaps")), (std::vector<int64_t>{1, 5, 12, 12}));
  EXPECT_EQ(sizes(out.at("vec")), (std::vector<int64_t>{1, 7}));
  EXPECT_LE((out.at("heatmaps") - m.heatmaps).abs().max().item<double>(), 1e-4);
  EXPECT_LE((out.at("vec") - m.vec).abs().max().item<double>(), 1e-4);
  // Just one, by name.
  out = run_onnxruntime(path, m.input, {"vec"}, dir.path().string());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sizes(out.at("vec")), (std::vector<int64_t>{1, 7}));
}

TEST(Runtimes, OnnxRuntimeFailureCarriesItsMessage) {
  TempDir dir;
  const std::string garbage = dir.file("garbage.onnx");
  test::write_file(garbage, "not a model");
  const std::string msg =
      test::expect_error_with([&] { run_onnxruntime(garbage, torch::zeros({1, 3, 4, 4}), {}, dir.path().string()); },
                              {garbage, "ONNX Runtime"});
  TwoHeads m;
  const std::string path = dir.file("two.onnx");
  save_model(*m.model, path, false);
  // A wrong input shape: ORT's own message comes back.
  test::expect_error_with([&] { run_onnxruntime(path, torch::zeros({1, 3, 8, 8}), {}, dir.path().string()); },
                          {path, "expected shape [N, 3, 12, 12]"});
  test::expect_error_with([&] { run_onnxruntime(path, m.input, {"nope"}, dir.path().string()); },
                          {"nope"});
}

}  // namespace
}  // namespace kplab::onnx_export
