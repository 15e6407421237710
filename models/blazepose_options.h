// The options of the BlazePose family and the one table that reads them from
// an experiment and writes them into a model's description.
#pragma once

#include <torch/arg.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

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
  TORCH_ARG(std::string, attention) = "none";     // attention_names() (after conv3, conv5, conv11)
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
  // Where the `coords` output comes from: regression (BlazePose's regression
  // branch) or heatmap (integral regression, Sun et al. 2018: the expected
  // position under a softmax of each joint's heatmap logits, in the graph, so
  // a phone reads the heatmaps' accuracy from `coords`; trained end to end by
  // the coords loss). Visibility stays with the regression branch.
  TORCH_ARG(std::string, coords_from) = "regression";
  // coords_from heatmap: the softmax runs over beta x logits. BCE-trained
  // logits leave ~10% of the mass on the background at beta 1, which pulls
  // the expectation to the map's centre; 4 was chosen on the synthetic val
  // split (experiments/README.md: 57.7% at 1, 68.5% at 4, flat above).
  TORCH_ARG(double, coords_beta) = 4.0;
};

// Applies a YAML mapping of option overrides (keys as in BlazePoseOptions);
// unknown keys and wrong types fail naming the key.
BlazePoseOptions apply_overrides(BlazePoseOptions options, const YAML::Node& overrides, const std::string& where);

// The options as the "options" mapping of a model's describe(), in the
// table's order. By value: the table reaches fields through their mutable accessors.
YAML::Node describe_options(BlazePoseOptions options);

}  // namespace kplab::models
