// The ONNX graph builder (src/export/onnx_graph.h): small graphs from real
// torch modules, checked structurally (checker, strict shape inference, the
// TFLite-safe choices), then run in OpenCV DNN and in ONNX Runtime (the
// venv's, required: tools/setup.sh), each against LibTorch on the same input.

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "export/mac_count.h"
#include "export/onnx_graph.h"
#include "export/runtimes.h"
#include "export/tflite_lint.h"
#include "infer/vector_isa.h"
#include "infer/xnnpack_net.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::onnx_export {
namespace {

namespace F = torch::nn::functional;
using test::TempDir;

std::vector<int64_t> sizes(const torch::Tensor& t) { return std::vector<int64_t>(t.sizes().begin(), t.sizes().end()); }

const onnx::NodeProto* find_node(const onnx::ModelProto& m, const std::string& op, int nth = 0) {
  for (const auto& n : m.graph().node())
    if (n.op_type() == op && nth-- == 0) return &n;
  return nullptr;
}

std::vector<int64_t> ints(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return std::vector<int64_t>(a.ints().begin(), a.ints().end());
  return {};
}

// One exported graph with its LibTorch reference.
struct Case {
  std::string name;
  std::unique_ptr<onnx::ModelProto> model;
  torch::Tensor input;
  std::map<std::string, torch::Tensor> expected;  // graph output name -> LibTorch result
};

// Builds `body` around one input `x` of `shape`; body returns the outputs by name.
using Body = std::function<std::map<std::string, std::pair<Value, torch::Tensor>>(GraphBuilder&, const Value&,
                                                                                  const torch::Tensor&)>;

Case make_case(const std::string& name, const std::vector<int64_t>& shape, const Body& body) {
  torch::manual_seed(7);
  torch::NoGradGuard no_grad;
  Case c;
  c.name = name;
  c.input = torch::randn(shape);
  GraphBuilder g(name);
  const Value x = g.input("input", shape);
  for (auto& [out_name, vt] : body(g, x, c.input)) {
    EXPECT_EQ(vt.first.shape, sizes(vt.second)) << name << ": builder shape of '" << out_name << "' differs from torch";
    g.output(vt.first, out_name);
    c.expected[out_name] = vt.second;
  }
  c.model = g.finish({{"case", name}});
  return c;
}

std::map<std::string, std::function<Case()>> cases() {
  using Out = std::map<std::string, std::pair<Value, torch::Tensor>>;
  std::map<std::string, std::function<Case()>> all;
  all["conv_stride2_pad1"] = [] {
    auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3).stride(2).padding(1));
    return make_case("conv_stride2_pad1", {1, 3, 33, 33}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      return Out{{"y", {g.conv2d(x, conv, "stem"), conv->forward(t)}}};
    });
  };
  all["conv_depthwise"] = [] {
    auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 8, 3).padding(1).groups(8));
    auto conv2 = torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 8, 3).stride(2).padding(1).groups(8).bias(false));
    return make_case("conv_depthwise", {1, 8, 16, 16}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      return Out{{"y", {g.conv2d(g.conv2d(x, conv, "dw"), conv2, "dw_s2"), conv2->forward(conv->forward(t))}}};
    });
  };
  // kplab's own depthwise kernel where it covers the shape: 24 channels (a
  // block of 16 and one of 8 on AVX-512), 5 x 5, a fused ReLU, batch 2.
  all["conv_depthwise_24ch_5x5_relu"] = [] {
    auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(24, 24, 5).padding(2).groups(24));
    auto conv2 = torch::nn::Conv2d(torch::nn::Conv2dOptions(24, 24, 3).stride(2).padding(1).groups(24));
    return make_case("conv_depthwise_24ch_5x5_relu", {2, 24, 13, 10},
                     [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
                       return Out{{"y", {g.conv2d(g.relu(g.conv2d(x, conv, "dw5")), conv2, "dw_s2"),
                                         conv2->forward(torch::relu(conv->forward(t)))}}};
                     });
  };
  all["conv_dilated_nobias"] = [] {
    auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(4, 6, 3).padding(2).dilation(2).bias(false));
    return make_case("conv_dilated_nobias", {1, 4, 15, 12}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      return Out{{"y", {g.conv2d(x, conv, "dil"), conv->forward(t)}}};
    });
  };
  all["conv_transpose"] = [] {
    auto up = torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(8, 4, 4).stride(2).padding(1));
    auto up2 = torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(4, 3, 3).stride(2).padding(1).output_padding(1).bias(false));
    return make_case("conv_transpose", {1, 8, 8, 8}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      const Value a = g.conv_transpose2d(x, up, "up");
      const Value r = g.relu(a);
      const torch::Tensor tr = torch::relu(up->forward(t));
      return Out{{"y", {r, tr}}, {"y2", {g.conv_transpose2d(r, up2, "up2"), up2->forward(tr)}}};
    });
  };
  all["linear"] = [] {
    auto fc = torch::nn::Linear(36, 10);
    auto fc2 = torch::nn::Linear(torch::nn::LinearOptions(10, 5).bias(false));
    return make_case("linear", {1, 4, 3, 3}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      const Value h = g.relu(g.linear(g.flatten(x), fc, "fc"));
      const torch::Tensor th = torch::relu(fc->forward(t.flatten(1)));
      return Out{{"hidden", {h, th}}, {"logits", {g.linear(h, fc2, "fc2"), fc2->forward(th)}}};
    });
  };
  all["maxpool"] = [] {
    return make_case("maxpool", {1, 4, 17, 17}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      return Out{{"p2", {g.max_pool2d(x, 2, 2), F::max_pool2d(t, F::MaxPool2dFuncOptions(2).stride(2))}},
                 {"p3", {g.max_pool2d(x, 3, 2), F::max_pool2d(t, F::MaxPool2dFuncOptions(3).stride(2))}}};
    });
  };
  all["resize"] = [] {
    auto up = [](const torch::Tensor& t, double s) {
      return F::interpolate(t, F::InterpolateFuncOptions()
                                   .scale_factor(std::vector<double>{s, s})
                                   .mode(torch::kBilinear)
                                   .align_corners(false));
    };
    return make_case("resize", {1, 3, 7, 9}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      return Out{{"x2", {g.resize_bilinear(x, 2), up(t, 2)}}, {"x4", {g.resize_bilinear(x, 4), up(t, 4)}}};
    });
  };
  all["layer_norm_channels"] = [] {
    const torch::Tensor w = torch::randn({6}), b = torch::randn({6});
    return make_case("layer_norm_channels", {1, 6, 5, 7}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      const torch::Tensor ref =
          torch::layer_norm(t.permute({0, 2, 3, 1}), {6}, w, b, 1e-6).permute({0, 3, 1, 2}).contiguous();
      return Out{{"y", {g.layer_norm_channels(x, w, b, 1e-6f), ref}}};
    });
  };
  all["gelu"] = [] {
    return make_case("gelu", {1, 4, 6, 6}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      return Out{{"y", {g.gelu(x), torch::gelu(t)}}};
    });
  };
  all["attention"] = [] {
    // [1, heads, tokens, dim]: kept 4-D (OpenCV DNN mishandles 3-D activations).
    return make_case("attention", {1, 2, 16, 8}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      const Value kt = g.transpose(x, {0, 1, 3, 2});
      const Value s = g.mul(g.matmul(x, kt), g.scalar(1.0f / std::sqrt(8.0f), "attn_scale"));
      const Value o = g.matmul(g.softmax_last(s), x);
      const torch::Tensor ref = torch::matmul(torch::softmax(torch::matmul(t, t.transpose(2, 3)) / std::sqrt(8.0), -1), t);
      // An activation right after a MatMul of two activations (OpenCV DNN drops it unless fenced).
      const Value r = g.relu(g.matmul(x, kt));
      return Out{{"o", {o, ref}}, {"r", {r, torch::relu(torch::matmul(t, t.transpose(2, 3)))}}};
    });
  };
  all["elementwise"] = [] {
    const torch::Tensor gain = torch::randn({1, 4, 1, 1});
    return make_case("elementwise", {1, 4, 8, 8}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      const Value c = g.relu(g.add(x, g.sigmoid(x)));  // residual-style Add of two activations, then Relu
      const Value d = g.mul(c, g.constant(gain, "gain"));
      const Value e = g.concat({c, d}, 1);
      const Value h = g.reshape(g.global_avg_pool(e), {1, -1});
      const torch::Tensor tc = torch::relu(t + torch::sigmoid(t));
      const torch::Tensor te = torch::cat({tc, tc * gain}, 1);
      return Out{{"e", {e, te}}, {"h", {h, te.mean({2, 3})}}};
    });
  };
  all["square_then_branches"] = [] {
    // y * y is y's last read: a runner that frees y's buffer twice hands it to
    // both branches after it, and their sum comes out wrong.
    return make_case("square_then_branches", {1, 4, 8, 8}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      const Value y = g.relu(x);
      const Value z = g.mul(y, y);
      const torch::Tensor tz = torch::relu(t) * torch::relu(t);
      return Out{{"s", {g.add(g.sigmoid(z), g.relu(g.add(z, x))), torch::sigmoid(tz) + torch::relu(tz + t)}}};
    });
  };
  all["se_gate"] = [] {
    // Squeeze-excitation: an activation gated by another activation of shape N x C x 1 x 1.
    return make_case("se_gate", {1, 4, 8, 8}, [&](GraphBuilder& g, const Value& x, const torch::Tensor& t) {
      return Out{{"y", {g.mul(x, g.sigmoid(g.global_avg_pool(x))), t * torch::sigmoid(t.mean({2, 3}, true))}}};
    });
  };
  return all;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : cases()) names.push_back(name);
  return names;
}

double max_abs(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

constexpr double kTol = 1e-4;

class OnnxGraphParity : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxGraphParity, CheckerAndShapes) {
  Case c = cases().at(GetParam())();
  ASSERT_TRUE(c.model);
  EXPECT_EQ(c.model->graph().output_size(), static_cast<int>(c.expected.size()));
  // finish() ran the checker and strict inference; the declared shapes are torch's.
  for (const auto& o : c.model->graph().output()) {
    std::vector<int64_t> s;
    for (const auto& d : o.type().tensor_type().shape().dim()) s.push_back(d.dim_value());
    EXPECT_EQ(s, sizes(c.expected.at(o.name()))) << o.name();
  }
  // Every node is named, uniquely; every Conv has kernel_shape.
  std::set<std::string> names;
  for (const auto& n : c.model->graph().node()) {
    EXPECT_FALSE(n.name().empty());
    EXPECT_TRUE(names.insert(n.name()).second) << "duplicate node name " << n.name();
    if (n.op_type() == "Conv" || n.op_type() == "ConvTranspose") EXPECT_FALSE(ints(n, "kernel_shape").empty()) << n.name();
  }
  // And the builder's output passes the TFLite lint.
  for (const auto& issue : lint_tflite(*c.model)) ADD_FAILURE() << issue.node << " " << issue.op << ": " << issue.reason;
}

TEST_P(OnnxGraphParity, OpenCvDnnMatchesTorch) {
  Case c = cases().at(GetParam())();
  TempDir dir;
  const std::string path = dir.file(c.name + ".onnx");
  save_model(*c.model, path, false);
  std::vector<std::string> names;
  for (const auto& [name, t] : c.expected) names.push_back(name);
  const auto got = run_opencv_dnn(path, c.input, names);
  for (const auto& [name, want] : c.expected) {
    ASSERT_EQ(sizes(got.at(name)), sizes(want)) << name;
    const double diff = max_abs(got.at(name), want);
    std::printf("[parity] %-20s %-6s opencv max|diff| = %.3g\n", c.name.c_str(), name.c_str(), diff);
    EXPECT_LE(diff, kTol) << c.name << " output " << name;
  }
}

TEST_P(OnnxGraphParity, OnnxRuntimeMatchesTorch) {
  Case c = cases().at(GetParam())();
  TempDir dir;
  const std::string path = dir.file(c.name + ".onnx");
  save_model(*c.model, path, false);
  const auto got = run_onnxruntime(path, c.input, {}, dir.path().string());
  EXPECT_EQ(got.size(), c.expected.size());
  for (const auto& [name, want] : c.expected) {
    ASSERT_TRUE(got.count(name)) << name;
    ASSERT_EQ(sizes(got.at(name)), sizes(want)) << name;
    const double diff = max_abs(got.at(name), want);
    std::printf("[parity] %-20s %-6s ort    max|diff| = %.3g\n", c.name.c_str(), name.c_str(), diff);
    EXPECT_LE(diff, kTol) << c.name << " output " << name;
  }
}

// kplab's own XNNPACK runner (src/infer): every case it covers matches torch;
// the cases built from operators it does not cover are refused by name
// (UnsupportedGraph, the fallback's signal), never run wrongly.
TEST_P(OnnxGraphParity, XnnpackMatchesTorchOrRefusesTheOperatorByName) {
  const std::map<std::string, std::string> refused = {{"conv_transpose", "ConvTranspose"}};
  Case c = cases().at(GetParam())();
  TempDir dir;
  const std::string path = dir.file(c.name + ".onnx");
  save_model(*c.model, path, false);
  if (refused.count(c.name)) {
    try {
      XnnpackNet net(path, {}, 1);
      FAIL() << c.name << ": expected UnsupportedGraph";
    } catch (const UnsupportedGraph& e) {
      EXPECT_NE(std::string(e.what()).find("(" + refused.at(c.name) + ")"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    return;
  }
  for (int threads : {1, 2}) {
    XnnpackNet net(path, {}, threads);
    if (c.name.rfind("conv_depthwise", 0) == 0 && best_vector_isa() != VectorIsa::none)
      EXPECT_NE(net.summary().find("depthwise convolution"), std::string::npos)
          << c.name << ": kplab's depthwise kernel should run it on this CPU; " << net.summary();
    const auto got = net.forward(c.input);
    EXPECT_EQ(got.size(), c.expected.size());
    for (const auto& [name, want] : c.expected) {
      ASSERT_TRUE(got.count(name)) << name;
      ASSERT_EQ(sizes(got.at(name)), sizes(want)) << name;
      const double diff = max_abs(got.at(name), want);
      std::printf("[parity] %-20s %-6s xnnpack max|diff| = %.3g (%d threads)\n", c.name.c_str(), name.c_str(), diff,
                  threads);
      EXPECT_LE(diff, kTol) << c.name << " output " << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, OnnxGraphParity, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// ---- structure ----

TEST(OnnxGraph, StridedPaddedConvGetsExplicitPadAndValidConv) {
  auto c = cases().at("conv_stride2_pad1")();
  const onnx::NodeProto* pad = find_node(*c.model, "Pad");
  const onnx::NodeProto* conv = find_node(*c.model, "Conv");
  ASSERT_NE(pad, nullptr);
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->input(0), pad->output(0));
  EXPECT_EQ(ints(*conv, "pads"), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(ints(*conv, "strides"), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(ints(*conv, "kernel_shape"), (std::vector<int64_t>{3, 3}));
  ASSERT_EQ(pad->input_size(), 2);  // opset-13 form: pads as an input
  const onnx::TensorProto* pads = nullptr;
  for (const auto& t : c.model->graph().initializer())
    if (t.name() == pad->input(1)) pads = &t;
  ASSERT_NE(pads, nullptr);
  EXPECT_EQ(pads->data_type(), onnx::TensorProto::INT64);
  std::vector<int64_t> v(8);
  ASSERT_EQ(pads->raw_data().size(), v.size() * sizeof(int64_t));
  std::memcpy(v.data(), pads->raw_data().data(), pads->raw_data().size());
  EXPECT_EQ(v, (std::vector<int64_t>{0, 0, 1, 1, 0, 0, 1, 1}));
}

TEST(OnnxGraph, UnstridedConvKeepsPadsAttribute) {
  auto c = cases().at("conv_depthwise")();
  const onnx::NodeProto* dw = find_node(*c.model, "Conv", 0);
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(ints(*dw, "pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  for (const auto& a : dw->attribute())
    if (a.name() == "group") EXPECT_EQ(a.i(), 8);
  // The strided depthwise conv after it gets the Pad.
  EXPECT_NE(find_node(*c.model, "Pad"), nullptr);
}

TEST(OnnxGraph, MatMulOfActivationsIsFencedByIdentity) {
  auto c = cases().at("attention")();
  for (const auto& n : c.model->graph().node()) {
    if (n.op_type() != "MatMul") continue;
    int consumers = 0;
    for (const auto& m : c.model->graph().node())
      for (const auto& in : m.input())
        if (in == n.output(0)) {
          ++consumers;
          EXPECT_EQ(m.op_type(), "Identity") << n.name() << " feeds " << m.name();
        }
    EXPECT_EQ(consumers, 1) << n.name();
  }
}

TEST(OnnxGraph, ModelHeader) {
  auto c = cases().at("linear")();
  const auto& m = *c.model;
  EXPECT_EQ(m.producer_name(), "kplab");
  EXPECT_GE(m.ir_version(), 7);
  ASSERT_EQ(m.opset_import_size(), 1);
  EXPECT_EQ(m.opset_import(0).domain(), "");
  EXPECT_EQ(m.opset_import(0).version(), 13);
  ASSERT_EQ(m.metadata_props_size(), 1);
  EXPECT_EQ(m.metadata_props(0).key(), "case");
  EXPECT_EQ(m.metadata_props(0).value(), "linear");
  for (const auto& t : m.graph().initializer()) {
    EXPECT_FALSE(t.raw_data().empty()) << t.name();
    EXPECT_EQ(t.float_data_size(), 0);
  }
}

TEST(OnnxGraph, UniqueNames) {
  GraphBuilder g("u");
  EXPECT_EQ(g.unique("a"), "a");
  EXPECT_EQ(g.unique("a"), "a_1");
  EXPECT_EQ(g.unique("a"), "a_2");
  EXPECT_EQ(g.unique("a_1"), "a_1_1");
  const Value x = g.input("x", {1, 2, 4, 4});
  const Value r1 = g.relu(x), r2 = g.relu(r1);
  EXPECT_NE(r1.name, r2.name);
  test::expect_error_with([&] { g.input("x", {1, 2}); }, {"x", "already used"});
}

TEST(OnnxGraph, FinishRejectsWrongShapes) {
  GraphBuilder g("bad");
  const Value x = g.input("x", {1, 2, 4, 4});
  // A declared shape that is not what the op computes: strict inference catches it.
  const Value y = g.node("Relu", {x}, {1, 2, 4, 5});
  g.output(y, "y");
  test::expect_error_with([&] { g.finish({}); }, {"onnx:"});
}

TEST(OnnxGraph, FinishRejectsUnknownOperator) {
  GraphBuilder g("bad");
  const Value x = g.input("x", {1, 2});
  g.output(g.node("NoSuchOp", {x}, {1, 2}), "y");
  test::expect_error_with([&] { g.finish({}); }, {"onnx:", "NoSuchOp"});
}

TEST(OnnxGraph, RejectsSamePaddingAndReflectMode) {
  GraphBuilder g("bad");
  const Value x = g.input("x", {1, 2, 8, 8});
  auto same = torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 2, 3).padding(torch::kSame));
  test::expect_error_with([&] { g.conv2d(x, same, "same_conv"); }, {"same_conv", "padding"});
  auto reflect = torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 2, 3).padding(1).padding_mode(torch::kReflect));
  test::expect_error_with([&] { g.conv2d(x, reflect, "reflect_conv"); }, {"reflect_conv", "padding_mode"});
  auto wrong_c = torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 2, 3));
  test::expect_error_with([&] { g.conv2d(x, wrong_c, "c3"); }, {"c3", "[1, 2, 8, 8]"});
}

TEST(OnnxGraph, CountMacsOfOneConvIsTheHandFormula) {
  for (const auto& [stride, pad, groups] : std::vector<std::tuple<int, int, int>>{{1, 1, 1}, {2, 1, 1}, {2, 1, 4}}) {
    auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 16, 3).stride(stride).padding(pad).groups(groups));
    GraphBuilder g("macs");
    const Value x = g.input("x", {2, 8, 20, 20});
    const Value y = g.conv2d(x, conv, "c");
    g.output(y, "y");
    auto m = g.finish({});
    const int64_t ho = (20 + 2 * pad - 3) / stride + 1;
    EXPECT_EQ(count_macs(*m), int64_t{2} * 16 * ho * ho * (8 / groups) * 3 * 3) << stride << " " << groups;
  }
  // Gemm and MatMul and ConvTranspose.
  {
    auto fc = torch::nn::Linear(36, 10);
    GraphBuilder g("macs");
    const Value x = g.input("x", {3, 36});
    g.output(g.linear(x, fc, "fc"), "y");
    EXPECT_EQ(count_macs(*g.finish({})), 3 * 36 * 10);
  }
  {
    GraphBuilder g("macs");
    const Value x = g.input("x", {1, 2, 16, 8});
    g.output(g.matmul(x, g.transpose(x, {0, 1, 3, 2})), "y");
    EXPECT_EQ(count_macs(*g.finish({})), 2 * 16 * 16 * 8);
  }
  {
    auto up = torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(8, 4, 4).stride(2).padding(1));
    GraphBuilder g("macs");
    const Value x = g.input("x", {1, 8, 5, 5});
    g.output(g.conv_transpose2d(x, up, "up"), "y");
    EXPECT_EQ(count_macs(*g.finish({})), 8 * 5 * 5 * 4 * 4 * 4);
  }
}

TEST(OnnxGraph, SaveIsAtomicAndLoadRoundTrips) {
  auto c = cases().at("linear")();
  TempDir dir;
  const std::string path = dir.file("m.onnx");
  save_model(*c.model, path, false);
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{"m.onnx"});  // no temporary left
  test::expect_error_with([&] { save_model(*c.model, path, false); }, {path, "existing"});
  save_model(*c.model, path, true);
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{"m.onnx"});
  auto loaded = load_model(path);
  EXPECT_EQ(loaded->SerializeAsString(), c.model->SerializeAsString());
  test::expect_error_with([&] { save_model(*c.model, dir.file("no/such/dir/m.onnx"), false); }, {"no/such/dir"});
}

TEST(OnnxGraph, LoadNamesTheFile) {
  TempDir dir;
  const std::string garbage = dir.file("garbage.onnx");
  test::write_file(garbage, "this is not an onnx model at all\n\x01\x02\xff\xfe");
  test::expect_error_with([&] { load_model(garbage); }, {garbage, "ONNX"});
  const std::string text = dir.file("hello.onnx");
  test::write_file(text, "hello world");  // parses as unknown protobuf fields
  test::expect_error_with([&] { load_model(text); }, {text, "ONNX"});
  test::expect_error_with([&] { load_model(dir.file("missing.onnx")); }, {"missing.onnx"});
}

}  // namespace
}  // namespace kplab::onnx_export
