// ONNX models built by hand with the protobuf API, for tests that need a
// graph kplab's builder would never write (a known TFLite incompatibility):
// the lint's tests and the converter's (does onnx2tf agree with the lint?).
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace kplab::test::onnx_by_hand {

// A float32 tensor's name and static shape (the first dim symbolic when named).
void tensor_info(onnx::ValueInfoProto* vi, const std::string& name, const std::vector<int64_t>& shape,
                 const std::string& symbolic_first = "");
// A float32 initializer filled with `value`.
void float_init(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, float value);
// A 1-D int64 initializer (shapes for Reshape).
void int64_init(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& values);
onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, const std::string& name,
                          const std::vector<std::string>& in, const std::vector<std::string>& out);
void ints_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v);
// An empty model of the default domain at `opset`.
onnx::ModelProto model_shell(int opset = 13);

// image [1,3,8,8] -> a 3x8x8 stack -> Det -> coords [1,3,1]: no TFLite builtin
// computes a determinant, so onnx2tf can only emit FlexMatrixDeterminant.
onnx::ModelProto determinant_model();
// image [1,3,8,8] -> GELU -> "heatmaps" [1,3,8,8]. `div_form`: the chain PyTorch exports (Div by sqrt 2), which
// onnx2tf fuses into the builtin GELU; otherwise a Mul by 1/sqrt 2, which it
// leaves as FlexErf.
onnx::ModelProto gelu_model(bool div_form);

}  // namespace kplab::test::onnx_by_hand
