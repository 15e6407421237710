// classifier.onnx: the posture classifier for any ONNX runtime (a phone app,
// Python with onnxruntime, OpenCV DNN). Input `features`: N x F float32 RAW
// features (as PostureFeatures computes them, names in the metadata);
// output `probability`: N x 1, of the positive class. The standardisation is
// folded into the first Gemm (W' = W / std, b' = b - W' mean), so callers
// need no mean/std; the graph is Gemm [Relu Gemm] Sigmoid, opset 13.
#pragma once

#include <memory>
#include <string>

#include "classify/classifier_file.h"

namespace onnx {
class ModelProto;
}

namespace kplab::classify {

// The graph, checked by the ONNX checker; the batch dimension is symbolic ("N").
std::unique_ptr<onnx::ModelProto> classifier_onnx(const SavedClassifier& c);

// Writes it to `path` (atomically; `overwrite` as AtomicFile).
void save_classifier_onnx(const SavedClassifier& c, const std::string& path, bool overwrite);

}  // namespace kplab::classify
