// An exported ONNX graph (kplab export) run by kplab's own XNNPACK runner
// (src/infer/xnnpack_net.h), as a BatchPredictor: what `kplab eval --onnx`
// scores, so the number reported is the one the exported file's own outputs
// give (coords, and heatmaps where the graph has them), not the checkpoint's.
#pragma once

#include <string>

#include "eval/evaluate.h"

namespace kplab {

// Compiles `onnx_path` for `threads` threads. Refused, naming the file, when
// its input is not N x 3 x input_size x input_size, or it has no `coords`
// output of num_keypoints joints. Batches of any size are fed N at a time
// (the last one padded). Heatmaps are the graph's `heatmaps` output when it
// has one (probabilities, as the LibTorch predictor gives).
BatchPredictor onnx_predictor(const std::string& onnx_path, int input_size, int num_keypoints, int threads);

}  // namespace kplab
