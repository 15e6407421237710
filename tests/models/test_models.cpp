// Tests generated over the registry: every registered model is built and
// checked for shapes, gradients, the stop-gradient and NaNs.
#include <gtest/gtest.h>

#include <map>
#include <torch/torch.h>

#include "core/error.h"
#include "models/blazepose.h"
#include "models/registry.h"
#include "train/freeze.h"

namespace kplab {
namespace {

YAML::Node overrides(int k, int size) {
  YAML::Node n;
  n["num_keypoints"] = k;
  n["input_size"] = size;
  return n;
}

class EveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryModel, OutputShapesForK14And17AtInputs256And128) {
  torch::manual_seed(0);
  for (int k : {14, 17}) {
    for (int s : {256, 128}) {
      PoseModel m = create_model(GetParam(), overrides(k, s));
      m->eval();
      torch::NoGradGuard no_grad;
      PoseOutput out = m->forward(torch::rand({2, 3, s, s}));
      EXPECT_EQ(out.heatmaps.sizes(), (std::vector<int64_t>{2, k, s / 2, s / 2})) << k << " " << s;
      EXPECT_EQ(out.coords.sizes(), (std::vector<int64_t>{2, k, 2}));
      EXPECT_EQ(out.visibility.sizes(), (std::vector<int64_t>{2, k}));
      EXPECT_EQ(m->heatmap_size(), s / 2);
      EXPECT_TRUE(torch::isfinite(out.heatmaps).all().item<bool>());
      EXPECT_TRUE(torch::isfinite(out.coords).all().item<bool>());
      EXPECT_TRUE(torch::isfinite(out.visibility).all().item<bool>());
    }
  }
}

TEST_P(EveryModel, EveryTrainableParameterReceivesAGradient) {
  torch::manual_seed(1);
  PoseModel m = create_model(GetParam(), overrides(14, 128));
  m->train();
  PoseOutput out = m->forward(torch::rand({2, 3, 128, 128}));
  (out.heatmaps.sigmoid().mean() + out.coords.mean() / 128 + out.visibility.sigmoid().mean()).backward();
  for (const auto& p : m->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key() << ": an all-zero gradient";
  }
}

// A phase that trains only the regression branch (BlazePose's second
// phase): every other parameter gets no gradient and stays bit-identical
// through an optimizer step on the full loss; the regression branch moves.
TEST_P(EveryModel, FrozenParametersGetNoGradientAndStayTheSame) {
  torch::manual_seed(4);
  PoseModel m = create_model(GetParam(), overrides(14, 128));
  m->train();
  std::map<std::string, torch::Tensor> before;
  for (const auto& p : m->named_parameters()) before[p.key()] = p.value().detach().clone();
  std::vector<torch::Tensor> trainable = set_trainable(*m, {"regression"}, "test");
  ASSERT_FALSE(trainable.empty());
  torch::optim::Adam adam(trainable, torch::optim::AdamOptions(1e-2));
  PoseOutput out = m->forward(torch::rand({2, 3, 128, 128}));
  (out.heatmaps.sigmoid().mean() + out.coords.mean() / 128 + out.visibility.sigmoid().mean()).backward();
  adam.step();
  int64_t moved = 0;
  for (const auto& p : m->named_parameters()) {
    const bool same = torch::equal(p.value(), before[p.key()]);
    if (p.key().rfind("regression.", 0) == 0) {
      moved += !same;
    } else {
      EXPECT_FALSE(p.value().grad().defined()) << p.key() << " is frozen but got a gradient";
      EXPECT_TRUE(same) << p.key() << " changed while frozen";
    }
  }
  EXPECT_GT(moved, 0);
}

TEST_P(EveryModel, RegressionLossLeavesNoGradientInBackboneOrHeatmap) {
  torch::manual_seed(2);
  PoseModel m = create_model(GetParam(), overrides(14, 128));
  PoseOutput out = m->forward(torch::rand({2, 3, 128, 128}));
  (out.coords.pow(2).mean() + out.visibility.sigmoid().mean()).backward();
  int64_t regression_with_grad = 0;
  for (const auto& p : m->named_parameters()) {
    const std::string& name = p.key();
    const torch::Tensor& g = p.value().grad();
    if (name.rfind("regression.", 0) == 0) {
      regression_with_grad += g.defined() && g.abs().sum().item<double>() > 0;
    } else {
      EXPECT_TRUE(!g.defined() || g.abs().sum().item<double>() == 0.0) << name << " got a regression gradient";
    }
  }
  EXPECT_GT(regression_with_grad, 0);
}

TEST_P(EveryModel, HeatmapLossReachesTheBackboneButNotTheRegression) {
  torch::manual_seed(3);
  PoseModel m = create_model(GetParam(), overrides(14, 128));
  PoseOutput out = m->forward(torch::rand({2, 3, 128, 128}));
  out.heatmaps.sigmoid().mean().backward();
  for (const auto& p : m->named_parameters()) {
    const torch::Tensor& g = p.value().grad();
    if (p.key().rfind("regression.", 0) == 0)
      EXPECT_TRUE(!g.defined() || g.abs().sum().item<double>() == 0.0) << p.key();
  }
  auto conv1 = m->named_parameters()["backbone.conv1.weight"];
  ASSERT_TRUE(conv1.grad().defined());
  EXPECT_GT(conv1.grad().abs().sum().item<double>(), 0.0);
}

TEST_P(EveryModel, DescribeRebuildsTheSameArchitecture) {
  PoseModel m = create_model(GetParam(), overrides(17, 128));
  YAML::Node d = m->describe();
  EXPECT_EQ(d["name"].as<std::string>(), GetParam());
  PoseModel again = create_model(d["name"].as<std::string>(), d["options"]);
  EXPECT_EQ(count_parameters(*m), count_parameters(*again));
  EXPECT_EQ(again->num_keypoints(), 17);
}

TEST_P(EveryModel, PredictComputesForwardsOutputsAndSkipsTheHeatmapWhenNotAsked) {
  torch::manual_seed(1);
  PoseModel m = create_model(GetParam(), overrides(14, 128));
  m->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::rand({2, 3, 128, 128});
  PoseOutput full = m->forward(x), lean = m->predict(x, false), all = m->predict(x, true);
  EXPECT_FALSE(lean.heatmaps.defined());
  EXPECT_TRUE(torch::equal(lean.coords, full.coords));
  EXPECT_TRUE(torch::equal(lean.visibility, full.visibility));
  ASSERT_TRUE(all.heatmaps.defined());
  EXPECT_TRUE(torch::equal(all.heatmaps, full.heatmaps));
  EXPECT_TRUE(torch::equal(all.coords, full.coords));
}

TEST_P(EveryModel, ChannelsLastComputesTheSameOutputsAndConvertsBack) {
  torch::manual_seed(2);
  PoseModel m = create_model(GetParam(), overrides(14, 128));
  m->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::rand({2, 3, 128, 128});
  PoseOutput ref = m->forward(x);
  m->set_memory_format(torch::MemoryFormat::ChannelsLast);
  EXPECT_EQ(m->memory_format(), torch::MemoryFormat::ChannelsLast);
  int64_t converted = 0;
  for (const auto& p : m->parameters())
    if (p.dim() == 4) converted += p.is_contiguous(torch::MemoryFormat::ChannelsLast) && !p.is_contiguous();
  EXPECT_GT(converted, 0);
  PoseOutput cl = m->forward(x);  // an NCHW input is converted on entry
  EXPECT_TRUE(torch::allclose(cl.heatmaps, ref.heatmaps, 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(cl.coords, ref.coords, 1e-4, 1e-3));
  EXPECT_TRUE(torch::allclose(cl.visibility, ref.visibility, 1e-4, 1e-4));
  m->set_memory_format(torch::MemoryFormat::Contiguous);
  for (const auto& p : m->parameters()) EXPECT_TRUE(p.is_contiguous());
  EXPECT_TRUE(torch::equal(m->forward(x).coords, ref.coords));
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryModel, ::testing::ValuesIn(model_registry().names()),
                         [](const auto& info) { return info.param; });

TEST(RegressionPool, FlattenFeedsEveryCellAndTheDefaultKeepsOldDescriptions) {
  PoseModel avg = create_model("blazepose_lite", YAML::Load("{input_size: 128}"));
  PoseModel flat = create_model("blazepose_lite", YAML::Load("{input_size: 128, regression_pool: flatten}"));
  // Checkpoints written before the option existed carry no regression_pool key.
  EXPECT_FALSE(avg->describe()["options"]["regression_pool"]);
  EXPECT_EQ(flat->describe()["options"]["regression_pool"].as<std::string>(), "flatten");
  // The last map is 2 x 2 at 128 px: the fully connected layers see 4x the features (3 x K outputs).
  EXPECT_EQ(count_parameters(*flat) - count_parameters(*avg), 3 * 192 * 14 * 3);
  PoseOutput out = flat->forward(torch::rand({2, 3, 128, 128}));
  EXPECT_EQ(out.coords.sizes(), (std::vector<int64_t>{2, 14, 2}));
  try {
    create_model("blazepose_lite", YAML::Load("{regression_pool: max}"));
    FAIL() << "regression_pool: max accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("avg or flatten"), std::string::npos) << e.what();
  }
}

// coords_from: heatmap: `coords` is the softmax(coords_beta x logits)-weighted
// mean of the heatmap cells' centres in input pixels, computed inside the
// model (and its graph), so the deployed output carries the heatmaps' accuracy.
TEST(CoordsFromHeatmap, CoordsAreTheSoftArgmaxOfTheHeatmapLogits) {
  torch::manual_seed(3);
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64, coords_from: heatmap}"));
  m->eval();
  torch::Tensor x = torch::rand({2, 3, 64, 64});
  PoseOutput out = m->forward(x);
  {
    // Independently: 32 x 32 cells at stride 2, cell u's centre at (u + 0.5) * 2 - 0.5 px.
    torch::NoGradGuard no_grad;
    torch::Tensor p = torch::softmax(4.0 * out.heatmaps.reshape({2, 14, -1}), -1).view({2, 14, 32, 32});
    torch::Tensor centre = (torch::arange(32, torch::kFloat32) + 0.5) * 2 - 0.5;
    torch::Tensor ex = (p.sum(2) * centre).sum(-1), ey = (p.sum(3) * centre).sum(-1);
    EXPECT_TRUE(torch::allclose(out.coords.select(2, 0), ex, 1e-4, 1e-3));
    EXPECT_TRUE(torch::allclose(out.coords.select(2, 1), ey, 1e-4, 1e-3));
    PoseOutput lean = m->predict(x, false);  // the deployed path: no heatmap output, the same coords
    EXPECT_FALSE(lean.heatmaps.defined());
    EXPECT_TRUE(torch::allclose(lean.coords, out.coords));
    // The same computation, offered for heatmaps from elsewhere (flip testing's averaged maps).
    EXPECT_TRUE(m->coords_from_heatmaps());
    EXPECT_TRUE(torch::allclose(m->coords_from_heatmap_logits(out.heatmaps), out.coords));
    PoseModel plain = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
    EXPECT_FALSE(plain->coords_from_heatmaps());
    EXPECT_FALSE(plain->coords_from_heatmap_logits(out.heatmaps).defined());
  }
  // The coordinate loss trains the heatmap branch (and not the regression one).
  out.coords.sum().backward();
  EXPECT_GT(m->named_parameters()["heatmap.out.weight"].grad().abs().sum().item<double>(), 0.0);
  for (const auto& p : m->named_parameters())
    if (p.key().rfind("regression.coords.", 0) == 0)
      EXPECT_TRUE(!p.value().grad().defined() || p.value().grad().abs().sum().item<double>() == 0.0) << p.key();
  // Older descriptions carry neither key; bad values fail naming the option.
  EXPECT_FALSE(create_model("blazepose_lite", YAML::Load("{input_size: 64}"))->describe()["options"]["coords_from"]);
  EXPECT_EQ(m->describe()["options"]["coords_from"].as<std::string>(), "heatmap");
  for (const auto& [bad, says] : std::vector<std::pair<std::string, std::string>>{
           {"{coords_from: argmax}", "regression or heatmap"}, {"{coords_beta: 0}", "coords_beta"}}) {
    try {
      create_model("blazepose_lite", YAML::Load(bad));
      ADD_FAILURE() << bad << " accepted";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  }
}

TEST(MemoryFormat, AutoIsChannelsLastOnTheCpuAndBadNamesFailNamingTheFlag) {
  EXPECT_EQ(parse_memory_format("auto", torch::kCPU), torch::MemoryFormat::ChannelsLast);
  EXPECT_EQ(parse_memory_format("auto", torch::Device("cuda:0")), torch::MemoryFormat::Contiguous);
  EXPECT_EQ(parse_memory_format("contiguous", torch::kCPU), torch::MemoryFormat::Contiguous);
  EXPECT_EQ(parse_memory_format("channels_last", torch::Device("cuda:0")), torch::MemoryFormat::ChannelsLast);
  try {
    parse_memory_format("nhwc", torch::kCPU, "--memory-format");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--memory-format"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'nhwc'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(memory_format_name(torch::MemoryFormat::ChannelsLast), "channels_last");
}

TEST(ModelRegistry, UnknownNameFailsListingTheKnownOnes) {
  try {
    create_model("blazepsoe");
    FAIL() << "expected kplab::Error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown model 'blazepsoe'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("blazepose_cbam"), std::string::npos) << msg;
  }
}

TEST(ModelRegistry, UnknownOptionAndWrongTypeFailNamingTheKey) {
  YAML::Node bad;
  bad["widht"] = 3;
  EXPECT_THROW(create_model("blazepose", bad), Error);
  YAML::Node wrong;
  wrong["input_size"] = "large";
  try {
    create_model("blazepose", wrong);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.options.input_size"), std::string::npos) << e.what();
  }
  YAML::Node odd;
  odd["input_size"] = 200;  // not a multiple of 128
  EXPECT_THROW(create_model("blazepose", odd), Error);
}

TEST(BlazePose, BaseModelParameterCountMatchesTheReferenceLayout) {
  // Counted by hand from the layout (conv1, 2 residual separable convs,
  // BlazeBlocks, decoder, regression, heads) with biases on every conv.
  PoseModel m = create_model("blazepose");
  EXPECT_EQ(count_parameters(*m), 3405296);
}

}  // namespace
}  // namespace kplab
