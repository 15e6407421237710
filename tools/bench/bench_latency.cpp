// Batch-1 latency of a registered model: LibTorch eager and its exported ONNX
// in OpenCV DNN, same machine, same thread count, warm-up then many repeats
// (median, p90, p99), with parameters and MACs. JSON out.
#include <torch/torch.h>

#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "core/allocator.h"
#include "core/error.h"
#include "core/threads.h"
#include "eval/latency.h"
#include "export/export_model.h"
#include "models/registry.h"

int main(int argc, char** argv) {
  kplab::tune_allocator();
  cxxopts::Options opts("bench_latency", "Batch-1 latency of a model in LibTorch eager and in OpenCV DNN (ONNX).");
  opts.add_options()
      ("model", "registry name, or 'all' for every registered model", cxxopts::value<std::string>()->default_value("blazepose"))
      ("size", "input size", cxxopts::value<int>()->default_value("256"))
      ("threads", "threads for both runtimes (0 = all cores)", cxxopts::value<int>()->default_value("0"))
      ("warmup", "untimed runs first", cxxopts::value<int>()->default_value("10"))
      ("repeats", "timed runs", cxxopts::value<int>()->default_value("100"))
      ("json", "write results here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  try {
    auto r = opts.parse(argc, argv);
    if (r.count("help")) {
      std::printf("%s", opts.help().c_str());
      return 0;
    }
    const int threads = r["threads"].as<int>() > 0 ? r["threads"].as<int>() : kplab::default_threads();
    const int warmup = r["warmup"].as<int>(), repeats = r["repeats"].as<int>(), size = r["size"].as<int>();
    torch::set_num_threads(threads);
    cv::setNumThreads(threads);
    std::vector<std::string> names = {r["model"].as<std::string>()};
    if (names[0] == "all") names = kplab::model_registry().names();
    auto dir = std::filesystem::temp_directory_path() / ("kplab-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    nlohmann::json results = nlohmann::json::array();
    for (const std::string& name : names) {
      torch::manual_seed(0);
      YAML::Node o;
      o["input_size"] = size;
      kplab::PoseModel model = kplab::create_model(name, o);
      model->eval();
      torch::Tensor x = kplab::onnx_export::parity_inputs(size)[1];
      nlohmann::json row = {{"model", name},
                            {"input_size", size},
                            {"batch", 1},
                            {"threads", threads},
                            {"device", "cpu"},
                            {"parameters", kplab::count_parameters(*model)}};
      for (bool heat : {true, false}) {
        const std::string key = heat ? "all_outputs" : "coords_visibility";
        // LibTorch eager: the whole forward (all outputs are computed either way).
        auto eager = kplab::measure_latency([&] {
          torch::NoGradGuard no_grad;
          auto y = model->forward(x);
          (void)y;
        }, warmup, repeats);
        kplab::onnx_export::ExportOptions eo;
        eo.with_heatmap = heat;
        eo.overwrite = true;
        const std::string path = (dir / (name + "_" + key + ".onnx")).string();
        auto rep = kplab::onnx_export::export_onnx(*model, path, eo);
        cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
        cv::Mat blob(std::vector<int>{1, 3, size, size}, CV_32F, x.data_ptr<float>());
        std::vector<std::string> outputs = net.getUnconnectedOutLayersNames();
        auto dnn = kplab::measure_latency([&] {
          net.setInput(blob);
          std::vector<cv::Mat> outs;
          net.forward(outs, outputs);
        }, warmup, repeats);
        row[key] = {{"macs", rep.macs}, {"libtorch_eager", eager.to_json()}, {"opencv_dnn", dnn.to_json()}};
        std::fprintf(stderr, "%-16s %-17s params %8lld  %.3f GMACs  LibTorch %6.2f ms (p90 %6.2f)  OpenCV DNN %6.2f ms (p90 %6.2f)\n",
                     name.c_str(), key.c_str(), static_cast<long long>(kplab::count_parameters(*model)), rep.macs / 1e9,
                     eager.median_ms, eager.p90_ms, dnn.median_ms, dnn.p90_ms);
      }
      results.push_back(row);
    }
    std::filesystem::remove_all(dir);
    nlohmann::json out = names.size() == 1 ? results[0] : results;
    std::printf("%s\n", out.dump(2).c_str());
    if (!r["json"].as<std::string>().empty()) std::ofstream(r["json"].as<std::string>()) << out.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_latency: error: %s\n", e.what());
    return 1;
  }
}
