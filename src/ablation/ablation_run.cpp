#include "ablation/ablation_run.h"

#include <torch/torch.h>

#include <csignal>
#include <cstdio>
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
#include "run/run_model.h"
#include "run/training_time.h"
#include "train/experiment.h"
#include "train/trainer.h"

namespace kplab {

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

void write_tables(const fs::path& out, const nlohmann::json& results) {
  write_file(out / "results.json", results.dump(2) + "\n");
  write_file(out / "results.csv", results_csv(results));
  write_file(out / "results.md", results_markdown(results));
}

// Every variant's experiment, checked to train on the same data.
std::vector<Experiment> load_experiments(const AblationSpec& spec, const std::string& path) {
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
  return experiments;
}

// The table as it stands: rows finished before (their row.json), the rest pending.
nlohmann::json initial_results(const AblationSpec& spec, const std::string& path, const fs::path& out,
                               const std::string& data, const nlohmann::json& hardware) {
  nlohmann::json results = {{"name", spec.name},
                            {"ablation", path},
                            {"split", spec.eval_split},
                            {"decoder", spec.eval_decoder},
                            {"data", data},
                            {"hardware", hardware},
                            {"bench_threads", spec.bench_threads},
                            {"rows", nlohmann::json::array()}};
  for (const auto& v : spec.variants) {
    const fs::path row_file = out / v.name / "row.json";
    results["rows"].push_back(fs::exists(row_file) ? read_json(row_file)
                                                   : nlohmann::json{{"variant", v.name}, {"status", "pending"},
                                                                    {"run", v.name}});
  }
  return results;
}

// The row of a trained variant: its evaluation (run/eval.json) and batch-1
// benchmark (run/bench.json), saved as run/row.json.
nlohmann::json measure_variant(const AblationSpec& spec, const AblationVariant& v, const Experiment& exp,
                               const fs::path& run, const std::string& device, const ModelRegistry& registry) {
  RunEvalOptions eo;
  eo.split = spec.eval_split;
  eo.decoder = spec.eval_decoder;
  eo.device = device;
  nlohmann::json ev = evaluate_run(run.string(), eo, registry);
  write_file(run / "eval.json", ev.dump(2) + "\n");

  BenchOptions bo;
  bo.batches = {1};
  bo.threads = spec.bench_threads;
  bo.warmup = spec.bench_warmup;
  bo.repeats = spec.bench_repeats;
  bo.work_dir = run.string();
  RunModel rm = load_run_model(run.string(), registry);
  nlohmann::json bench = benchmark_model(*rm.model, bo);
  write_file(run / "bench.json", bench.dump(2) + "\n");

  int64_t epochs = 0;
  for (const auto& p : exp.phases) epochs += p.epochs;
  const double kplab_ms = batch1_median_ms(bench, "kplab_xnnpack");  // -1 when the runner does not cover the graph
  nlohmann::json row = {{"variant", v.name},
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
                        // kplab predict's path: the exported graph in the XNNPACK runner (null when not covered)
                        {"latency_kplab_ms", kplab_ms > 0 ? nlohmann::json(kplab_ms) : nlohmann::json()},
                        {"train_seconds", training_seconds(run.string())},
                        {"epochs", epochs},
                        {"checkpoint", ev["checkpoint"]}};
  write_file(run / "row.json", row.dump(2) + "\n");
  return row;
}

}  // namespace

AblationOutcome run_ablation(const AblationRunOptions& o, const ModelRegistry& registry) {
  const std::string& path = o.ablation;
  AblationSpec spec = load_ablation(path, o.sets);
  select_variants(spec, o.variants);
  const int train_threads = o.threads > 0 ? o.threads : default_threads();
  // Every experiment is read and checked before the first hour of training.
  const std::vector<Experiment> experiments = load_experiments(spec, path);

  AblationOutcome outcome;
  const fs::path out = o.out.empty() ? fs::path("runs/ablations") / spec.name : fs::path(o.out);
  outcome.out = out.string();
  fs::create_directories(out);
  {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    write_file(out / "ablation.yaml", text.str());
  }
  nlohmann::json& results = outcome.results;
  results = initial_results(spec, path, out, experiments.front().data.cache, hardware_json(o.device, train_threads));
  write_tables(out, results);

  if (o.stop_on_sigint) std::signal(SIGINT, on_sigint);
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
      t.device = o.device;
      t.resume = fs::exists(run / "checkpoints" / "last.pt");
      t.command = o.command + "   # variant " + v.name;
      t.progress = true;
      std::fprintf(stderr, "ablate: %s (%zu/%zu): %s %s\n", v.name.c_str(), i + 1, spec.variants.size(),
                   t.resume ? "resuming" : "training", exp.model.c_str());
      torch::set_num_threads(train_threads);
      if (train(exp, t, registry).interrupted) {
        write_tables(out, results);
        std::fprintf(stderr, "ablate: interrupted in %s; run the same command again to resume\n", v.name.c_str());
        outcome.interrupted = true;
        return outcome;
      }
      row = measure_variant(spec, v, exp, run, o.device, registry);
    } catch (const Error& e) {
      ++outcome.failed;
      row["status"] = "failed";
      row["error"] = e.what();
      std::fprintf(stderr, "ablate: %s failed: %s\n", v.name.c_str(), e.what());
    }
    write_tables(out, results);
  }
  return outcome;
}

}  // namespace kplab
