#include "eval/benchmark.h"

#include <torch/cuda.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "core/error.h"
#include "core/hardware.h"
#include "core/text.h"
#include "core/threads.h"
#include "eval/latency.h"
#include "export/export_model.h"
#include "infer/xnnpack_net.h"

namespace kplab {

namespace {

nlohmann::json row(const std::string& runtime, int64_t batch, const std::string& device, const LatencyStats& s) {
  nlohmann::json j = s.to_json();
  j["runtime"] = runtime;
  j["batch"] = batch;
  j["device"] = device;
  j["ms_per_image"] = s.median_ms / batch;
  j["images_per_s"] = s.median_ms > 0 ? 1000.0 * batch / s.median_ms : 0.0;
  return j;
}

// Removes the temporary ONNX folder however the benchmark ends.
struct TempFolder {
  std::filesystem::path path;
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

nlohmann::json benchmark_model(PoseModelImpl& model, const BenchOptions& o) {
  KP_CHECK(!o.batches.empty(), "bench: expected at least one batch size, found none");
  for (int64_t b : o.batches) KP_CHECK(b >= 1, "bench: --batch: expected sizes >= 1, found ", b);
  KP_CHECK(o.repeats >= 1 && o.warmup >= 0, "bench: expected repeats >= 1 and warmup >= 0, found ", o.repeats, " and ",
           o.warmup);
  const std::vector<std::string> known = {"libtorch_eager", "libtorch_channels_last", "opencv_dnn", "kplab_xnnpack"};
  for (const auto& r : o.runtimes)
    KP_CHECK(std::find(known.begin(), known.end(), r) != known.end(), "bench: --runtimes: expected some of ",
             join(known, ", "), "; found '", r, "'");
  auto wanted = [&](const std::string& r) {
    return o.runtimes.empty() || std::find(o.runtimes.begin(), o.runtimes.end(), r) != o.runtimes.end();
  };
  const int threads = o.threads > 0 ? o.threads : default_threads();
  torch::set_num_threads(threads);
  cv::setNumThreads(threads);
  const torch::Device device(o.device);
  KP_CHECK(!device.is_cuda() || torch::cuda::is_available(), "bench: --device ", o.device,
           ": expected a CUDA device, found none on this machine");
  const int64_t s = model.input_size();
  model.to(device);
  model.eval();

  nlohmann::json results = nlohmann::json::array();
  std::function<void()> sync;
  if (device.is_cuda()) sync = [] { torch::cuda::synchronize(); };
  // LibTorch in both memory layouts, computing what the ONNX graph computes.
  const torch::MemoryFormat entry_format = model.memory_format();
  for (torch::MemoryFormat format : {torch::MemoryFormat::Contiguous, torch::MemoryFormat::ChannelsLast}) {
    if (!wanted(libtorch_runtime(format))) continue;
    model.set_memory_format(format);
    for (int64_t b : o.batches) {
      torch::Tensor x = onnx_export::parity_inputs(static_cast<int>(s), b)[1].to(device);
      LatencyStats t = measure_latency(
          [&] {
            torch::NoGradGuard no_grad;
            PoseOutput y = model.predict(x, o.with_heatmap);
            (void)y;
          },
          o.warmup, o.repeats, sync);
      results.push_back(row(libtorch_runtime(format), b, device.str(), t));
    }
  }
  model.set_memory_format(entry_format);
  model.to(torch::kCPU);

  int64_t macs = -1;
  std::string xnnpack_note;  // why the XNNPACK rows are missing, when they are
  nlohmann::json xnnpack_profile;
  if (o.onnx) {
    TempFolder dir{std::filesystem::path(o.work_dir.empty() ? std::filesystem::temp_directory_path().string()
                                                            : o.work_dir) /
                   ("kplab-bench-" + std::to_string(::getpid()))};
    std::filesystem::create_directories(dir.path);
    for (int64_t b : o.batches) {
      onnx_export::ExportOptions eo;
      eo.with_heatmap = o.with_heatmap;
      eo.batch = b;
      eo.overwrite = true;
      const std::string path = (dir.path / ("b" + std::to_string(b) + ".onnx")).string();
      auto report = onnx_export::export_onnx(model, path, eo);
      if (b == 1 || macs < 0) macs = report.macs / b;
      torch::Tensor x = onnx_export::parity_inputs(static_cast<int>(s), b)[1];
      if (wanted("opencv_dnn")) {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
        cv::Mat blob(std::vector<int>{static_cast<int>(b), 3, static_cast<int>(s), static_cast<int>(s)}, CV_32F,
                     x.data_ptr<float>());
        const std::vector<std::string> outputs = net.getUnconnectedOutLayersNames();
        LatencyStats t = measure_latency(
            [&] {
              net.setInput(blob);
              std::vector<cv::Mat> outs;
              net.forward(outs, outputs);
            },
            o.warmup, o.repeats);
        results.push_back(row("opencv_dnn", b, "cpu", t));
      }
      // The same file in kplab's own runner (XNNPACK), when it covers the graph.
      if (wanted("kplab_xnnpack")) try {
        XnnpackNet xnn(path, {}, threads);
        LatencyStats tx = measure_latency([&] { xnn.forward(x.data_ptr<float>()); }, o.warmup, o.repeats);
        results.push_back(row("kplab_xnnpack", b, "cpu", tx));
        if (o.profile && b == 1) {
          xnnpack_profile = {{"operations", xnn.summary()}, {"median_ms", xnn.profile(x.data_ptr<float>(), o.repeats)}};
        }
      } catch (const UnsupportedGraph& e) {
        xnnpack_note = e.what();
      }
    }
  }
  return {{"model", model.describe()["name"].as<std::string>()},
          {"input_size", s},
          {"parameters", count_parameters(model)},
          {"macs", macs},
          {"onnx_outputs", o.with_heatmap ? "coords, visibility, heatmaps" : "coords, visibility"},
          {"hardware", hardware_json(device.str(), threads)},
          {"warmup", o.warmup},
          {"repeats", o.repeats},
          {"results", results},
          {"kplab_xnnpack", xnnpack_note.empty() ? "covered" : xnnpack_note},
          {"kplab_xnnpack_profile", xnnpack_profile}};
}

std::string libtorch_runtime(torch::MemoryFormat format) {
  return format == torch::MemoryFormat::ChannelsLast ? "libtorch_channels_last" : "libtorch_eager";
}

double batch1_median_ms(const nlohmann::json& bench, const std::string& runtime) {
  if (!bench.contains("results")) return -1;
  for (const auto& r : bench["results"])
    if (r.value("runtime", "") == runtime && r.value("batch", 0) == 1) return r.value("median_ms", -1.0);
  return -1;
}

}  // namespace kplab
