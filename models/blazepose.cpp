#include "models/blazepose.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"

namespace kplab::models {

namespace {

bool is_attention(const std::string& name) {
  const auto& names = attention_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// "none or cbam": the known attention kinds for an error message.
std::string attention_choices() {
  std::string out;
  for (const std::string& name : attention_names()) out += (out.empty() ? "" : " or ") + name;
  return out;
}

// Builds and registers the attention block placed after convolution `site`
// ("3", "5", "11"); named kind + site ("cbam3"), the state_dict key that
// checkpoints hold. An empty holder for "none".
FeatureBlock add_attention(torch::nn::Module& parent, const BlazePoseOptions& o, const std::string& site,
                           int64_t channels) {
  FeatureBlock block = make_attention(o.attention(), channels);
  if (block) parent.register_module(o.attention() + site, block);
  return block;
}

void validate(const BlazePoseOptions& o) {
  KP_CHECK(o.num_keypoints() >= 1, "blazepose: num_keypoints: expected >= 1, found ", o.num_keypoints());
  KP_CHECK(o.widths().size() == 4, "blazepose: widths: expected 4 encoder widths, found ", o.widths().size());
  KP_CHECK(o.depths().size() == 4, "blazepose: depths: expected 4 encoder depths, found ", o.depths().size());
  KP_CHECK(o.regression_depths().size() == 3, "blazepose: regression_depths: expected 3 values, found ",
           o.regression_depths().size());
  KP_CHECK(o.heatmap_stride() == 2 || o.heatmap_stride() == 4, "blazepose: heatmap_stride: expected 2 or 4, found ",
           o.heatmap_stride());
  const int64_t halvings = 5 + static_cast<int64_t>(o.tail_depths().size());
  KP_CHECK(o.input_size() > 0 && o.input_size() % (int64_t{1} << halvings) == 0,
           "blazepose: input_size: expected a multiple of ", int64_t{1} << halvings, " (", halvings,
           " halvings), found ", o.input_size());
  KP_CHECK(o.upsample() == "bilinear" || o.upsample() == "tconv", "blazepose: upsample: expected bilinear or tconv, found '",
           o.upsample(), "'");
  KP_CHECK(is_attention(o.attention()), "blazepose: attention: expected ", attention_choices(), ", found '",
           o.attention(), "'");
  KP_CHECK(!o.extra_stage() || o.heatmap_stride() == 2,
           "blazepose: extra_stage reads the S/2 decoder features: expected heatmap_stride 2, found ", o.heatmap_stride());
  KP_CHECK(o.regression_pool() == "avg" || o.regression_pool() == "flatten",
           "blazepose: regression_pool: expected avg or flatten, found '", o.regression_pool(), "'");
  KP_CHECK(o.coords_from() == "regression" || o.coords_from() == "heatmap",
           "blazepose: coords_from: expected regression or heatmap, found '", o.coords_from(), "'");
  KP_CHECK(o.coords_beta() > 0 && std::isfinite(o.coords_beta()), "blazepose: coords_beta: expected a number > 0, found ",
           o.coords_beta());
  KP_CHECK(o.vit_blocks() >= 0, "blazepose: vit_blocks: expected >= 0, found ", o.vit_blocks());
}

}  // namespace

// -------------------------------------------------------------------- Backbone

BackboneImpl::BackboneImpl(const BlazePoseOptions& o) {
  conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, o.stem(), 3).stride(2).padding(1)));
  conv2_1 = register_module("conv2_1", SeparableConv(o.stem(), o.stem()));
  conv2_2 = register_module("conv2_2", SeparableConv(o.stem(), o.stem()));
  int64_t in = o.stem();
  for (size_t i = 0; i < 4; ++i) {
    stages->push_back(BlazeBlock(in, o.widths()[i], o.depths()[i]));
    in = o.widths()[i];
  }
  register_module("stages", stages);
  if (o.vit_blocks() > 0)
    vit = register_module("vit", ViTBranch(o.widths()[0], o.input_size() / 4,
                                           ViTOptions()
                                               .patch(o.vit_patch())
                                               .dim(o.vit_dim())
                                               .heads(o.vit_heads())
                                               .mlp(o.vit_mlp())
                                               .blocks(o.vit_blocks())
                                               .shared(o.vit_shared())
                                               .conv_embed(o.vit_conv_embed())));
  attention3 = add_attention(*this, o, "3", o.widths()[0]);
  attention5 = add_attention(*this, o, "5", o.widths()[2]);
}

std::vector<torch::Tensor> BackboneImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = conv1(x).relu_();
  y = add_relu_(conv2_1(y), y);
  y = add_relu_(conv2_2(y), y);
  std::vector<torch::Tensor> out = {y};
  for (size_t i = 0; i < stages->size(); ++i) {
    y = stages->ptr<BlazeBlockImpl>(i)->forward(y);
    if (i == 0 && vit) y = vit(y);
    if (i == 0 && attention3) y = attention3(y);
    if (i == 2 && attention5) y = attention5(y);
    out.push_back(y);
  }
  return out;
}

std::vector<Value> BackboneImpl::emit(GraphBuilder& g, const Value& x) const {
  Value y = g.relu(g.conv2d(x, conv1, "conv1"));
  y = g.relu(g.add(y, conv2_1->emit(g, y)));
  y = g.relu(g.add(y, conv2_2->emit(g, y)));
  std::vector<Value> out = {y};
  for (size_t i = 0; i < stages->size(); ++i) {
    y = stages->ptr<BlazeBlockImpl>(i)->emit(g, y);
    if (i == 0 && vit) y = vit->emit(g, y);
    if (i == 0 && attention3) y = attention3->emit(g, y);
    if (i == 2 && attention5) y = attention5->emit(g, y);
    out.push_back(y);
  }
  return out;
}

// ----------------------------------------------------------------- HeatmapHead

HeatmapHeadImpl::HeatmapHeadImpl(const BlazePoseOptions& o) : full_resolution(o.heatmap_stride() == 2) {
  const auto& w = o.widths();
  const int64_t d = o.decoder(), h = o.head();
  const bool t = o.upsample() == "tconv";
  sep7a = register_module("sep7a", SeparableConv(w[3], d, 1, true));
  up7 = register_module("up7", Upsample2(d, t));
  sep7b = register_module("sep7b", SeparableConv(w[2], d, 1, true));
  up8 = register_module("up8", Upsample2(d, t));
  sep8b = register_module("sep8b", SeparableConv(w[1], d, 1, true));
  up9 = register_module("up9", Upsample2(d, t));
  sep9b = register_module("sep9b", SeparableConv(w[0], d, 1, true));
  if (full_resolution) {
    sep10a = register_module("sep10a", SeparableConv(d, h, 1, true));
    up10 = register_module("up10", Upsample2(h, t));
    sep10b = register_module("sep10b", SeparableConv(o.stem(), h, 1, true));
  }
  sep11 = register_module("sep11", SeparableConv(full_resolution ? h : d, h, 1, true));
  // conv11's attention acts on its features before the projection to K
  // heatmaps (on the K logits themselves it would only rescale them).
  attention11 = add_attention(*this, o, "11", h);
  out = register_module("out", torch::nn::Conv2d(torch::nn::Conv2dOptions(h, o.num_keypoints(), 3).padding(1)));
  // Start the heatmap logits at a 1% prior (sigmoid(-4.6)): a joint covers a
  // few cells of thousands, and from 0.5 the first steps only learn that
  // background prior (the focal-loss initialisation of Lin et al., 2017).
  torch::NoGradGuard no_grad;
  out->bias.fill_(-4.6);
}

std::vector<torch::Tensor> HeatmapHeadImpl::forward(const std::vector<torch::Tensor>& y, bool want_fine,
                                                    bool want_heatmap) {
  torch::Tensor x = up7(sep7a(y[4])) + sep7b(y[3]);
  x = up8(x) + sep8b(y[2]);
  x = up9(x) + sep9b(y[1]);  // S/4 features
  torch::Tensor fine, heat, f = x;
  if (full_resolution && (want_fine || want_heatmap)) f = fine = up10(sep10a(x)) + sep10b(y[0]);
  if (want_heatmap) {
    f = sep11(f);
    if (attention11) f = attention11(f);
    heat = out(f);
  }
  return {heat, x, fine};
}

std::vector<Value> HeatmapHeadImpl::emit(GraphBuilder& g, const std::vector<Value>& y, bool want_fine,
                                         bool want_heatmap) const {
  Value x = g.add(up7->emit(g, sep7a->emit(g, y[4])), sep7b->emit(g, y[3]));
  x = g.add(up8->emit(g, x), sep8b->emit(g, y[2]));
  x = g.add(up9->emit(g, x), sep9b->emit(g, y[1]));
  Value fine, heat, f = x;
  if (full_resolution && (want_fine || want_heatmap))
    f = fine = g.add(up10->emit(g, sep10a->emit(g, x)), sep10b->emit(g, y[0]));
  if (want_heatmap) {
    f = sep11->emit(g, f);
    if (attention11) f = attention11->emit(g, f);
    heat = g.conv2d(f, out, "heatmap_out");
  }
  return {x, fine, heat};
}

// -------------------------------------------------------------- RegressionHead

RegressionHeadImpl::RegressionHeadImpl(const BlazePoseOptions& o) : k(o.num_keypoints()) {
  const auto& w = o.widths();
  if (o.extra_stage()) extra = register_module("extra", BlazeBlock(o.head(), o.decoder(), 3));
  int64_t in = o.decoder();
  for (size_t i = 0; i < 3; ++i) {
    blocks->push_back(BlazeBlock(in, w[i + 1], o.regression_depths()[i]));
    skips->push_back(SeparableConv(w[i + 1], w[i + 1], 1, true));
    in = w[i + 1];
  }
  for (int64_t depth : o.tail_depths()) tail->push_back(BlazeBlock(w[3], w[3], depth));
  register_module("blocks", blocks);
  register_module("skips", skips);
  register_module("tail", tail);
  flatten = o.regression_pool() == "flatten";
  const int64_t cells = o.input_size() >> (5 + o.tail_depths().size());  // side of the last map
  const int64_t features = flatten ? w[3] * cells * cells : w[3];
  coords = register_module("coords", torch::nn::Linear(features, 2 * k));
  visibility = register_module("visibility", torch::nn::Linear(features, k));
  // Start at the crop centre: coordinates are regressed in input pixels.
  torch::NoGradGuard no_grad;
  coords->bias.fill_((o.input_size() - 1) / 2.0);
}

std::pair<torch::Tensor, torch::Tensor> RegressionHeadImpl::forward(const std::vector<torch::Tensor>& f) {
  // Stop-gradients: the regression loss must not reach backbone or decoder.
  torch::Tensor r = f[0].detach();
  if (extra) r = r + extra(f[4].detach());
  for (size_t i = 0; i < 3; ++i)
    r = blocks->ptr<BlazeBlockImpl>(i)->forward(r) + skips->ptr<SeparableConvImpl>(i)->forward(f[i + 1].detach());
  for (const auto& t : *tail) r = t->as<BlazeBlock>()->forward(r);
  torch::Tensor pooled = flatten ? r.flatten(1) : r.mean({2, 3});
  return {coords(pooled).view({r.size(0), k, 2}), visibility(pooled)};
}

std::pair<Value, Value> RegressionHeadImpl::emit(GraphBuilder& g, const std::vector<Value>& f) const {
  Value r = f[0];
  if (extra) r = g.add(r, extra->emit(g, f[4]));
  for (size_t i = 0; i < 3; ++i)
    r = g.add(blocks->ptr<BlazeBlockImpl>(i)->emit(g, r), skips->ptr<SeparableConvImpl>(i)->emit(g, f[i + 1]));
  for (const auto& t : *tail) r = t->as<BlazeBlock>()->emit(g, r);
  Value pooled = g.flatten(flatten ? r : g.global_avg_pool(r));
  return {g.linear(pooled, coords, "coords_fc"), g.linear(pooled, visibility, "visibility_fc")};
}

// ------------------------------------------------------------------- BlazePose

BlazePoseImpl::BlazePoseImpl(std::string name, BlazePoseOptions options)
    : name_(std::move(name)), options_(std::move(options)) {
  validate(options_);
  backbone = register_module("backbone", Backbone(options_));
  heatmap = register_module("heatmap", HeatmapHead(options_));
  regression = register_module("regression", RegressionHead(options_));
}

PoseOutput BlazePoseImpl::forward(const torch::Tensor& images) { return run(images, true); }

PoseOutput BlazePoseImpl::predict(const torch::Tensor& images, bool with_heatmap) { return run(images, with_heatmap); }

PoseOutput BlazePoseImpl::run(const torch::Tensor& images, bool with_heatmap) {
  TORCH_CHECK(images.dim() == 4 && images.size(1) == 3 && images.size(2) == options_.input_size() &&
                  images.size(3) == options_.input_size(),
              name_, ": expected images B x 3 x ", options_.input_size(), " x ", options_.input_size(), ", found ",
              images.sizes());
  const bool integral = options_.coords_from() == "heatmap";
  std::vector<torch::Tensor> y = backbone(images.contiguous(memory_format_));
  std::vector<torch::Tensor> dec = heatmap(y, options_.extra_stage(), with_heatmap || integral);
  auto [coords, vis] = regression->forward(std::vector<torch::Tensor>{dec[1], y[2], y[3], y[4], dec[2]});
  if (integral) coords = soft_argmax(dec[0]);
  return PoseOutput{with_heatmap ? dec[0] : torch::Tensor(), coords, vis};
}

// Heatmap cell centres in input pixels, [H*W, 2] (x, y) in row-major cell order:
// cell (u, v) is input pixel ((u + 0.5) * stride - 0.5, ...), the heatmap codec's mapping.
torch::Tensor BlazePoseImpl::cell_centres() const {
  const int64_t h = options_.input_size() / options_.heatmap_stride();
  const double stride = static_cast<double>(options_.heatmap_stride());
  torch::Tensor c = (torch::arange(h, torch::kFloat32) + 0.5) * stride - 0.5;
  torch::Tensor ys = c.view({h, 1}).expand({h, h}), xs = c.view({1, h}).expand({h, h});
  return torch::stack({xs.reshape({-1}), ys.reshape({-1})}, 1);
}

torch::Tensor BlazePoseImpl::soft_argmax(const torch::Tensor& logits) const {
  const int64_t b = logits.size(0), k = logits.size(1);
  torch::Tensor p = torch::softmax(options_.coords_beta() * logits.reshape({b, k, -1}).to(torch::kFloat32), -1);
  return torch::matmul(p, cell_centres().to(p.device()));                                // B x K x 2
}

std::map<std::string, int64_t> BlazePoseImpl::keypoint_parameters() const {
  // The heatmap head's output convolution (one map per joint) and the
  // regression head's linear layers ((x, y) and one visibility per joint).
  const std::pair<const char*, int64_t> heads[] = {{"heatmap.out.", 1}, {"regression.coords.", 2}, {"regression.visibility.", 1}};
  std::map<std::string, int64_t> rows;
  for (const auto& p : named_parameters())
    for (const auto& [prefix, r] : heads)
      if (p.key().rfind(prefix, 0) == 0) rows[p.key()] = r;
  return rows;
}

void BlazePoseImpl::emit_onnx(onnx_export::GraphBuilder& g, bool with_heatmap) const {
  const int64_t s = options_.input_size(), k = options_.num_keypoints();
  Value image = g.input("image", {g.batch(), 3, s, s});
  std::vector<Value> y = backbone->emit(g, image);
  const bool integral = options_.coords_from() == "heatmap";
  std::vector<Value> dec = heatmap->emit(g, y, options_.extra_stage(), with_heatmap || integral);
  auto [coords, vis] = regression->emit(g, {dec[0], y[2], y[3], y[4], dec[1]});
  if (integral) {
    // Reshape, Softmax over the last axis and MatMul with the cell centres:
    // TFLite builtins (RESHAPE, SOFTMAX, BATCH_MATMUL / FULLY_CONNECTED).
    const int64_t cells = (s / options_.heatmap_stride()) * (s / options_.heatmap_stride());
    Value logits = g.reshape(dec[2], {g.batch(), k, cells});
    Value p = g.softmax_last(g.mul(logits, g.scalar(static_cast<float>(options_.coords_beta()), "coords_beta")));
    g.output(g.matmul(p, g.constant(cell_centres(), "cell_centres")), "coords");
  } else {
    g.output(g.reshape(coords, {g.batch(), k, 2}), "coords");
  }
  g.output(g.sigmoid(vis), "visibility");
  if (with_heatmap) g.output(g.sigmoid(dec[2]), "heatmaps");
}

YAML::Node BlazePoseImpl::describe() const {
  YAML::Node node;
  node["name"] = name_;
  node["options"] = describe_options(options_);
  return node;
}

}  // namespace kplab::models
