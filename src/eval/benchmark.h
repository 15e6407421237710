// Latency of one model, measured the same way for every runtime: LibTorch
// eager (CPU or CUDA) with NCHW and with channels-last weights and images,
// computing the ONNX graph's outputs (PoseModelImpl::predict), and the
// exported ONNX graph in OpenCV DNN and in kplab's own XNNPACK runner
// (infer/xnnpack_net.h, what `kplab predict` uses when it covers the graph),
// same machine and thread count, at several batch sizes; warm-up first,
// then many timed repeats (median, p90, p99). The ONNX graphs are exported
// with the parity check of `kplab export`, so what is timed is known to
// compute the same thing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/pose_model.h"

namespace kplab {

struct BenchOptions {
  std::vector<int64_t> batches = {1, 8};
  int threads = 0;            // 0: default_threads()
  int warmup = 10;
  int repeats = 100;
  std::string device = "cpu"; // LibTorch's device; OpenCV DNN always runs on the CPU
  bool with_heatmap = false;  // ONNX graphs also output heatmaps (else coords + visibility, as deployed)
  bool onnx = true;           // time the ONNX graph in OpenCV DNN too
  // Which rows to time: libtorch_eager, libtorch_channels_last, opencv_dnn,
  // kplab_xnnpack (empty: all; the last two need `onnx`).
  std::vector<std::string> runtimes;
  bool profile = false;       // also where kplab's XNNPACK runner spends a batch-1 forward, per operation kind
  std::string work_dir;       // where the temporary ONNX files go (default: the system temp folder)
};

// JSON: model, input_size, parameters, macs (the batch-1 ONNX graph),
// onnx_outputs, hardware (hardware_json), warmup, repeats, and "results": one
// entry per runtime and batch {runtime: "libtorch_eager" (NCHW) |
// "libtorch_channels_last" | "opencv_dnn" | "kplab_xnnpack",
// batch, device, median_ms, p90_ms, p99_ms, mean_ms, min_ms, max_ms,
// ms_per_image, images_per_s}; "kplab_xnnpack": "covered" or why the runner
// refused the graph (then it has no rows); "kplab_xnnpack_profile" (with
// options.profile): its batch-1 median ms per operation kind. Leaves the
// model in eval mode, in the memory format it came with.
nlohmann::json benchmark_model(PoseModelImpl& model, const BenchOptions& options);

// The "runtime" name of LibTorch rows in that layout.
std::string libtorch_runtime(torch::MemoryFormat format);

// The median batch-1 latency (ms) of `runtime` in benchmark_model's JSON, or -1.
double batch1_median_ms(const nlohmann::json& bench, const std::string& runtime);

}  // namespace kplab
