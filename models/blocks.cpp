#include "models/blocks.h"

#include <cmath>
#include <functional>

#include "core/error.h"

namespace kplab::models {

namespace F = torch::nn::functional;

namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride = 1, int64_t groups = 1, bool bias = true) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).groups(groups).bias(bias));
}

// LayerNorm over the channel axis of N x C x H x W (biased variance, as torch's LayerNorm).
torch::Tensor layer_norm_channels(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, float eps) {
  torch::Tensor mean = x.mean(1, true);
  torch::Tensor d = x - mean;
  torch::Tensor var = (d * d).mean(1, true);
  return d / torch::sqrt(var + eps) * w.view({1, -1, 1, 1}) + b.view({1, -1, 1, 1});
}

// A constant 1 x C x 1 x 1 ... shaped tensor of `value`.
torch::Tensor filled(std::vector<int64_t> shape, float value) { return torch::full(shape, value); }

}  // namespace

torch::Tensor add_relu_(torch::Tensor fresh, const torch::Tensor& other) { return fresh.add_(other).relu_(); }

// ---------------------------------------------------------------- SeparableConv

SeparableConvImpl::SeparableConvImpl(int64_t in, int64_t out, int64_t stride, bool relu) : relu(relu) {
  dw = register_module("dw", conv(in, in, 3, stride, in));
  pw = register_module("pw", conv(in, out, 1));
}

torch::Tensor SeparableConvImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = pw(dw(x));
  return relu ? y.relu_() : y;  // in place: the 1x1's output is ours alone
}

Value SeparableConvImpl::emit(GraphBuilder& g, const Value& x) const {
  Value y = g.conv2d(g.conv2d(x, dw, "dw"), pw, "pw");
  return relu ? g.relu(y) : y;
}

// ------------------------------------------------------------------ BlazeBlock

BlazeBlockImpl::BlazeBlockImpl(int64_t in, int64_t out, int64_t repeats) {
  down = register_module("down", SeparableConv(in, out, 2, false));
  if (in != out) pool_proj = register_module("pool_proj", conv(in, out, 1));
  for (int64_t i = 0; i < repeats; ++i) convs->push_back(SeparableConv(out, out, 1, false));
  register_module("convs", convs);
}

torch::Tensor BlazeBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor pooled = F::max_pool2d(x, F::MaxPool2dFuncOptions(2).stride(2));
  if (pool_proj) pooled = pool_proj(pooled);
  torch::Tensor y = add_relu_(down(x), pooled);
  for (const auto& c : *convs) y = add_relu_(c->as<SeparableConv>()->forward(y), y);
  return y;
}

Value BlazeBlockImpl::emit(GraphBuilder& g, const Value& x) const {
  Value pooled = g.max_pool2d(x, 2, 2);
  if (pool_proj) pooled = g.conv2d(pooled, pool_proj, "pool_proj");
  Value y = g.relu(g.add(down->emit(g, x), pooled));
  for (const auto& c : *convs) y = g.relu(g.add(y, c->as<SeparableConv>()->emit(g, y)));
  return y;
}

// ------------------------------------------------------------------------ CBAM

CBAMImpl::CBAMImpl(int64_t channels, int64_t reduction, int64_t kernel) {
  // At least 8 hidden units: at the heatmap head's 8 channels, channels / 16
  // left one ReLU unit, inactive for every input at init about half the time
  // (its MLP then never trains: the EveryModel gradient test caught it).
  const int64_t hidden = std::max<int64_t>(8, channels / reduction);
  fc1 = register_module("fc1", conv(channels, hidden, 1));
  fc2 = register_module("fc2", conv(hidden, channels, 1));
  spatial = register_module("spatial", conv(2, 1, kernel));
}

torch::Tensor CBAMImpl::forward(const torch::Tensor& x) {
  auto mlp = [&](const torch::Tensor& t) { return fc2(torch::relu(fc1(t))); };
  torch::Tensor avg = x.mean({2, 3}, true), mx = x.amax({2, 3}, true);
  torch::Tensor y = x * torch::sigmoid(mlp(avg) + mlp(mx));
  torch::Tensor desc = torch::cat({y.mean(1, true), y.amax(1, true)}, 1);
  return y * torch::sigmoid(spatial(desc));
}

Value CBAMImpl::emit(GraphBuilder& g, const Value& x) const {
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  auto mlp = [&](const Value& t) { return g.conv2d(g.relu(g.conv2d(t, fc1, "cbam_fc1")), fc2, "cbam_fc2"); };
  Value avg = g.global_avg_pool(x);
  Value mx = g.node("GlobalMaxPool", {x}, {n, c, 1, 1}, {}, "cbam_max");
  Value ca = g.sigmoid(g.add(mlp(avg), mlp(mx)));
  // OpenCV DNN cannot broadcast one activation against another: expand the
  // N x C x 1 x 1 weights to the feature map's shape first (nearest resize).
  Value scales = g.constant(torch::tensor({1.0f, 1.0f, static_cast<float>(h), static_cast<float>(w)}), "cbam_scales");
  Value roi = g.constant(torch::empty({0}), "cbam_roi");
  Value ca_full = g.node("Resize", {ca, roi, scales}, {n, c, h, w}, {{"mode", std::string("nearest")}}, "cbam_expand");
  Value y = g.mul(x, ca_full);
  // Channel mean as a 1x1 conv with weights 1/C; channel max as ReduceMax.
  Value mean = g.node("Conv", {y, g.constant(filled({1, c, 1, 1}, 1.0f / c), "cbam_mean_w")}, {n, 1, h, w},
                      {{"kernel_shape", std::vector<int64_t>{1, 1}}}, "cbam_mean");
  Value cmax = g.node("ReduceMax", {y}, {n, 1, h, w}, {{"axes", std::vector<int64_t>{1}}, {"keepdims", int64_t{1}}},
                      "cbam_cmax");
  Value sa = g.sigmoid(g.conv2d(g.concat({mean, cmax}, 1), spatial, "cbam_spatial"));
  Value sa_full = g.node("Conv", {sa, g.constant(filled({c, 1, 1, 1}, 1.0f), "cbam_ones")}, {n, c, h, w},
                         {{"kernel_shape", std::vector<int64_t>{1, 1}}}, "cbam_expand_sa");
  return g.mul(y, sa_full);
}

// ------------------------------------------------------------------ Attention

namespace {

// The holder's own constructor would take the shared_ptr as an argument for
// constructing the (abstract) FeatureBlockImpl: convert the pointer first.
FeatureBlock as_feature_block(std::shared_ptr<FeatureBlockImpl> block) { return FeatureBlock(std::move(block)); }

struct AttentionKind {
  std::string name;
  std::function<FeatureBlock(int64_t channels)> make;  // empty: no module
};

// The one list of attention kinds; validation and building both read it.
const std::vector<AttentionKind>& attention_kinds() {
  static const std::vector<AttentionKind> kinds = {
      {"none", nullptr},
      {"cbam", [](int64_t channels) { return as_feature_block(std::make_shared<CBAMImpl>(channels)); }},
  };
  return kinds;
}

}  // namespace

const std::vector<std::string>& attention_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const AttentionKind& kind : attention_kinds()) out.push_back(kind.name);
    return out;
  }();
  return names;
}

FeatureBlock make_attention(const std::string& name, int64_t channels) {
  for (const AttentionKind& kind : attention_kinds())
    if (kind.name == name) return kind.make ? kind.make(channels) : FeatureBlock(nullptr);
  KP_CHECK(false, "attention: unknown kind '", name, "'");
  return FeatureBlock(nullptr);
}

// ------------------------------------------------------------ TransformerBlock

TransformerBlockImpl::TransformerBlockImpl(int64_t dim, int64_t heads_, int64_t mlp) : heads(heads_) {
  KP_CHECK(dim % heads == 0, "transformer block: dim ", dim, " is not divisible by heads ", heads);
  ln1_w = register_parameter("ln1_w", torch::ones({dim}));
  ln1_b = register_parameter("ln1_b", torch::zeros({dim}));
  ln2_w = register_parameter("ln2_w", torch::ones({dim}));
  ln2_b = register_parameter("ln2_b", torch::zeros({dim}));
  q = register_module("q", conv(dim, dim, 1));
  k = register_module("k", conv(dim, dim, 1));
  v = register_module("v", conv(dim, dim, 1));
  proj = register_module("proj", conv(dim, dim, 1));
  fc1 = register_module("fc1", conv(dim, mlp, 1));
  fc2 = register_module("fc2", conv(mlp, dim, 1));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) {
  const int64_t n = x.size(0), d = x.size(1), h = x.size(2), w = x.size(3), t = h * w, dh = d / heads;
  torch::Tensor a = layer_norm_channels(x, ln1_w, ln1_b, kEps);
  torch::Tensor qh = q(a).reshape({n, heads, dh, t}).transpose(2, 3);  // N x heads x T x dh
  torch::Tensor kh = k(a).reshape({n, heads, dh, t});                  // N x heads x dh x T
  torch::Tensor vh = v(a).reshape({n, heads, dh, t}).transpose(2, 3);  // N x heads x T x dh
  torch::Tensor attn = torch::softmax(torch::matmul(qh, kh) * (1.0 / std::sqrt(static_cast<double>(dh))), -1);
  torch::Tensor out = torch::matmul(attn, vh).transpose(2, 3).reshape({n, d, h, w});
  torch::Tensor y = x + proj(out);
  torch::Tensor m = fc2(torch::gelu(fc1(layer_norm_channels(y, ln2_w, ln2_b, kEps))));
  return y + m;
}

Value TransformerBlockImpl::emit(GraphBuilder& g, const Value& x) const {
  const int64_t n = x.shape[0], d = x.shape[1], h = x.shape[2], w = x.shape[3], t = h * w, dh = d / heads;
  Value a = g.layer_norm_channels(x, ln1_w, ln1_b, kEps);
  Value qh = g.transpose(g.reshape(g.conv2d(a, q, "attn_q"), {n, heads, dh, t}), {0, 1, 3, 2});
  Value kh = g.reshape(g.conv2d(a, k, "attn_k"), {n, heads, dh, t});
  Value vh = g.transpose(g.reshape(g.conv2d(a, v, "attn_v"), {n, heads, dh, t}), {0, 1, 3, 2});
  Value scores = g.mul(g.matmul(qh, kh), g.scalar(static_cast<float>(1.0 / std::sqrt(static_cast<double>(dh))), "attn_scale"));
  Value out = g.reshape(g.transpose(g.matmul(g.softmax_last(scores), vh), {0, 1, 3, 2}), {n, d, h, w});
  Value y = g.add(x, g.conv2d(out, proj, "attn_proj"));
  Value m = g.conv2d(g.gelu(g.conv2d(g.layer_norm_channels(y, ln2_w, ln2_b, kEps), fc1, "mlp_fc1")), fc2, "mlp_fc2");
  return g.add(y, m);
}

// ------------------------------------------------------------------- ViTBranch

ViTBranchImpl::ViTBranchImpl(int64_t channels, int64_t size, ViTOptions opts) : options(opts) {
  const int64_t p = options.patch();
  KP_CHECK(p >= 2 && (p & (p - 1)) == 0, "vit: patch: expected a power of two >= 2, found ", p);
  KP_CHECK(size % p == 0, "vit: feature size ", size, " is not divisible by the patch size ", p);
  KP_CHECK(options.blocks() >= 1, "vit: blocks: expected >= 1, found ", options.blocks());
  const int64_t dim = options.dim(), grid = size / p;
  if (options.conv_embed()) {
    // log2(p) stride-2 3x3 convs: channels -> dim/2 -> dim -> ... -> dim.
    int64_t in = channels;
    for (int64_t s = p, i = 0; s > 1; s /= 2, ++i) {
      int64_t out = i == 0 ? dim / 2 : dim;
      embed->push_back(conv(in, out, 3, 2));
      in = out;
    }
    out_tconv = register_module("out_tconv", torch::nn::ConvTranspose2d(
                                                 torch::nn::ConvTranspose2dOptions(dim, channels, p).stride(p)));
  } else {
    embed->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, dim, p).stride(p)));
    out_proj = register_module("out_proj", conv(dim, channels, 1));
  }
  register_module("embed", embed);
  pos = register_parameter("pos", torch::randn({1, dim, grid, grid}) * 0.02);
  for (int64_t i = 0; i < (options.shared() ? 1 : options.blocks()); ++i)
    blocks->push_back(TransformerBlock(dim, options.heads(), options.mlp()));
  register_module("blocks", blocks);
}

torch::Tensor ViTBranchImpl::forward(const torch::Tensor& x) {
  torch::Tensor t = x;
  for (size_t i = 0; i < embed->size(); ++i) {
    t = embed->ptr<torch::nn::Conv2dImpl>(i)->forward(t);
    if (i + 1 < embed->size()) t = torch::relu(t);
  }
  t = t + pos;
  for (int64_t i = 0; i < options.blocks(); ++i)
    t = blocks->ptr<TransformerBlockImpl>(options.shared() ? 0 : i)->forward(t);
  torch::Tensor back;
  if (options.conv_embed()) {
    back = out_tconv(t);
  } else {
    back = out_proj(F::interpolate(t, F::InterpolateFuncOptions()
                                          .scale_factor(std::vector<double>{double(options.patch()), double(options.patch())})
                                          .mode(torch::kBilinear)
                                          .align_corners(false)));
  }
  return x + back;
}

Value ViTBranchImpl::emit(GraphBuilder& g, const Value& x) const {
  Value t = x;
  for (size_t i = 0; i < embed->size(); ++i) {
    t = g.conv2d(t, torch::nn::Conv2d(embed->ptr<torch::nn::Conv2dImpl>(i)), "vit_embed");
    if (i + 1 < embed->size()) t = g.relu(t);
  }
  t = g.add(t, g.constant(pos, "vit_pos"));
  for (int64_t i = 0; i < options.blocks(); ++i)
    t = blocks->ptr<TransformerBlockImpl>(options.shared() ? 0 : i)->emit(g, t);
  Value back = options.conv_embed() ? g.conv_transpose2d(t, out_tconv, "vit_tconv")
                                    : g.conv2d(g.resize_bilinear(t, options.patch()), out_proj, "vit_proj");
  return g.add(x, back);
}

// ------------------------------------------------------------------- Upsample2

Upsample2Impl::Upsample2Impl(int64_t channels, bool transposed) {
  if (transposed)
    tconv = register_module("tconv", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(channels, channels, 2).stride(2)));
}

torch::Tensor Upsample2Impl::forward(const torch::Tensor& x) {
  if (tconv) return tconv(x);
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .scale_factor(std::vector<double>{2.0, 2.0})
                               .mode(torch::kBilinear)
                               .align_corners(false));
}

Value Upsample2Impl::emit(GraphBuilder& g, const Value& x) const {
  return tconv ? g.conv_transpose2d(x, tconv, "up_tconv") : g.resize_bilinear(x, 2);
}

}  // namespace kplab::models
