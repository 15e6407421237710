// The TFLite lint (src/export/tflite_lint.h) and `kplab lint-onnx`: models
// built by hand with the protobuf API, each with one known incompatibility,
// must be reported naming the node; builder models must be clean.

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "export/onnx_graph.h"
#include "export/tflite_lint.h"
#include "support/cli_run.h"
#include "support/onnx_by_hand.h"
#include "support/temp_dir.h"

namespace kplab::onnx_export {
namespace {

using test::TempDir;

// ---- building models by hand (support/onnx_by_hand.h) ----

using namespace test::onnx_by_hand;

// x [1,4,8,8] -> Relu "relu0" -> y
onnx::ModelProto relu_model(int opset = 13, const std::string& symbolic = "") {
  auto m = model_shell(opset);
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "x", {1, 4, 8, 8}, symbolic);
  add_node(g, "Relu", "relu0", {"x"}, {"y"});
  tensor_info(g->add_output(), "y", {1, 4, 8, 8}, symbolic);
  return m;
}

onnx::ModelProto layer_norm_model() {
  auto m = model_shell(17);
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "x", {1, 16, 8});
  float_init(g, "gamma", {8}, 1.f);
  float_init(g, "beta", {8}, 0.f);
  add_node(g, "LayerNormalization", "ln0", {"x", "gamma", "beta"}, {"y"});
  tensor_info(g->add_output(), "y", {1, 16, 8});
  return m;
}

// Clip whose min/max come from graph inputs (tensors), or from initializers.
onnx::ModelProto clip_model(bool constant_bounds) {
  auto m = model_shell();
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "x", {1, 4, 8, 8});
  if (constant_bounds) {
    float_init(g, "lo", {}, 0.f);
    float_init(g, "hi", {}, 6.f);
  } else {
    tensor_info(g->add_input(), "lo", {});
    tensor_info(g->add_input(), "hi", {});
  }
  add_node(g, "Clip", "relu6_clip", {"x", "lo", "hi"}, {"y"});
  tensor_info(g->add_output(), "y", {1, 4, 8, 8});
  return m;
}

onnx::ModelProto strided_padded_conv_model() {
  auto m = model_shell();
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "x", {1, 3, 16, 16});
  float_init(g, "w", {8, 3, 3, 3}, 0.1f);
  auto* n = add_node(g, "Conv", "stem_conv", {"x", "w"}, {"y"});
  ints_attr(n, "kernel_shape", {3, 3});
  ints_attr(n, "strides", {2, 2});
  ints_attr(n, "pads", {1, 1, 1, 1});
  tensor_info(g->add_output(), "y", {1, 8, 8, 8});
  return m;
}

// Resize of a rank-3 tensor with scales computed at run time (Shape -> ...).
onnx::ModelProto bad_resize_model() {
  auto m = model_shell();
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "x", {1, 4, 8});
  tensor_info(g->add_input(), "s", {3});
  float_init(g, "roi", {0}, 0.f);
  add_node(g, "Resize", "up_resize", {"x", "roi", "s"}, {"y"});
  tensor_info(g->add_output(), "y", {1, 4, 16});
  return m;
}

bool has_issue(const std::vector<LintIssue>& issues, const std::string& node, const std::string& op,
               const std::string& reason_part = "") {
  for (const auto& i : issues)
    if (i.node == node && i.op == op && i.reason.find(reason_part) != std::string::npos) return true;
  return false;
}

std::string dump(const std::vector<LintIssue>& issues) {
  std::string s;
  for (const auto& i : issues) s += i.node + " | " + i.op + " | " + i.reason + "\n";
  return s;
}

TEST(TfliteLint, HandBuiltCleanModelHasNoIssues) {
  auto issues = lint_tflite(relu_model());
  EXPECT_TRUE(issues.empty()) << dump(issues);
  issues = lint_tflite(clip_model(true));
  EXPECT_TRUE(issues.empty()) << dump(issues);
}

TEST(TfliteLint, LayerNormalizationIsReported) {
  const auto issues = lint_tflite(layer_norm_model());
  EXPECT_TRUE(has_issue(issues, "ln0", "LayerNormalization", "decompose")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "(model)", "opset_import", "17")) << dump(issues);
}

TEST(TfliteLint, ClipWithTensorBoundsIsReported) {
  const auto issues = lint_tflite(clip_model(false));
  EXPECT_TRUE(has_issue(issues, "relu6_clip", "Clip", "constant")) << dump(issues);
}

TEST(TfliteLint, DynamicDimensionIsReported) {
  const auto issues = lint_tflite(relu_model(13, "batch"));
  EXPECT_TRUE(has_issue(issues, "x", "graph input", "'batch'")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "y", "graph output", "'batch'")) << dump(issues);
}

TEST(TfliteLint, StridedPaddedConvIsReported) {
  const auto issues = lint_tflite(strided_padded_conv_model());
  EXPECT_TRUE(has_issue(issues, "stem_conv", "Conv", "SAME")) << dump(issues);
  EXPECT_EQ(issues.size(), 1u) << dump(issues);
}

TEST(TfliteLint, BadResizeIsReported) {
  const auto issues = lint_tflite(bad_resize_model());
  EXPECT_TRUE(has_issue(issues, "up_resize", "Resize", "rank-3")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "up_resize", "Resize", "run time")) << dump(issues);
}

TEST(TfliteLint, OpsetDomainAndUnknownOpsAreReported) {
  auto m = relu_model(11);
  auto* g = m.mutable_graph();
  add_node(g, "Shape", "shape0", {"x"}, {"s"});
  auto* custom = add_node(g, "MyOp", "custom0", {"x"}, {"z"});
  custom->set_domain("com.example");
  add_node(g, "Erf", "erf0", {"x"}, {"e"});  // not inside a GELU
  auto* unnamed = add_node(g, "Einsum", "", {"x"}, {"q"});
  (void)unnamed;
  const auto issues = lint_tflite(m);
  EXPECT_TRUE(has_issue(issues, "(model)", "opset_import", "11")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "shape0", "Shape")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "custom0", "MyOp", "com.example")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "erf0", "Erf", "GELU")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "Einsum#4", "Einsum")) << dump(issues);
  EXPECT_FALSE(has_issue(issues, "relu0", "Relu")) << dump(issues);
}

// A builder model using every TFLite-sensitive helper.
std::unique_ptr<onnx::ModelProto> builder_model() {
  torch::manual_seed(0);
  GraphBuilder g("clean");
  const Value x = g.input("image", {1, 3, 32, 32});
  auto stem = torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3).stride(2).padding(1));
  Value y = g.conv2d(x, stem, "stem");
  y = g.layer_norm_channels(y, torch::ones({8}), torch::zeros({8}), 1e-6f);
  y = g.gelu(y);
  y = g.resize_bilinear(y, 2);
  y = g.max_pool2d(y, 2, 2);
  g.output(y, "heatmaps");
  return g.finish({{"model", "clean"}});
}

TEST(TfliteLint, GeluIsCleanOnlyInTheChainOnnx2tfFuses) {
  EXPECT_TRUE(lint_tflite(gelu_model(true)).empty()) << dump(lint_tflite(gelu_model(true)));
  const auto issues = lint_tflite(gelu_model(false));  // Mul by 1/sqrt 2: onnx2tf leaves FlexErf
  EXPECT_TRUE(has_issue(issues, "gelu_erf", "Erf", "FlexErf")) << dump(issues);
}

TEST(TfliteLint, BuilderModelIsClean) {
  const auto issues = lint_tflite(*builder_model());
  EXPECT_TRUE(issues.empty()) << dump(issues);
}

// ---- the command ----

using test::CliResult;
using test::slurp;

CliResult lint_cli(const TempDir& dir, const std::string& args) { return test::run_kplab(dir, "lint-onnx " + args); }

TEST(TfliteLintCli, ReportsBadModelAndPassesCleanOne) {
  TempDir dir;
  const std::string bad = dir.file("bad.onnx"), clean = dir.file("clean.onnx"), json = dir.file("report.json");
  save_model(strided_padded_conv_model(), bad, false);
  save_model(*builder_model(), clean, false);

  CliResult r = lint_cli(dir, "'" + bad + "' --json '" + json + "'");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("stem_conv"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 issue"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(slurp(json));
  ASSERT_EQ(j.at("issues").size(), 1u);
  EXPECT_EQ(j["issues"][0]["node"], "stem_conv");
  EXPECT_EQ(j["clean"], false);

  r = lint_cli(dir, "'" + clean + "'");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("clean"), std::string::npos) << r.out;
}

TEST(TfliteLintCli, UnreadableFileAndUsage) {
  TempDir dir;
  const std::string garbage = dir.file("garbage.onnx");
  test::write_file(garbage, "not a model");
  CliResult r = lint_cli(dir, "'" + garbage + "'");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(garbage), std::string::npos) << r.err;
  r = lint_cli(dir, "'" + dir.file("missing.onnx") + "'");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("missing.onnx"), std::string::npos) << r.err;
  r = lint_cli(dir, "");
  EXPECT_EQ(r.code, 2);
  r = lint_cli(dir, "--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("TFLite"), std::string::npos);
}

TEST(TfliteLintCli, CheckerFailureIsReported) {
  TempDir dir;
  // An input consumed but never defined: the checker fails, the lint still runs.
  auto m = model_shell();
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "x", {1, 4});
  add_node(g, "Add", "add0", {"x", "undefined_tensor"}, {"y"});
  tensor_info(g->add_output(), "y", {1, 4});
  const std::string path = dir.file("broken.onnx");
  save_model(m, path, false);
  CliResult r = lint_cli(dir, "'" + path + "'");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("checker: FAILED"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kplab::onnx_export
