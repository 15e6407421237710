// kplab's own inference path for exported graphs: the .onnx file kplab export
// wrote, compiled once into XNNPACK operators (the CPU kernels LiteRT uses on
// phones) and run with no framework between them. XNNPACK comes inside the
// LibTorch that kplab already links (the torch wheel exports its operator API
// and pthreadpool), so nothing new is installed.
//
// What compiling does: only the nodes the requested outputs need; 4-D
// activations kept NHWC from input to output (one transpose in, one per 4-D
// output); every constant repacked once (Conv weights OHWI, Gemm/MatMul as
// fully-connected weights); a Pad feeding convolutions folded into their
// padding and a Relu after a convolution fused into its output clamp; every
// shape fixed from the graph's value_info, every buffer allocated and
// reused by liveness before the first forward. A forward is then one
// transpose and a list of operator runs.
//
// Covers the operators of kplab's models (Conv, Pad, Relu, Sigmoid, Sqrt,
// Erf, Add, Sub, Mul, Div, MaxPool, Resize, GlobalAveragePool,
// GlobalMaxPool, ReduceMax over channels, Concat over channels,
// DepthToSpace, Flatten, Reshape, Transpose, Gemm, MatMul, Softmax,
// Identity): the graphs of every registered model. The attention of the ViT
// blocks (Transpose, MatMul of two activations, a 4-D Softmax) runs as small
// loops in ONNX's row-major order. A graph with anything else (ConvTranspose,
// say) is refused with
// UnsupportedGraph naming the operator; callers fall back to OpenCV DNN and
// say so.
#pragma once

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace kplab {

// The graph needs an operator (or a form of one) this runner does not cover.
class UnsupportedGraph : public Error {
 public:
  explicit UnsupportedGraph(const std::string& message) : Error(message) {}
};

class XnnpackNet {
 public:
  // Compiles the graph in `onnx_path` for `outputs` (graph output names;
  // empty: all of them) to run on `threads` threads (>= 1). Errors name the
  // file and the node; UnsupportedGraph when an operator is not covered.
  XnnpackNet(const std::string& onnx_path, std::vector<std::string> outputs, int threads);
  ~XnnpackNet();
  XnnpackNet(const XnnpackNet&) = delete;
  XnnpackNet& operator=(const XnnpackNet&) = delete;

  // The graph's one input: its name and static N x 3 x S x S shape.
  const std::string& input_name() const;
  const std::vector<int64_t>& input_shape() const;
  const std::vector<std::string>& outputs() const;

  // One forward of `input` (float, the input's shape, NCHW as ONNX states
  // it). Returns each requested output in ONNX's shape and order, as fresh
  // CPU tensors. Not thread-safe: one forward at a time per net.
  std::map<std::string, torch::Tensor> forward(const torch::Tensor& input);
  // The same on raw memory: `input` holds the input's N*3*S*S floats (NCHW);
  // outputs stay in the net until the next forward (output(name)).
  void forward(const float* input);
  const float* output(const std::string& name, std::vector<int64_t>* shape) const;

  // Where a forward's time goes: milliseconds per operation kind (the
  // summary's labels, plus "input transpose" and "output copies"), the median
  // over `repeats` forwards of `input`, each kind's total.
  std::map<std::string, double> profile(const float* input, int repeats);

  // Operators after fusion, for the record (e.g. "145 Conv -> 145 XNNPACK convolutions").
  std::string summary() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kplab
