// kplab ablate: trains, evaluates and benchmarks every variant of an
// ablation file (src/ablation/ablation_spec.h) on the same data, one run
// folder each, and keeps results.{json,csv,md} up to date after every row.
// Resumable: a finished row (VARIANT/row.json) is not rerun, an interrupted
// one continues from its last.pt.
#include <csignal>
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ablation/ablation_spec.h"
#include "ablation/results_table.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hardware.h"
#include "core/threads.h"
#include "eval/benchmark.h"
#include "command_line.h"
#include "json_output.h"
#include "models/registry.h"
#include "run_model.h"
#include "train/experiment.h"
#include "train/trainer.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

namespace fs = std::filesystem;

void on_sigint(int) { request_training_stop(); }

void write_file(const fs::path& path, const std::string& text) { AtomicFile(path.string(), true).commit_bytes(text); }

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw input_error(path.string(), "(document)", "JSON written by kplab ablate", "unparseable JSON");
  }
}

// Training time of a run from its metrics.csv (the per-epoch "seconds"
// column, the last one): stays right across resumes, excludes validation.
void write_tables(const fs::path& out, const nlohmann::json& results) {
  write_file(out / "results.json", results.dump(2) + "\n");
  write_file(out / "results.csv", results_csv(results));
  write_file(out / "results.md", results_markdown(results));
}

}  // namespace

int ablate(int argc, char** argv) {
  const std::string command = command_line("ablate", argc, argv);
  cxxopts::Options opts(argv[0],
                        "Train, evaluate and benchmark every variant of an ablation file on the same data and budget;\n"
                        "writes OUT/results.{md,csv,json} (variant, params, MACs, PCK@0.2, PCKh@0.5, AUC, latency of\n"
                        "LibTorch and of the ONNX graph in OpenCV DNN, training time, hardware) and one run folder per\n"
                        "variant. Run it again to resume: finished rows are kept, an interrupted one continues.\n");
  opts.add_options()
      ("ablation", "ablation file", cxxopts::value<std::string>())
      ("out", "output folder (default runs/ablations/NAME)", cxxopts::value<std::string>()->default_value(""))
      ("device", "training and evaluation device: cpu, cuda or cuda:N", cxxopts::value<std::string>()->default_value("cpu"))
      ("threads", "training threads (0 = all cores)", cxxopts::value<int>()->default_value("0"))
      ("set", "override for every variant, e.g. --set phases.0.epochs=1 (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("json", "also write results.json here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"ablation"});
  opts.positional_help("ABLATION.yaml");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexample:\n  kplab ablate experiments/ablation_reference.yaml --out runs/ablations/reference\n",
                opts.help().c_str());
    return 0;
  }
  if (!r.count("ablation")) throw Error(str("missing ABLATION.yaml (see ", argv[0], " --help)"));
  const std::string path = r["ablation"].as<std::string>();
  JsonOutput json_out(r["json"].as<std::string>());
  std::vector<std::string> sets;
  if (r.count("set")) sets = r["set"].as<std::vector<std::string>>();
  const AblationSpec spec = load_ablation(path, sets);
  const std::string device = r["device"].as<std::string>();
  const int train_threads = r["threads"].as<int>() > 0 ? r["threads"].as<int>() : default_threads();

  // Every experiment is read and checked before the first hour of training.
  std::vector<Experiment> experiments;
  for (const auto& v : spec.variants) {
    experiments.push_back(load_experiment(v.experiment, v.overrides));
    const Experiment& e = experiments.back();
    const Experiment& first = experiments.front();
    if (e.data.cache != first.data.cache || e.data.val_splits != first.data.val_splits)
      throw input_error(path, "variants." + v.name,
                        str("the data of variant ", spec.variants[0].name, " (cache ", first.data.cache, ")"),
                        str("cache ", e.data.cache, ": an ablation compares variants on the same data"));
  }

  const fs::path out = r["out"].as<std::string>().empty() ? fs::path("runs/ablations") / spec.name
                                                          : fs::path(r["out"].as<std::string>());
  fs::create_directories(out);
  {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    write_file(out / "ablation.yaml", text.str());
  }
  nlohmann::json results = {{"name", spec.name},
                            {"ablation", path},
                            {"split", spec.eval_split},
                            {"decoder", spec.eval_decoder},
                            {"data", experiments.front().data.cache},
                            {"hardware", hardware_json(device, train_threads)},
                            {"bench_threads", spec.bench_threads},
                            {"rows", nlohmann::json::array()}};
  for (const auto& v : spec.variants) {
    const fs::path row_file = out / v.name / "row.json";
    results["rows"].push_back(fs::exists(row_file) ? read_json(row_file)
                                                   : nlohmann::json{{"variant", v.name}, {"status", "pending"},
                                                                    {"run", v.name}});
  }
  write_tables(out, results);

  std::signal(SIGINT, on_sigint);
  int failed = 0;
  for (size_t i = 0; i < spec.variants.size(); ++i) {
    const AblationVariant& v = spec.variants[i];
    const Experiment& exp = experiments[i];
    nlohmann::json& row = results["rows"][i];
    if (row.value("status", "") == "done") {
      std::fprintf(stderr, "ablate: %s: done before, kept\n", v.name.c_str());
      continue;
    }
    const fs::path run = out / v.name;
    try {
      TrainOptions t;
      t.run_dir = run.string();
      t.device = device;
      t.resume = fs::exists(run / "checkpoints" / "last.pt");
      t.command = command + "   # variant " + v.name;
      t.progress = true;
      std::fprintf(stderr, "ablate: %s (%zu/%zu): %s %s\n", v.name.c_str(), i + 1, spec.variants.size(),
                   t.resume ? "resuming" : "training", exp.model.c_str());
      torch::set_num_threads(train_threads);
      TrainResult tr = train(exp, t, model_registry());
      if (tr.interrupted) {
        write_tables(out, results);
        std::fprintf(stderr, "ablate: interrupted in %s; run the same command again to resume\n", v.name.c_str());
        return 130;
      }
      RunEvalOptions eo;
      eo.split = spec.eval_split;
      eo.decoder = spec.eval_decoder;
      eo.device = device;
      nlohmann::json ev = evaluate_run(run.string(), eo);
      write_file(run / "eval.json", ev.dump(2) + "\n");

      BenchOptions bo;
      bo.batches = {1};
      bo.threads = spec.bench_threads;
      bo.warmup = spec.bench_warmup;
      bo.repeats = spec.bench_repeats;
      bo.work_dir = run.string();
      RunModel rm = load_run_model(run.string());
      nlohmann::json bench = benchmark_model(*rm.model, bo);
      write_file(run / "bench.json", bench.dump(2) + "\n");

      int64_t epochs = 0;
      for (const auto& p : exp.phases) epochs += p.epochs;
      row = {{"variant", v.name},
             {"status", "done"},
             {"run", v.name},
             {"model", exp.model},
             {"overrides", v.overrides},
             {"params", bench["parameters"]},
             {"macs", bench["macs"]},
             {"pck@0.2", ev["pck@0.2"]},
             {"pckh@0.5", ev["pckh@0.5"]},
             {"auc", ev["auc"]},
             {"heatmap_pck@0.2", ev["by_decoder"]["heatmap"]["pck@0.2"]},
             {"mean_px", ev["mean_px"]},
             {"latency_torch_ms",  // kplab's LibTorch path on the CPU: channels-last
              batch1_median_ms(bench, libtorch_runtime(parse_memory_format("auto", torch::kCPU)))},
             {"latency_onnx_ms", batch1_median_ms(bench, "opencv_dnn")},
             {"train_seconds", training_seconds(run.string())},
             {"epochs", epochs},
             {"checkpoint", ev["checkpoint"]}};
      write_file(run / "row.json", row.dump(2) + "\n");
    } catch (const Error& e) {
      ++failed;
      row["status"] = "failed";
      row["error"] = e.what();
      std::fprintf(stderr, "ablate: %s failed: %s\n", v.name.c_str(), e.what());
    }
    write_tables(out, results);
  }
  std::printf("%s", results_markdown(results).c_str());
  std::printf("\nwrote %s/results.{md,csv,json}\n", out.string().c_str());
  json_out.write(results);
  return failed ? 1 : 0;
}

}  // namespace kplab::cli
