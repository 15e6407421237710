// TFLite-compatibility lint for any ONNX file (`kplab lint-onnx`): flags what
// TFLite's converters (onnx2tf, or onnx-tf and then the TFLiteConverter)
// cannot map to TFLite builtin ops, or map with a numeric mismatch: operators
// outside an allow-list, LayerNormalization, Clip with tensor bounds, Resize
// that is not rank 4 with constant scales, strided convs with implicit pads
// (PyTorch padding is not TF SAME), dynamic dims, other opsets and domains.
#pragma once

#include <string>
#include <vector>

namespace onnx {
class ModelProto;
}

namespace kplab::onnx_export {

struct LintIssue {
  std::string node;    // node name (op#index when unnamed), tensor name, or "(model)"
  std::string op;      // op type, or "graph input" / "graph output" / "value_info" / "opset_import"
  std::string reason;  // one phrase
};

// Issues in graph order (model-level first). Empty: nothing known to block a
// builtin-only TFLite conversion.
std::vector<LintIssue> lint_tflite(const onnx::ModelProto& model);

}  // namespace kplab::onnx_export
