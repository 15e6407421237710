#include "export/mac_count.h"

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "export/static_shapes.h"

namespace kplab::onnx_export {

namespace {

// The shape a value's type declares, and in `ok` whether every dimension is a known positive size.
std::vector<int64_t> static_shape(const onnx::TypeProto& t, bool& ok) {
  std::vector<int64_t> s;
  ok = t.has_tensor_type() && t.tensor_type().has_shape();
  if (!ok) return s;
  for (const auto& d : t.tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() <= 0) ok = false;
    s.push_back(d.dim_value());
  }
  return s;
}

}  // namespace

int64_t count_macs(const onnx::ModelProto& model) {
  onnx::ModelProto copy = model;
  try {
    onnx::shape_inference::InferShapes(copy);
  } catch (const std::exception& e) {
    throw Error("onnx: shape inference: " + one_line(e.what()));
  }
  std::unordered_map<std::string, std::vector<int64_t>> shapes;
  const auto& g = copy.graph();
  for (const auto& t : g.initializer()) shapes[t.name()] = std::vector<int64_t>(t.dims().begin(), t.dims().end());
  for (const auto* list : {&g.input(), &g.value_info(), &g.output()})
    for (const auto& vi : *list) {
      bool ok = false;
      auto s = static_shape(vi.type(), ok);
      if (ok) shapes[vi.name()] = s;
    }
  auto shape_of = [&](const onnx::NodeProto& n, const std::string& name) -> const std::vector<int64_t>& {
    auto it = shapes.find(name);
    KP_CHECK(it != shapes.end(), "onnx: count_macs: node '", n.name(), "' (", n.op_type(), "): no static shape for '",
             name, "'");
    return it->second;
  };
  int64_t macs = 0;
  for (const auto& n : g.node()) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") continue;
    const std::string& op = n.op_type();
    if (op == "Conv" && n.input_size() >= 2) {
      // N * out spatial * (Cout * Cin/groups * kh * kw) = N * prod(Y[2:]) * numel(W)
      const auto& y = shape_of(n, n.output(0));
      const auto& w = shape_of(n, n.input(1));
      macs += y[0] * numel(std::vector<int64_t>(y.begin() + 2, y.end())) * numel(w);
    } else if (op == "ConvTranspose" && n.input_size() >= 2) {
      // N * in spatial * (Cin * Cout/groups * kh * kw)
      const auto& x = shape_of(n, n.input(0));
      const auto& w = shape_of(n, n.input(1));
      macs += x[0] * numel(std::vector<int64_t>(x.begin() + 2, x.end())) * numel(w);
    } else if (op == "Gemm") {
      const auto& a = shape_of(n, n.input(0));
      const auto& y = shape_of(n, n.output(0));
      int64_t trans_a = 0;
      for (const auto& at : n.attribute())
        if (at.name() == "transA") trans_a = at.i();
      KP_CHECK(a.size() == 2 && y.size() == 2, "onnx: count_macs: Gemm '", n.name(), "': rank-2 operands expected");
      macs += y[0] * y[1] * (trans_a ? a[0] : a[1]);
    } else if (op == "MatMul") {
      const auto& a = shape_of(n, n.input(0));
      const auto& y = shape_of(n, n.output(0));
      macs += numel(y) * a.back();
    }
  }
  return macs;
}

}  // namespace kplab::onnx_export
