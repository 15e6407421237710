// The BlazePose family (Bazarevsky et al., 2020) as the reference project
// built it, with every variant an option of the same model:
//
//   image S x S x 3
//   backbone:   conv1 3x3/2 -> 24 (S/2), two residual separable convs       y0
//               BlazeBlocks (3,48) S/4, (4,96) S/8, (5,192) S/16, (6,288) S/32  y1..y4
//               [+ ViT branch on y1] [+ CBAM after conv3 (y1) and conv5 (y3)]
//   heatmap:    decoder of 48-channel stages with x2 upsampling and additive
//               skips from y3, y2, y1 (S/4 x 48: the "64^2 features"), an
//               8-channel stage to S/2, separable conv [+ CBAM], 3x3 conv to K
//   regression: stop-gradients on the S/4 decoder features and on y2, y3, y4;
//               BlazeBlocks (4,96), (5,192), (6,288) each plus a separable
//               conv of the matching stopped feature, two (7,288) blocks,
//               global average pool, linear -> 2K coords, linear -> K visibility
//               [extra stage: a BlazeBlock from the stopped S/2 decoder features]
//
// Parameter groups (top-level modules): backbone, heatmap, regression.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/pose_model.h"
#include "models/blocks.h"

namespace kplab::models {

struct BlazePoseOptions {
  TORCH_ARG(int64_t, num_keypoints) = 14;
  TORCH_ARG(int64_t, input_size) = 256;     // S; a multiple of 2^(5 + tail blocks)
  TORCH_ARG(int64_t, heatmap_stride) = 2;   // 2: heatmaps at S/2 (128 at 256); 4: at S/4
  TORCH_ARG(int64_t, stem) = 24;            // conv1 channels
  TORCH_ARG(std::vector<int64_t>, widths) = std::vector<int64_t>{48, 96, 192, 288};  // encoder stages
  TORCH_ARG(std::vector<int64_t>, depths) = std::vector<int64_t>{3, 4, 5, 6};        // residual convs per stage
  TORCH_ARG(int64_t, decoder) = 48;         // decoder width
  TORCH_ARG(int64_t, head) = 8;             // S/2 stage width
  TORCH_ARG(std::vector<int64_t>, regression_depths) = std::vector<int64_t>{4, 5, 6};
  TORCH_ARG(std::vector<int64_t>, tail_depths) = std::vector<int64_t>{7, 7};  // final same-width blocks
  TORCH_ARG(std::string, upsample) = "bilinear";  // decoder x2: bilinear | tconv
  TORCH_ARG(std::string, attention) = "none";     // none | cbam (after conv3, conv5, conv11)
  TORCH_ARG(int64_t, vit_blocks) = 0;             // > 0: ViT branch on the S/4 features
  TORCH_ARG(bool, vit_shared) = true;             // one block's weights reused (reference)
  TORCH_ARG(bool, vit_conv_embed) = false;        // ViT2: conv patch embedding, tconv upsampling
  TORCH_ARG(int64_t, vit_patch) = 8;
  TORCH_ARG(int64_t, vit_dim) = 128;
  TORCH_ARG(int64_t, vit_heads) = 4;
  TORCH_ARG(int64_t, vit_mlp) = 256;
  TORCH_ARG(bool, extra_stage) = false;           // regression also reads the S/2 decoder features
  // How the regression head turns its last (S/2^(5+tail)) map into a vector:
  // avg = global average pooling (the reference); flatten = keep every cell,
  // so the fully connected layers see where features are, not only what.
  TORCH_ARG(std::string, regression_pool) = "avg";
};

// Backbone: y0 (S/2) .. y4 (S/32).
class BackboneImpl : public torch::nn::Module {
 public:
  explicit BackboneImpl(const BlazePoseOptions& o);
  std::vector<torch::Tensor> forward(const torch::Tensor& x);
  std::vector<Value> emit(GraphBuilder& g, const Value& x) const;

  torch::nn::Conv2d conv1{nullptr};
  SeparableConv conv2_1{nullptr}, conv2_2{nullptr};
  torch::nn::ModuleList stages;
  ViTBranch vit{nullptr};
  CBAM cbam3{nullptr}, cbam5{nullptr};
};
TORCH_MODULE(Backbone);

// Heatmap decoder. forward returns {heatmap logits (when `heatmap`), S/4
// features, S/2 features (when `fine` and the stage exists)}; the others undefined.
class HeatmapHeadImpl : public torch::nn::Module {
 public:
  explicit HeatmapHeadImpl(const BlazePoseOptions& o);
  std::vector<torch::Tensor> forward(const std::vector<torch::Tensor>& y, bool fine = true, bool heatmap = true);
  // {S/4 features, S/2 features (when `fine`), heatmap logits (when `heatmap`)}
  std::vector<Value> emit(GraphBuilder& g, const std::vector<Value>& y, bool fine, bool heatmap) const;

  bool full_resolution;  // heatmap_stride 2: the S/2 stage exists
  SeparableConv sep7a{nullptr}, sep7b{nullptr}, sep8b{nullptr}, sep9b{nullptr}, sep10a{nullptr}, sep10b{nullptr},
      sep11{nullptr};
  Upsample2 up7{nullptr}, up8{nullptr}, up9{nullptr}, up10{nullptr};
  CBAM cbam11{nullptr};
  torch::nn::Conv2d out{nullptr};
};
TORCH_MODULE(HeatmapHead);

// Regression branch; reads only stopped (detached) features.
class RegressionHeadImpl : public torch::nn::Module {
 public:
  explicit RegressionHeadImpl(const BlazePoseOptions& o);
  // features: S/4 decoder features, y2, y3, y4, S/2 decoder features (extra stage only)
  std::pair<torch::Tensor, torch::Tensor> forward(const std::vector<torch::Tensor>& features);
  std::pair<Value, Value> emit(GraphBuilder& g, const std::vector<Value>& features) const;

  int64_t k;
  bool flatten = false;  // regression_pool == "flatten"
  BlazeBlock extra{nullptr};
  torch::nn::ModuleList blocks, skips, tail;
  torch::nn::Linear coords{nullptr}, visibility{nullptr};
};
TORCH_MODULE(RegressionHead);

class BlazePoseImpl : public PoseModelImpl {
 public:
  BlazePoseImpl(std::string name, BlazePoseOptions options);

  PoseOutput forward(const torch::Tensor& images) override;
  PoseOutput predict(const torch::Tensor& images, bool with_heatmap) override;
  void emit_onnx(onnx_export::GraphBuilder& g, bool with_heatmap) const override;
  int input_size() const override { return static_cast<int>(options_.input_size()); }
  int num_keypoints() const override { return static_cast<int>(options_.num_keypoints()); }
  int heatmap_size() const override { return static_cast<int>(options_.input_size() / options_.heatmap_stride()); }
  std::vector<std::string> groups() const override { return {"backbone", "heatmap", "regression"}; }
  YAML::Node describe() const override;
  std::map<std::string, int64_t> keypoint_parameters() const override;
  const BlazePoseOptions& options() const { return options_; }

  Backbone backbone{nullptr};
  HeatmapHead heatmap{nullptr};
  RegressionHead regression{nullptr};

 private:
  PoseOutput run(const torch::Tensor& images, bool with_heatmap);

  std::string name_;
  BlazePoseOptions options_;
};

// Applies a YAML mapping of option overrides (keys as in BlazePoseOptions);
// unknown keys and wrong types fail naming the key.
BlazePoseOptions apply_overrides(BlazePoseOptions options, const YAML::Node& overrides, const std::string& where);

}  // namespace kplab::models
