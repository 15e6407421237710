// kplab bench: latency of a trained run, an exported ONNX file or a
// registered architecture (src/eval/benchmark.h, src/run/bench_target.h),
// printed as a table and written as JSON.
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>

#include "core/allocator.h"
#include "core/error.h"
#include "eval/benchmark.h"
#include "eval/benchmark_text.h"
#include "core/json_output.h"
#include "models/registry.h"
#include "run/bench_target.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int bench(int argc, char** argv) {
  BenchOptions bo;  // each option is read into its field
  tune_allocator();
  cxxopts::Options opts(argv[0],
                        "Latency of LibTorch eager and of the exported ONNX graph in OpenCV DNN and in kplab's XNNPACK\n"
                        "runner (what predict runs), same machine, same\n"
                        "threads: warm-up, then timed repeats (median, p90, p99) at batch 1 and batch N; parameters and\n"
                        "MACs. CUDA timings (--device cuda) are synchronised; OpenCV DNN runs on the CPU.\n"
                        "TARGET: a run folder, an exported .onnx file, a registered model name, or 'all' (every\n"
                        "registered model at --size).\n");
  opts.add_options()
      ("target", "RUN | MODEL.onnx | MODEL_NAME | all", cxxopts::value<std::string>())
      ("size", "input size for a registry name", cxxopts::value<int>()->default_value("256"))
      ("batch", "batch sizes to time (comma-separated)", cxxopts::value<std::vector<int64_t>>()->default_value("1,8"))
      ("threads", "threads for both runtimes (0 = all cores)", cxxopts::value<int>(bo.threads)->default_value("0"))
      ("warmup", "untimed runs first", cxxopts::value<int>(bo.warmup)->default_value("10"))
      ("repeats", "timed runs (at least 50 for a p99 worth reading)", cxxopts::value<int>(bo.repeats)->default_value("100"))
      ("device", "LibTorch device: cpu, cuda or cuda:N", cxxopts::value<std::string>(bo.device)->default_value("cpu"))
      ("with-heatmap", "ONNX graphs also output heatmaps (default: coords + visibility, as deployed)")
      ("no-onnx", "time LibTorch only")
      ("runtimes", "time only these rows (comma-separated): libtorch_eager, libtorch_channels_last, opencv_dnn,\n"
       "kplab_xnnpack (default: all)", cxxopts::value<std::vector<std::string>>(bo.runtimes))
      ("profile", "also where kplab's XNNPACK runner spends a batch-1 forward, per operation kind")
      ("json", "write the results as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"target"});
  opts.positional_help("TARGET");
  const auto parsed = parse_args(opts, argc, argv,
                                 {"kplab bench blazepose --threads 2 --json runs/bench/blazepose.json",
                                  "kplab bench runs/quickstart/train --batch 1,16"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  require(r, "target", argv[0], "TARGET");
  JsonOutput json_out(r["json"].as<std::string>());
  bo.batches = r["batch"].as<std::vector<int64_t>>();
  bo.with_heatmap = r.count("with-heatmap") > 0;
  bo.onnx = r.count("no-onnx") == 0;
  bo.profile = r.count("profile") > 0;

  const std::string target = r["target"].as<std::string>();
  std::vector<std::string> targets = {target};
  if (target == "all" && !std::filesystem::exists(target)) targets = model_registry().names();
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& t : targets) {
    BenchTarget m = resolve_bench_target(t, r["size"].as<int>(), model_registry());
    nlohmann::json j = benchmark_model(*m.model, bo);
    j["source"] = m.source;
    std::printf("%s", benchmark_text(j).c_str());
    all.push_back(j);
  }
  json_out.write(targets.size() == 1 ? all[0] : all);
  return 0;
}

}  // namespace kplab::cli
