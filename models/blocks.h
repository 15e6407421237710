// Building blocks of the BlazePose family. Each block's forward() and its
// ONNX emission sit side by side; a parity test over every registered model
// holds them together. Shapes: N x C x H x W.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "export/onnx_graph.h"

namespace kplab::models {

using onnx_export::GraphBuilder;
using onnx_export::Value;

// relu(fresh + other), written into `fresh`: a result just computed that
// nothing else holds (a convolution's output; no backward needs it). In
// place, a residual step allocates no new maps: at batch 16 of 256² the 128²
// stage's maps are 25 MB each, and every new one is written from memory.
// Autograd supports both: add_'s backward needs neither operand, relu_'s
// needs only its own result.
torch::Tensor add_relu_(torch::Tensor fresh, const torch::Tensor& other);

// What every block here is: one N x C x H x W feature map in, one out, both
// in LibTorch (forward) and as ONNX nodes (emit), so that a model can hold a
// block of any kind (an attention add-on, say) by this type.
class FeatureBlockImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  virtual Value emit(GraphBuilder& g, const Value& x) const = 0;
};
TORCH_MODULE(FeatureBlock);

// 3x3 depthwise conv (stride 1 or 2) then 1x1 conv, both with bias; ReLU
// after the 1x1 when `relu` (the decoder and regression stages), none inside
// residual blocks (they add first, then ReLU).
class SeparableConvImpl : public FeatureBlockImpl {
 public:
  SeparableConvImpl(int64_t in, int64_t out, int64_t stride = 1, bool relu = false);
  torch::Tensor forward(const torch::Tensor& x) override;
  Value emit(GraphBuilder& g, const Value& x) const override;

  torch::nn::Conv2d dw{nullptr}, pw{nullptr};
  bool relu;
};
TORCH_MODULE(SeparableConv);

// BlazeBlock(n, C): stride-2 separable branch + (2x2 max-pool, then a 1x1 conv
// when the channel count changes) branch, added, ReLU; then n residual
// separable convs, each x = relu(x + sep(x)). Halves H and W.
class BlazeBlockImpl : public FeatureBlockImpl {
 public:
  BlazeBlockImpl(int64_t in, int64_t out, int64_t repeats);
  torch::Tensor forward(const torch::Tensor& x) override;
  Value emit(GraphBuilder& g, const Value& x) const override;

  SeparableConv down{nullptr};
  torch::nn::Conv2d pool_proj{nullptr};  // null when in == out
  torch::nn::ModuleList convs;
};
TORCH_MODULE(BlazeBlock);

// CBAM: channel attention (average and max pooling into a shared MLP with
// reduction r, at least 8 hidden units; sigmoid) then spatial attention (channel mean and max, 7x7
// conv, sigmoid), each multiplying the features.
class CBAMImpl : public FeatureBlockImpl {
 public:
  CBAMImpl(int64_t channels, int64_t reduction = 16, int64_t kernel = 7);
  torch::Tensor forward(const torch::Tensor& x) override;
  Value emit(GraphBuilder& g, const Value& x) const override;

  torch::nn::Conv2d fc1{nullptr}, fc2{nullptr}, spatial{nullptr};
};
TORCH_MODULE(CBAM);

// Attention add-ons by name, as timm's create_attn: a new kind is one entry
// in the table in blocks.cpp. "none" is known and builds no module.
const std::vector<std::string>& attention_names();
// The attention block `name` on `channels` features; an empty holder for "none".
FeatureBlock make_attention(const std::string& name, int64_t channels);

// Pre-norm transformer block on a token grid kept as an N x D x h x w map
// (OpenCV DNN mishandles 3-D activations): x += MHSA(LN(x)); x += MLP(LN(x)),
// LayerNorm over channels, GELU (erf) in the MLP, 1x1 convs as projections.
class TransformerBlockImpl : public FeatureBlockImpl {
 public:
  TransformerBlockImpl(int64_t dim, int64_t heads, int64_t mlp);
  torch::Tensor forward(const torch::Tensor& x) override;
  Value emit(GraphBuilder& g, const Value& x) const override;

  static constexpr float kEps = 1e-5f;  // LayerNorm epsilon
  int64_t heads;
  torch::Tensor ln1_w, ln1_b, ln2_w, ln2_b;
  torch::nn::Conv2d q{nullptr}, k{nullptr}, v{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(TransformerBlock);

// A ViT branch on a feature map: patch embedding to a dim x (H/p) x (W/p)
// token grid plus a learned position embedding, `blocks` transformer blocks
// (one block applied `blocks` times when `shared`, as the reference project
// did), then back to the input resolution and channels, added to the input.
//   conv_embed false: one p x p stride-p conv (a linear map of each flattened patch),
//                     bilinear x p upsampling, 1x1 conv to the input channels (ViT)
//   conv_embed true:  log2(p) strided 3x3 convs with ReLU, and one p x p
//                     stride-p transposed conv back (ViT2)
struct ViTOptions {
  TORCH_ARG(int64_t, patch) = 8;     // patch side p (power of two)
  TORCH_ARG(int64_t, dim) = 128;     // token width
  TORCH_ARG(int64_t, heads) = 4;
  TORCH_ARG(int64_t, mlp) = 256;     // MLP hidden width
  TORCH_ARG(int64_t, blocks) = 6;
  TORCH_ARG(bool, shared) = true;    // reuse one block's weights for every step
  TORCH_ARG(bool, conv_embed) = false;
};

class ViTBranchImpl : public FeatureBlockImpl {
 public:
  ViTBranchImpl(int64_t channels, int64_t size, ViTOptions options);
  torch::Tensor forward(const torch::Tensor& x) override;
  Value emit(GraphBuilder& g, const Value& x) const override;

  ViTOptions options;
  torch::nn::ModuleList embed;  // conv(s); ReLU between them
  torch::Tensor pos;
  torch::nn::ModuleList blocks;
  torch::nn::Conv2d out_proj{nullptr};                // ViT
  torch::nn::ConvTranspose2d out_tconv{nullptr};      // ViT2
};
TORCH_MODULE(ViTBranch);

// x2 upsampling: bilinear (align_corners=false, as TFLite and OpenCV do it
// with half-pixel centres) or a 2x2 stride-2 transposed conv.
class Upsample2Impl : public FeatureBlockImpl {
 public:
  Upsample2Impl(int64_t channels, bool transposed);
  torch::Tensor forward(const torch::Tensor& x) override;
  Value emit(GraphBuilder& g, const Value& x) const override;

  torch::nn::ConvTranspose2d tconv{nullptr};  // null: bilinear
};
TORCH_MODULE(Upsample2);

}  // namespace kplab::models
