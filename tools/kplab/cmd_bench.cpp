// kplab bench: latency of a trained run, an exported ONNX file or a
// registered architecture (src/eval/benchmark.h), printed as a table and
// written as JSON.
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <onnx/onnx_pb.h>
#include <yaml-cpp/yaml.h>

#include "core/allocator.h"
#include "core/error.h"
#include "eval/benchmark.h"
#include "export/onnx_graph.h"
#include "json_output.h"
#include "models/registry.h"
#include "run_model.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

struct Target {
  PoseModel model;
  std::string source;  // what the model came from, for the record
};

// A run folder (trained weights), an exported .onnx (the architecture from
// its kplab.model metadata; latency does not depend on the weight values) or
// a registry name at --size.
Target resolve(const std::string& target, int size) {
  namespace fs = std::filesystem;
  if (fs::is_directory(target)) {
    RunModel rm = load_run_model(target);
    return {rm.model, rm.checkpoint};
  }
  if (target.size() > 5 && target.substr(target.size() - 5) == ".onnx") {
    auto proto = onnx_export::load_model(target);
    for (const auto& p : proto->metadata_props())
      if (p.key() == "kplab.model") {
        YAML::Node d = YAML::Load(p.value());
        return {create_model(d["name"].as<std::string>(), d["options"]),
                target + " (architecture from its kplab.model metadata)"};
      }
    throw input_error(target, "metadata_props.kplab.model", "the architecture written by kplab export",
                      "none (not a kplab export)");
  }
  if (fs::exists(target))
    throw input_error(target, "target", "a run folder, an exported .onnx file or a registered model name",
                      "another kind of file");
  YAML::Node o;
  o["input_size"] = size;
  return {create_model(target, o), "registry (untrained weights)"};
}

void print(const nlohmann::json& j) {
  std::printf("%s (%s): %lld parameters, %.3f GMACs at %lld px, %s, %d threads\n", j["model"].get<std::string>().c_str(),
              j["source"].get<std::string>().c_str(), static_cast<long long>(j["parameters"].get<int64_t>()),
              j["macs"].get<int64_t>() / 1e9, static_cast<long long>(j["input_size"].get<int64_t>()),
              j["hardware"]["cpu"].get<std::string>().c_str(), j["hardware"]["threads"].get<int>());
  std::printf("  %-22s %-7s %5s %10s %10s %10s %11s\n", "runtime", "device", "batch", "median ms", "p90 ms", "p99 ms",
              "images/s");
  for (const auto& r : j["results"])
    std::printf("  %-22s %-7s %5lld %10.2f %10.2f %10.2f %11.1f\n", r["runtime"].get<std::string>().c_str(),
                r["device"].get<std::string>().c_str(), static_cast<long long>(r["batch"].get<int64_t>()),
                r["median_ms"].get<double>(), r["p90_ms"].get<double>(), r["p99_ms"].get<double>(),
                r["images_per_s"].get<double>());
}

}  // namespace

int bench(int argc, char** argv) {
  tune_allocator();
  cxxopts::Options opts(argv[0],
                        "Latency of LibTorch eager and of the exported ONNX graph in OpenCV DNN, same machine, same\n"
                        "threads: warm-up, then timed repeats (median, p90, p99) at batch 1 and batch N; parameters and\n"
                        "MACs. CUDA timings (--device cuda) are synchronised; OpenCV DNN runs on the CPU.\n"
                        "TARGET: a run folder, an exported .onnx file, a registered model name, or 'all' (every\n"
                        "registered model at --size).\n");
  opts.add_options()
      ("target", "RUN | MODEL.onnx | MODEL_NAME | all", cxxopts::value<std::string>())
      ("size", "input size for a registry name", cxxopts::value<int>()->default_value("256"))
      ("batch", "batch sizes to time (comma-separated)", cxxopts::value<std::vector<int64_t>>()->default_value("1,8"))
      ("threads", "threads for both runtimes (0 = all cores)", cxxopts::value<int>()->default_value("0"))
      ("warmup", "untimed runs first", cxxopts::value<int>()->default_value("10"))
      ("repeats", "timed runs (at least 50 for a p99 worth reading)", cxxopts::value<int>()->default_value("100"))
      ("device", "LibTorch device: cpu, cuda or cuda:N", cxxopts::value<std::string>()->default_value("cpu"))
      ("with-heatmap", "ONNX graphs also output heatmaps (default: coords + visibility, as deployed)")
      ("no-onnx", "time LibTorch only")
      ("json", "write the results as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"target"});
  opts.positional_help("TARGET");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexamples:\n  kplab bench blazepose --threads 2 --json runs/bench/blazepose.json\n"
                "  kplab bench runs/quickstart/train --batch 1,16\n",
                opts.help().c_str());
    return 0;
  }
  if (!r.count("target")) throw Error(str("missing TARGET (see ", argv[0], " --help)"));
  JsonOutput json_out(r["json"].as<std::string>());
  BenchOptions bo;
  bo.batches = r["batch"].as<std::vector<int64_t>>();
  bo.threads = r["threads"].as<int>();
  bo.warmup = r["warmup"].as<int>();
  bo.repeats = r["repeats"].as<int>();
  bo.device = r["device"].as<std::string>();
  bo.with_heatmap = r.count("with-heatmap") > 0;
  bo.onnx = r.count("no-onnx") == 0;

  const std::string target = r["target"].as<std::string>();
  std::vector<std::string> targets = {target};
  if (target == "all" && !std::filesystem::exists(target)) targets = model_registry().names();
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& t : targets) {
    Target m = resolve(t, r["size"].as<int>());
    nlohmann::json j = benchmark_model(*m.model, bo);
    j["source"] = m.source;
    print(j);
    all.push_back(j);
  }
  json_out.write(targets.size() == 1 ? all[0] : all);
  return 0;
}

}  // namespace kplab::cli
