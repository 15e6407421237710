// The BlazePose family (Bazarevsky et al., 2020) as the reference project
// built it, with every variant an option of the same model:
//
//   image S x S x 3
//   backbone:   conv1 3x3/2 -> 24 (S/2), two residual separable convs       y0
//               BlazeBlocks (3,48) S/4, (4,96) S/8, (5,192) S/16, (6,288) S/32  y1..y4
//               [+ ViT branch on y1] [+ attention (CBAM) after conv3 (y1) and conv5 (y3)]
//   heatmap:    decoder of 48-channel stages with x2 upsampling and additive
//               skips from y3, y2, y1 (S/4 x 48: the "64^2 features"), an
//               8-channel stage to S/2, separable conv [+ attention], 3x3 conv to K
//   regression: stop-gradients on the S/4 decoder features and on y2, y3, y4;
//               BlazeBlocks (4,96), (5,192), (6,288) each plus a separable
//               conv of the matching stopped feature, two (7,288) blocks,
//               global average pool, linear -> 2K coords, linear -> K visibility
//               [extra stage: a BlazeBlock from the stopped S/2 decoder features]
//
// Parameter groups (top-level modules): backbone, heatmap, regression.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "model/pose_model.h"
#include "models/blazepose_options.h"
#include "models/blocks.h"

namespace kplab::models {

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
  FeatureBlock attention3{nullptr}, attention5{nullptr};  // make_attention(options.attention)
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
  FeatureBlock attention11{nullptr};  // make_attention(options.attention)
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
  bool coords_from_heatmaps() const override { return options_.coords_from() == "heatmap"; }
  torch::Tensor coords_from_heatmap_logits(const torch::Tensor& logits) const override {
    return coords_from_heatmaps() ? soft_argmax(logits) : torch::Tensor();
  }

  Backbone backbone{nullptr};
  HeatmapHead heatmap{nullptr};
  RegressionHead regression{nullptr};

 private:
  PoseOutput run(const torch::Tensor& images, bool with_heatmap);
  torch::Tensor cell_centres() const;                         // [H*W, 2] input pixels (x, y)
  torch::Tensor soft_argmax(const torch::Tensor& logits) const;  // B x K x H x W -> B x K x 2

  std::string name_;
  BlazePoseOptions options_;
};

}  // namespace kplab::models
