// kplab train: run an experiment's phases (src/train/trainer.h).
#include <csignal>
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "models/registry.h"
#include "train/experiment.h"
#include "train/trainer.h"
#include "json_output.h"
#include "verbs.h"

namespace kplab::cli {

namespace {
void on_sigint(int) { request_training_stop(); }
}  // namespace

int train(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "Run an experiment's training phases. Each phase trains only its parameter groups (the rest\n"
                        "frozen) with its own losses, optimizer and schedule; validation PCK every epoch; metrics.csv,\n"
                        "config.yaml and checkpoints/{last,best}.pt in the run folder. Ctrl-C saves last.pt first;\n"
                        "--resume continues exactly where it stopped.\n");
  opts.add_options()
      ("experiment", "experiment file (experiments/*.yaml)", cxxopts::value<std::string>())
      ("out", "run folder (default runs/EXPERIMENT_NAME)", cxxopts::value<std::string>()->default_value(""))
      ("device", "cpu, cuda or cuda:N", cxxopts::value<std::string>()->default_value("cpu"))
      ("precision", "fp32, bf16 (autocast, CPU or CUDA) or fp16 (autocast with loss scaling, CUDA)",
       cxxopts::value<std::string>()->default_value("fp32"))
      ("resume", "continue from OUT/checkpoints/last.pt", cxxopts::value<bool>()->default_value("false"))
      ("set", "override a config key, e.g. --set phases.0.epochs=3 (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("threads", "CPU threads (0 = all cores)", cxxopts::value<int>()->default_value("0"))
      ("json", "write a summary (throughput, best and last validation PCK) as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"experiment"});
  opts.positional_help("EXPERIMENT.yaml");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexample:\n  kplab train experiments/quick_synthetic.yaml --out runs/quick\n", opts.help().c_str());
    return 0;
  }
  if (!r.count("experiment")) throw Error(str("missing EXPERIMENT.yaml (see ", argv[0], " --help)"));
  if (r["threads"].as<int>() > 0) torch::set_num_threads(r["threads"].as<int>());
  const std::string path = r["experiment"].as<std::string>();
  std::vector<std::string> sets;
  if (r.count("set")) sets = r["set"].as<std::vector<std::string>>();
  Experiment exp = load_experiment(path, sets);

  TrainOptions o;
  o.run_dir = r["out"].as<std::string>();
  if (o.run_dir.empty()) o.run_dir = "runs/" + std::filesystem::path(path).stem().string();
  o.device = r["device"].as<std::string>();
  o.precision = r["precision"].as<std::string>();
  o.resume = r["resume"].as<bool>();
  JsonOutput json_out(r["json"].as<std::string>());
  std::signal(SIGINT, on_sigint);
  TrainResult res = train(exp, o, model_registry());
  if (json_out.enabled()) {
    nlohmann::json j = {{"experiment", path},       {"run", o.run_dir},
                        {"device", o.device}, {"precision", o.precision},       {"threads", torch::get_num_threads()},
                        {"interrupted", res.interrupted}, {"steps", res.steps},
                        {"seconds", res.seconds},   {"images_per_s", res.images_per_s},
                        {"best_metric", res.best_metric}, {"last_validation", res.last_validation}};
    json_out.write(j);
  }
  if (res.interrupted) return 130;
  std::printf("trained %s in %.1f s (%lld steps, %.0f images/s); best validation PCK %.1f%%; run folder %s\n",
              path.c_str(), res.seconds, static_cast<long long>(res.steps), res.images_per_s, 100 * res.best_metric,
              o.run_dir.c_str());
  return 0;
}

}  // namespace kplab::cli
