// What every keypoint model offers the rest of kplab: a forward pass with
// the output contract of DESIGN.md, its ONNX emission (the inference graph),
// the names of its parameter groups (for phased training) and a description
// of its configuration (saved in checkpoints).
#pragma once

#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/registry.h"

// Dependencies run one way, export -> model: export/ (export_model,
// tflite_export) takes a PoseModelImpl and turns it into files, so model/
// must not include export/. A model still emits its own graph (only it knows
// its layers), through the builder of export/onnx_graph.h; this interface
// needs nothing but the builder's name, and the model implementations
// (models/) include the builder itself.
namespace kplab::onnx_export {
class GraphBuilder;
}  // namespace kplab::onnx_export

namespace kplab {

struct PoseOutput {
  torch::Tensor heatmaps;    // B x K x H x W logits (sigmoid gives probabilities)
  torch::Tensor coords;      // B x K x 2, input pixels (pixel centres at integers)
  torch::Tensor visibility;  // B x K logits (sigmoid gives probabilities)
};

class PoseModelImpl : public torch::nn::Module {
 public:
  // images B x 3 x S x S float in [0, 1], RGB.
  virtual PoseOutput forward(const torch::Tensor& images) = 0;

  // Inference: coordinates and visibility logits, plus heatmap logits when
  // `with_heatmap`: the outputs of the ONNX graph, skipping the decoder
  // stages only the heatmap needs. By default the whole forward().
  virtual PoseOutput predict(const torch::Tensor& images, bool with_heatmap) { return forward(images); }

  // Emits the inference graph for a 1 x 3 x S x S input named "image":
  // outputs "coords" (1 x K x 2) and "visibility" (1 x K, probabilities),
  // plus "heatmaps" (1 x K x H x W, probabilities) when `with_heatmap`.
  // Decoder stages that only the heatmap needs are left out otherwise.
  virtual void emit_onnx(onnx_export::GraphBuilder& g, bool with_heatmap) const = 0;

  // Whether coords are computed from the model's own heatmap logits (a
  // soft-argmax in the graph), and that computation (B x K x H x W logits ->
  // B x K x 2 input pixels); models whose coords come from a regression
  // branch keep these defaults.
  virtual bool coords_from_heatmaps() const { return false; }
  virtual torch::Tensor coords_from_heatmap_logits(const torch::Tensor& logits) const { return {}; }

  virtual int input_size() const = 0;
  virtual int num_keypoints() const = 0;
  virtual int heatmap_size() const = 0;
  // Top-level parameter groups, e.g. {"backbone", "heatmap", "regression"}.
  virtual std::vector<std::string> groups() const = 0;
  // The effective options as YAML (registry name and every option), enough to rebuild the model.
  virtual YAML::Node describe() const = 0;
  // Parameters laid out per keypoint along dim 0, joint-major (rows
  // j*r .. j*r + r - 1 belong to joint j), by name -> r. Transfer learning
  // (train/transfer.h) copies them joint by joint between schemas.
  virtual std::map<std::string, int64_t> keypoint_parameters() const = 0;

  // The memory layout of 4-D weights and of the images forward() is given
  // (converted on entry). Channels-last sends CPU convolutions to oneDNN's
  // NHWC kernels, which on 2 cores make BlazePose's forward ~1.6x and a
  // training step ~1.7x faster than NCHW (tools/bench_latency.sh); results
  // equal NCHW's up to float rounding. Set it after loading weights: a
  // checkpoint restores the layout it was saved with.
  void set_memory_format(torch::MemoryFormat format);
  torch::MemoryFormat memory_format() const { return memory_format_; }

 protected:
  torch::MemoryFormat memory_format_ = torch::MemoryFormat::Contiguous;
};

using PoseModel = std::shared_ptr<PoseModelImpl>;

// name -> builder(option overrides as a YAML mapping; unknown keys are errors)
using ModelBuilder = std::function<PoseModel(const YAML::Node& overrides)>;
using ModelRegistry = Registry<ModelBuilder>;

// "channels_last" | "contiguous" | "auto" (channels-last on the CPU, where it
// was measured faster; contiguous on CUDA). Other names are errors naming `flag`.
torch::MemoryFormat parse_memory_format(const std::string& name, const torch::Device& device,
                                        const std::string& flag = "--memory-format");
std::string memory_format_name(torch::MemoryFormat format);

// Number of parameters (all, or only those with requires_grad).
int64_t count_parameters(const torch::nn::Module& module, bool trainable_only = false);

}  // namespace kplab
