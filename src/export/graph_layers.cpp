// GraphBuilder's layer helpers (onnx_graph.h): each torch layer or function
// as ONNX nodes, with the TFLite-safe spellings that header lists.
#include <torch/torch.h>

#include <type_traits>

#include "core/error.h"
#include "export/graph_builder_impl.h"
#include "export/onnx_graph.h"
#include "export/static_shapes.h"

namespace kplab::onnx_export {

namespace {

struct ConvParams {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw, groups;
  bool bias;
};

// Reads a ConvNdOptions<2> (Conv2d and ConvTranspose2d share it). Visiting the
// variants unqualified finds c10::visit (LibTorch 1.x) or std::visit (2.x).
template <typename Options>
ConvParams conv_params(const Options& o, const std::string& what) {
  ConvParams p{};
  p.kh = (*o.kernel_size())[0];
  p.kw = (*o.kernel_size())[1];
  p.sh = (*o.stride())[0];
  p.sw = (*o.stride())[1];
  p.dh = (*o.dilation())[0];
  p.dw = (*o.dilation())[1];
  p.groups = o.groups();
  p.bias = o.bias();
  bool explicit_padding = false;
  visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, torch::ExpandingArray<2>>) {
          p.ph = (*v)[0];
          p.pw = (*v)[1];
          explicit_padding = true;
        }
      },
      o.padding());
  KP_CHECK(explicit_padding, "onnx export: ", what,
           ": padding kSame/kValid is not supported, give the padding as integers");
  bool zeros = false;
  visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        zeros = std::is_same_v<T, torch::enumtype::kZeros>;
      },
      o.padding_mode());
  KP_CHECK(zeros, "onnx export: ", what, ": only zero padding_mode is supported");
  return p;
}

}  // namespace

Value GraphBuilder::conv2d(const Value& x, const torch::nn::Conv2d& conv, const std::string& hint) {
  const std::string what = "conv2d '" + hint + "'";
  const auto& o = conv->options;
  const ConvParams p = conv_params(o, what);
  KP_CHECK(x.shape.size() == 4 && x.shape[1] == o.in_channels(), "onnx export: ", what, ": input N x ",
           o.in_channels(), " x H x W expected, found ", shape_str(x.shape));
  const std::string base = hint.empty() ? "conv" : hint;
  Value in = x;
  int64_t ph = p.ph, pw = p.pw;
  if ((p.sh > 1 || p.sw > 1) && (ph > 0 || pw > 0)) {
    // PyTorch's symmetric padding is not TF's SAME for strided convs: pad
    // explicitly (opset-13 Pad, pads as a constant input), then a VALID conv.
    const Value pads = constant(torch::tensor(std::vector<int64_t>{0, 0, ph, pw, 0, 0, ph, pw}, torch::kInt64),
                                base + "_pads");
    in = node("Pad", {x, pads}, {x.shape[0], x.shape[1], x.shape[2] + 2 * ph, x.shape[3] + 2 * pw},
              {{"mode", std::string("constant")}}, base + "_pad");
    ph = pw = 0;
  }
  const int64_t ho = (in.shape[2] + 2 * ph - p.dh * (p.kh - 1) - 1) / p.sh + 1;
  const int64_t wo = (in.shape[3] + 2 * pw - p.dw * (p.kw - 1) - 1) / p.sw + 1;
  KP_CHECK(ho > 0 && wo > 0, "onnx export: ", what, ": input ", shape_str(x.shape), " is smaller than the kernel");
  std::vector<Value> inputs = {in, constant(conv->weight, base + "_weight")};
  if (p.bias) inputs.push_back(constant(conv->bias, base + "_bias"));
  return node("Conv", inputs, {x.shape[0], o.out_channels(), ho, wo},
              {{"kernel_shape", std::vector<int64_t>{p.kh, p.kw}},
               {"strides", std::vector<int64_t>{p.sh, p.sw}},
               {"pads", std::vector<int64_t>{ph, pw, ph, pw}},
               {"dilations", std::vector<int64_t>{p.dh, p.dw}},
               {"group", p.groups}},
              base);
}

Value GraphBuilder::conv_transpose2d(const Value& x, const torch::nn::ConvTranspose2d& conv, const std::string& hint) {
  const std::string what = "conv_transpose2d '" + hint + "'";
  const auto& o = conv->options;
  const ConvParams p = conv_params(o, what);
  const int64_t oph = (*o.output_padding())[0], opw = (*o.output_padding())[1];
  KP_CHECK(x.shape.size() == 4 && x.shape[1] == o.in_channels(), "onnx export: ", what, ": input N x ",
           o.in_channels(), " x H x W expected, found ", shape_str(x.shape));
  const int64_t ho = (x.shape[2] - 1) * p.sh - 2 * p.ph + p.dh * (p.kh - 1) + oph + 1;
  const int64_t wo = (x.shape[3] - 1) * p.sw - 2 * p.pw + p.dw * (p.kw - 1) + opw + 1;
  KP_CHECK(ho > 0 && wo > 0, "onnx export: ", what, ": empty output for input ", shape_str(x.shape));
  const std::string base = hint.empty() ? "deconv" : hint;
  if (p.kh == p.sh && p.kw == p.sw && p.kh == p.kw && p.ph == 0 && p.pw == 0 && oph == 0 && opw == 0 && p.dh == 1 &&
      p.dw == 1 && p.groups == 1) {
    // Kernel == stride: the patches do not overlap, so this is a 1x1 conv to
    // k*k*C_out channels and a DepthToSpace (DCR: channel (a*k + b)*C_out + c
    // lands at row offset a, column offset b). Same numbers, and onnx2tf
    // converts it exactly, where its ConvTranspose came out spatially
    // transposed (max error 0.29) after an Add on square maps (vit2 at 8x8).
    const int64_t k = p.kh, co = o.out_channels();
    torch::NoGradGuard no_grad;
    const torch::Tensor w = conv->weight.permute({2, 3, 1, 0}).reshape({k * k * co, o.in_channels(), 1, 1}).contiguous();
    std::vector<Value> inputs = {x, constant(w, base + "_weight")};
    if (p.bias) inputs.push_back(constant(conv->bias.repeat({k * k}).contiguous(), base + "_bias"));
    const Value packed = node("Conv", inputs, {x.shape[0], k * k * co, x.shape[2], x.shape[3]},
                              {{"kernel_shape", std::vector<int64_t>{1, 1}},
                               {"strides", std::vector<int64_t>{1, 1}},
                               {"pads", std::vector<int64_t>{0, 0, 0, 0}},
                               {"dilations", std::vector<int64_t>{1, 1}},
                               {"group", int64_t{1}}},
                              base + "_packed");
    return node("DepthToSpace", {packed}, {x.shape[0], co, ho, wo},
                {{"blocksize", k}, {"mode", std::string("DCR")}}, base);
  }
  // ONNX ConvTranspose weights are C_in x C_out/groups x kH x kW, as PyTorch's.
  std::vector<Value> inputs = {x, constant(conv->weight, base + "_weight")};
  if (p.bias) inputs.push_back(constant(conv->bias, base + "_bias"));
  return node("ConvTranspose", inputs, {x.shape[0], o.out_channels(), ho, wo},
              {{"kernel_shape", std::vector<int64_t>{p.kh, p.kw}},
               {"strides", std::vector<int64_t>{p.sh, p.sw}},
               {"pads", std::vector<int64_t>{p.ph, p.pw, p.ph, p.pw}},
               {"dilations", std::vector<int64_t>{p.dh, p.dw}},
               {"output_padding", std::vector<int64_t>{oph, opw}},
               {"group", p.groups}},
              base);
}

Value GraphBuilder::linear(const Value& x, const torch::nn::Linear& fc, const std::string& hint) {
  const auto& o = fc->options;
  KP_CHECK(x.shape.size() == 2 && x.shape[1] == o.in_features(), "onnx export: linear '", hint, "': input N x ",
           o.in_features(), " expected, found ", shape_str(x.shape));
  const std::string base = hint.empty() ? "fc" : hint;
  std::vector<Value> inputs = {x, constant(fc->weight, base + "_weight")};
  if (o.bias()) inputs.push_back(constant(fc->bias, base + "_bias"));
  return node("Gemm", inputs, {x.shape[0], o.out_features()}, {{"transB", int64_t{1}}}, base);
}

Value GraphBuilder::relu(const Value& x) { return node("Relu", {x}, x.shape); }
Value GraphBuilder::sigmoid(const Value& x) { return node("Sigmoid", {x}, x.shape); }

Value GraphBuilder::add(const Value& a, const Value& b) { return node("Add", {a, b}, broadcast(a.shape, b.shape, "Add")); }
Value GraphBuilder::mul(const Value& a, const Value& b) { return node("Mul", {a, b}, broadcast(a.shape, b.shape, "Mul")); }

Value GraphBuilder::max_pool2d(const Value& x, int64_t kernel, int64_t stride) {
  KP_CHECK(x.shape.size() == 4, "onnx export: max_pool2d: rank-4 input expected, found ", shape_str(x.shape));
  KP_CHECK(kernel > 0 && stride > 0 && x.shape[2] >= kernel && x.shape[3] >= kernel,
           "onnx export: max_pool2d: kernel ", kernel, " stride ", stride, " does not fit ", shape_str(x.shape));
  return node("MaxPool", {x},
              {x.shape[0], x.shape[1], (x.shape[2] - kernel) / stride + 1, (x.shape[3] - kernel) / stride + 1},
              {{"kernel_shape", std::vector<int64_t>{kernel, kernel}}, {"strides", std::vector<int64_t>{stride, stride}}});
}

Value GraphBuilder::global_avg_pool(const Value& x) {
  KP_CHECK(x.shape.size() == 4, "onnx export: global_avg_pool: rank-4 input expected, found ", shape_str(x.shape));
  return node("GlobalAveragePool", {x}, {x.shape[0], x.shape[1], 1, 1});
}

Value GraphBuilder::flatten(const Value& x) {
  KP_CHECK(x.shape.size() >= 2, "onnx export: flatten: rank >= 2 expected, found ", shape_str(x.shape));
  const std::vector<int64_t> rest(x.shape.begin() + 1, x.shape.end());
  return node("Flatten", {x}, {x.shape[0], numel(rest)}, {{"axis", int64_t{1}}});
}

Value GraphBuilder::reshape(const Value& x, const std::vector<int64_t>& shape) {
  // Resolve one -1 here so the constant (and every later shape) is fully static.
  std::vector<int64_t> out = shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      KP_CHECK(infer < 0, "onnx export: reshape: at most one -1 allowed, found ", shape_str(shape));
      infer = static_cast<int64_t>(i);
    } else {
      KP_CHECK(out[i] > 0, "onnx export: reshape: positive sizes (or one -1) expected, found ", shape_str(shape));
      known *= out[i];
    }
  }
  const int64_t total = numel(x.shape);
  if (infer >= 0) {
    KP_CHECK(total % known == 0, "onnx export: reshape: cannot reshape ", shape_str(x.shape), " to ", shape_str(shape));
    out[infer] = total / known;
  }
  KP_CHECK(numel(out) == total, "onnx export: reshape: cannot reshape ", shape_str(x.shape), " to ", shape_str(shape));
  const Value s = constant(torch::tensor(out, torch::kInt64), "shape");
  return node("Reshape", {x, s}, out);
}

Value GraphBuilder::transpose(const Value& x, const std::vector<int64_t>& perm) {
  KP_CHECK(perm.size() == x.shape.size(), "onnx export: transpose: perm ", shape_str(perm), " does not fit ",
           shape_str(x.shape));
  std::vector<int64_t> out(perm.size());
  std::vector<bool> seen(perm.size(), false);
  for (size_t i = 0; i < perm.size(); ++i) {
    KP_CHECK(perm[i] >= 0 && perm[i] < static_cast<int64_t>(perm.size()) && !seen[perm[i]],
             "onnx export: transpose: perm ", shape_str(perm), " is not a permutation");
    seen[perm[i]] = true;
    out[i] = x.shape[perm[i]];
  }
  return node("Transpose", {x}, out, {{"perm", perm}});
}

Value GraphBuilder::matmul(const Value& a, const Value& b) {
  KP_CHECK(a.shape.size() >= 2 && b.shape.size() >= 2, "onnx export: matmul: rank >= 2 expected, found ",
           shape_str(a.shape), " and ", shape_str(b.shape));
  const int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back();
  const int64_t kb = b.shape[b.shape.size() - 2], n = b.shape.back();
  KP_CHECK(k == kb, "onnx export: matmul: inner sizes differ: ", shape_str(a.shape), " x ", shape_str(b.shape));
  std::vector<int64_t> out = broadcast(std::vector<int64_t>(a.shape.begin(), a.shape.end() - 2),
                                       std::vector<int64_t>(b.shape.begin(), b.shape.end() - 2), "MatMul");
  out.push_back(m);
  out.push_back(n);
  const Value y = node("MatMul", {a, b}, out);
  if (impl_->is_constant(a) || impl_->is_constant(b)) return y;
  // OpenCV DNN 4.6 fuses a following activation-type layer (Relu, Sigmoid, or
  // a Mul/Add by a scalar constant, which it imports as Power) into a MatMul
  // of two activations and then never applies it: relu(q k^T) comes back
  // without the relu. An Identity stops that fusion; every other runtime and
  // TFLite's converters drop it.
  return node("Identity", {y}, out, {}, y.name + "_barrier");
}

Value GraphBuilder::softmax_last(const Value& x) {
  KP_CHECK(!x.shape.empty(), "onnx export: softmax: rank >= 1 expected");
  return node("Softmax", {x}, x.shape, {{"axis", int64_t{-1}}});
}

Value GraphBuilder::resize_bilinear(const Value& x, int64_t scale) {
  KP_CHECK(x.shape.size() == 4, "onnx export: resize: rank-4 input expected, found ", shape_str(x.shape));
  KP_CHECK(scale >= 1, "onnx export: resize: scale >= 1 expected, found ", scale);
  // roi as an empty constant (not an omitted input): opset-11 style readers expect three inputs.
  const Value roi = constant(torch::empty({0}, torch::kFloat32), "roi");
  const float s = static_cast<float>(scale);
  const Value scales = constant(torch::tensor(std::vector<float>{1.f, 1.f, s, s}, torch::kFloat32), "scales");
  return node("Resize", {x, roi, scales}, {x.shape[0], x.shape[1], x.shape[2] * scale, x.shape[3] * scale},
              {{"mode", std::string("linear")}, {"coordinate_transformation_mode", std::string("half_pixel")}});
}

Value GraphBuilder::concat(const std::vector<Value>& xs, int64_t axis) {
  KP_CHECK(!xs.empty(), "onnx export: concat: no inputs");
  const int64_t rank = static_cast<int64_t>(xs[0].shape.size());
  if (axis < 0) axis += rank;
  KP_CHECK(axis >= 0 && axis < rank, "onnx export: concat: axis out of range for ", shape_str(xs[0].shape));
  std::vector<int64_t> out = xs[0].shape;
  for (size_t i = 1; i < xs.size(); ++i) {
    KP_CHECK(static_cast<int64_t>(xs[i].shape.size()) == rank, "onnx export: concat: ranks differ: ",
             shape_str(xs[0].shape), " and ", shape_str(xs[i].shape));
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        KP_CHECK(xs[i].shape[d] == out[d], "onnx export: concat: shapes differ off the axis: ", shape_str(xs[0].shape),
                 " and ", shape_str(xs[i].shape));
    out[axis] += xs[i].shape[axis];
  }
  return node("Concat", xs, out, {{"axis", axis}});
}

Value GraphBuilder::layer_norm_channels(const Value& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                        float eps) {
  KP_CHECK(x.shape.size() == 4, "onnx export: layer_norm: N x C x H x W expected, found ", shape_str(x.shape));
  const int64_t c = x.shape[1];
  KP_CHECK(weight.numel() == c && bias.numel() == c, "onnx export: layer_norm: weight and bias of ", c,
           " values expected, found ", weight.numel(), " and ", bias.numel());
  const std::vector<int64_t> one = {x.shape[0], 1, x.shape[2], x.shape[3]};
  const Attrs pointwise = {{"kernel_shape", std::vector<int64_t>{1, 1}},
                           {"strides", std::vector<int64_t>{1, 1}},
                           {"pads", std::vector<int64_t>{0, 0, 0, 0}}};
  const Value w_mean = constant(torch::full({1, c, 1, 1}, 1.0f / static_cast<float>(c)), "ln_mean_weight");
  const Value w_expand = constant(torch::ones({c, 1, 1, 1}), "ln_expand_weight");
  // mean over channels (N x 1 x H x W), expanded back to C channels by a 1x1 conv of ones.
  const Value mean = node("Conv", {x, w_mean}, one, pointwise, "ln_mean");
  const Value mean_c = node("Conv", {mean, w_expand}, x.shape, pointwise, "ln_mean_expand");
  const Value d = node("Sub", {x, mean_c}, x.shape, {}, "ln_center");
  const Value d2 = node("Mul", {d, d}, x.shape, {}, "ln_square");
  const Value var = node("Conv", {d2, w_mean}, one, pointwise, "ln_var");
  // The expanding conv's bias adds eps: no scalar Add needed.
  const Value eps_c = constant(torch::full({c}, eps), "ln_eps");
  const Value var_c = node("Conv", {var, w_expand, eps_c}, x.shape, pointwise, "ln_var_expand");
  const Value std_c = node("Sqrt", {var_c}, x.shape, {}, "ln_std");
  const Value y = node("Div", {d, std_c}, x.shape, {}, "ln_norm");
  const Value g = constant(weight.reshape({1, c, 1, 1}), "ln_weight");
  const Value b = constant(bias.reshape({1, c, 1, 1}), "ln_bias");
  const Value scaled = node("Mul", {y, g}, x.shape, {}, "ln_scale");
  return node("Add", {scaled, b}, x.shape, {}, "ln_shift");
}

Value GraphBuilder::gelu(const Value& x) {
  // 0.5 * x * (1 + erf(x / sqrt(2))), the exact form of torch::gelu, node for
  // node as PyTorch exports it: Div by sqrt 2, Erf, Add(+1), Mul(x, .),
  // Mul(., 0.5). onnx2tf fuses exactly this chain into TFLite's builtin GELU;
  // any other spelling leaves a bare Erf, which only Flex can run.
  const Value sqrt2 = scalar(1.41421356237309515f, "gelu_sqrt2");
  const Value one = scalar(1.0f, "gelu_one");
  const Value half = scalar(0.5f, "gelu_half");
  const Value scaled = node("Div", {x, sqrt2}, x.shape, {}, "gelu_div_sqrt2");
  const Value e = node("Erf", {scaled}, x.shape, {}, "gelu_erf");
  const Value e1 = node("Add", {e, one}, x.shape, {}, "gelu_add_one");
  const Value xe = node("Mul", {x, e1}, x.shape, {}, "gelu_mul_x");
  return node("Mul", {xe, half}, x.shape, {}, "gelu");
}

}  // namespace kplab::onnx_export
