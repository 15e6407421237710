// Writing ONNX from C++ (LibTorch has no ONNX exporter): a small graph
// builder over the ONNX library's own protobuf classes. Every model block
// emits its nodes through it beside its forward(), with static shapes that
// the block computes itself (Value carries them), so the exported graph is
// fully shaped without running shape inference to build it.
//
// TFLite-safe by construction where the builder decides: convolutions with
// stride > 1 and padding get an explicit Pad and a VALID conv (PyTorch's
// symmetric padding is not TF's SAME); Resize is rank-4 with constant
// scales; activations that need clamping use Relu/Min/Max with constant
// operands, never Clip with tensor inputs; LayerNorm and GELU are
// decomposed into primitive ops.
//
// The builder's core (names, inputs, nodes, finish) is onnx_graph.cpp; its
// layer helpers are graph_layers.cpp. A model's cost is in mac_count.h.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace onnx {
class ModelProto;
class ValueInfoProto;
class GraphProto;
}  // namespace onnx

namespace kplab::onnx_export {

constexpr int kOpset = 13;

// A tensor in the graph: its unique name and static shape (float32 unless stated).
struct Value {
  std::string name;
  std::vector<int64_t> shape;
};

using Attr = std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>>;
using Attrs = std::vector<std::pair<std::string, Attr>>;

class GraphBuilder {
 public:
  // `batch`: the static batch size models emit their input and reshapes with.
  explicit GraphBuilder(const std::string& graph_name, int64_t batch = 1);
  ~GraphBuilder();
  GraphBuilder(const GraphBuilder&) = delete;
  GraphBuilder& operator=(const GraphBuilder&) = delete;

  int64_t batch() const { return batch_; }

  // A fresh unique name starting with `hint` (node and value names).
  std::string unique(const std::string& hint);

  // Graph input (float32, static shape).
  Value input(const std::string& name, const std::vector<int64_t>& shape);
  // Marks `v` as a graph output named `name` (an Identity node renames it when needed).
  void output(const Value& v, const std::string& name);

  // A constant (float32 or int64 tensor, copied, moved to CPU, made contiguous).
  Value constant(const torch::Tensor& t, const std::string& hint);
  Value scalar(float v, const std::string& hint);

  // One node with one output of the given shape. `op` is an ONNX operator
  // of opset 13 (default domain).
  Value node(const std::string& op, const std::vector<Value>& inputs, const std::vector<int64_t>& out_shape,
             const Attrs& attrs = {}, const std::string& hint = "");

  // --- helpers that encode the TFLite-safe choices above ---
  // Conv2d from a torch::nn::Conv2d (weights, bias, stride, padding, groups, dilation).
  Value conv2d(const Value& x, const torch::nn::Conv2d& conv, const std::string& hint);
  // ConvTranspose2d (stride s, kernel k, padding p, output_padding op) as PyTorch defines it.
  Value conv_transpose2d(const Value& x, const torch::nn::ConvTranspose2d& conv, const std::string& hint);
  Value linear(const Value& x, const torch::nn::Linear& fc, const std::string& hint);  // x: N x in -> N x out (Gemm)
  Value relu(const Value& x);
  Value sigmoid(const Value& x);
  Value add(const Value& a, const Value& b);  // equal shapes, or b broadcastable constant
  Value mul(const Value& a, const Value& b);
  Value max_pool2d(const Value& x, int64_t kernel, int64_t stride);  // VALID
  Value global_avg_pool(const Value& x);                               // N x C x 1 x 1
  Value flatten(const Value& x);                                       // N x (rest)
  Value reshape(const Value& x, const std::vector<int64_t>& shape);
  Value transpose(const Value& x, const std::vector<int64_t>& perm);
  // Rank-4 activations (numpy-broadcast batch dims). A MatMul of two
  // activations is followed by an Identity: OpenCV DNN 4.6 otherwise fuses a
  // following Relu/Sigmoid/scalar Mul or Add into it and never applies it.
  Value matmul(const Value& a, const Value& b);
  Value softmax_last(const Value& x);                                  // over the last axis
  // Bilinear x`scale` upsampling, rank 4, constant scales; align_corners=false
  // semantics (half_pixel), matching torch::nn::functional::interpolate.
  Value resize_bilinear(const Value& x, int64_t scale);
  Value concat(const std::vector<Value>& xs, int64_t axis);
  // LayerNorm over the channel axis of an N x C x H x W tensor, decomposed:
  // mean and variance by 1x1 convs with weights 1/C (OpenCV DNN cannot
  // broadcast between activations), then Sub/Mul/Sqrt/Div on equal shapes.
  Value layer_norm_channels(const Value& x, const torch::Tensor& weight, const torch::Tensor& bias, float eps);
  // GELU, exact (erf) form, decomposed.
  Value gelu(const Value& x);

  // Finishes the model: opset 13, IR version, producer, metadata; runs
  // onnx::checker and strict shape inference; throws kplab::Error naming the
  // first problem.
  std::unique_ptr<onnx::ModelProto> finish(const std::map<std::string, std::string>& metadata);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int64_t batch_ = 1;
};

// Serialises `model` to `path` atomically (temp file + rename); `overwrite` as AtomicFile.
void save_model(const onnx::ModelProto& model, const std::string& path, bool overwrite);
// Reads an ONNX file (errors name the file).
std::unique_ptr<onnx::ModelProto> load_model(const std::string& path);

// The shape a graph input or output declares: -1 for a symbolic or missing
// dimension; empty when it declares none.
std::vector<int64_t> declared_shape(const onnx::ValueInfoProto& value);
// "1x3x256x256" ("?" for -1), "no static shape" for an empty one.
std::string shape_text(const std::vector<int64_t>& shape);

}  // namespace kplab::onnx_export
