// The compute cost of an ONNX model, as the export report and the ablation
// table state it.
#pragma once

#include <cstdint>

namespace onnx {
class ModelProto;
}

namespace kplab::onnx_export {

// Multiply-accumulates of the model's Conv, ConvTranspose, Gemm and MatMul
// nodes, from their static shapes (runs shape inference on a copy).
int64_t count_macs(const onnx::ModelProto& model);

}  // namespace kplab::onnx_export
