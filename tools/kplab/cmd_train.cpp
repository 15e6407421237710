// kplab train: run an experiment's phases (src/train/trainer.h).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cxxopts.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "models/registry.h"
#include "train/distributed.h"
#include "train/experiment.h"
#include "train/trainer.h"
#include "command_line.h"
#include "json_output.h"
#include "verbs.h"

namespace kplab::cli {

namespace {
void on_sigint(int) { request_training_stop(); }

// This binary, to start the ranks of --nproc with.
std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  KP_CHECK(!ec, "--nproc: cannot find this program's path (/proc/self/exe): ", ec.message());
  return p.string();
}
}  // namespace

int train(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);  // what every rank of --nproc runs again
  const std::string command = command_line("train", argc, argv);  // before parsing, as given
  cxxopts::Options opts(argv[0],
                        "Run an experiment's training phases. Each phase trains only its parameter groups (the rest\n"
                        "frozen) with its own losses, optimizer and schedule; validation PCK every epoch; metrics.csv,\n"
                        "config.yaml and checkpoints/{last,best}.pt in the run folder. Ctrl-C saves last.pt first;\n"
                        "--resume continues exactly where it stopped.\n\n"
                        "Data-parallel training: --nproc N starts N processes (ranks) on this machine; under an outside\n"
                        "launcher (torchrun, Slurm) each process joins through RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR\n"
                        "and MASTER_PORT instead. Each rank trains on its own shard of every epoch with the phase's\n"
                        "batch_size: the global batch is N x batch_size. Gloo on the CPU, NCCL with --device cuda\n"
                        "(rank r uses cuda:LOCAL_RANK; only in builds configured with -DKPLAB_NCCL=ON). Rank 0\n"
                        "validates and writes the run folder.\n");
  opts.add_options()
      ("experiment", "experiment file (experiments/*.yaml)", cxxopts::value<std::string>())
      ("out", "run folder (default runs/EXPERIMENT_NAME)", cxxopts::value<std::string>()->default_value(""))
      ("device", "cpu, cuda or cuda:N", cxxopts::value<std::string>()->default_value("cpu"))
      ("precision", "fp32, bf16 (autocast, CPU or CUDA) or fp16 (autocast with loss scaling, CUDA)",
       cxxopts::value<std::string>()->default_value("fp32"))
      ("memory-format", "auto (channels_last on the CPU, contiguous on CUDA), channels_last or contiguous",
       cxxopts::value<std::string>()->default_value("auto"))
      ("resume", "continue from OUT/checkpoints/last.pt", cxxopts::value<bool>()->default_value("false"))
      ("set", "override a config key, e.g. --set phases.0.epochs=3 (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("threads", "CPU threads per process (0 = all cores, or OMP_NUM_THREADS; --nproc sets that to cores / N)",
       cxxopts::value<int>()->default_value("0"))
      ("nproc", "data-parallel processes on this machine (batch_size is per process)",
       cxxopts::value<int>()->default_value("1"))
      ("dist-timeout", "seconds a rank waits in a collective before failing (multi-process runs)",
       cxxopts::value<int>()->default_value("60"))
      ("skip-nonfinite", "steps with a NaN or infinite loss to skip before the run stops (0: stop at the first)",
       cxxopts::value<int64_t>()->default_value("0"))
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

  const int nproc = r["nproc"].as<int>();
  KP_CHECK(nproc >= 1, "--nproc: expected at least 1, found ", nproc);
  KP_CHECK(r["dist-timeout"].as<int>() > 0, "--dist-timeout: expected seconds > 0, found ", r["dist-timeout"].as<int>());
  std::optional<DistributedOptions> dist = distributed_options_from_env();
  if (!dist && nproc > 1) {
    // The launcher: the ranks run this same command with RANK etc. set.
    std::vector<std::string> command = {self_exe(), "train"};
    command.insert(command.end(), args.begin(), args.end());
    return run_local_workers(command, nproc);
  }
  if (dist && nproc > 1 && nproc != dist->world_size)
    std::fprintf(stderr, "note: --nproc %d ignored: this process is rank %d of WORLD_SIZE=%d set by a launcher\n", nproc,
                 dist->rank, dist->world_size);
  if (dist && dist->world_size == 1) dist.reset();  // one process: nothing to synchronise

  TrainOptions o;
  o.run_dir = r["out"].as<std::string>();
  if (o.run_dir.empty()) o.run_dir = "runs/" + std::filesystem::path(path).stem().string();
  o.device = r["device"].as<std::string>();
  o.precision = r["precision"].as<std::string>();
  o.memory_format = r["memory-format"].as<std::string>();
  o.resume = r["resume"].as<bool>();
  o.max_nonfinite_steps = r["skip-nonfinite"].as<int64_t>();
  KP_CHECK(o.max_nonfinite_steps >= 0, "--skip-nonfinite: expected a count >= 0, found ", o.max_nonfinite_steps);
  o.command = command;
  // Test hook (tests/train/test_distributed.cpp): stop as on Ctrl-C after this many steps.
  if (const char* stop = std::getenv("KPLAB_TEST_STOP_AFTER")) o.stop_after_steps = std::atoll(stop);
  const bool main_rank = !dist || dist->rank == 0;
  if (dist) {
    dist->timeout = std::chrono::seconds(r["dist-timeout"].as<int>());
    const bool cuda = o.device.rfind("cuda", 0) == 0;
    dist->backend = cuda ? "nccl" : "gloo";
    if (o.device == "cuda") o.device = str("cuda:", dist->local_rank);
  }
  JsonOutput json_out(main_rank ? r["json"].as<std::string>() : std::string());
  std::signal(SIGINT, on_sigint);
  TrainResult res;
  try {
    if (dist) o.distributed = std::make_shared<Distributed>(*dist);
    res = train(exp, o, model_registry());
  } catch (const Error& e) {
    // Name the rank: with several ranks writing to one terminal, it is the first question.
    if (dist && std::string(e.what()).rfind("distributed:", 0) != 0) throw Error(str("rank ", dist->rank, ": ", e.what()));
    throw;
  } catch (const c10::Error& e) {
    if (dist) throw Error(str("rank ", dist->rank, ": ", e.what_without_backtrace()));
    throw;
  }
  if (json_out.enabled()) {
    nlohmann::json j = {{"experiment", path},       {"run", o.run_dir},
                        {"device", o.device}, {"precision", o.precision},
                        {"memory_format", o.memory_format}, {"threads", torch::get_num_threads()},
                        {"world_size", dist ? dist->world_size : 1},
                        {"batch_size_per_rank", exp.phases.empty() ? 0 : exp.phases.back().batch_size},
                        {"interrupted", res.interrupted}, {"steps", res.steps},
                        {"seconds", res.seconds},   {"images_per_s", res.images_per_s},
                        {"step_images_per_s", res.step_images_per_s},
                        {"best_metric", res.best_metric}, {"last_validation", res.last_validation}};
    json_out.write(j);
  }
  if (res.interrupted) return 130;
  if (!main_rank) return 0;
  std::printf("trained %s in %.1f s (%lld steps, %.0f images/s); best validation PCK %.1f%%; run folder %s\n",
              path.c_str(), res.seconds, static_cast<long long>(res.steps), res.images_per_s, 100 * res.best_metric,
              o.run_dir.c_str());
  return 0;
}

}  // namespace kplab::cli
