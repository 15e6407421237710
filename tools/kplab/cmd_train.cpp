// kplab train: run an experiment's phases (src/train/train_job.h).
#include <cstdio>
#include <cxxopts.hpp>

#include "models/registry.h"
#include "train/train_job.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int train(int argc, char** argv) {
  TrainJobOptions o;
  o.args.assign(argv + 1, argv + argc);  // what every rank of --nproc runs again
  o.command = command_line("train", argc, argv);  // before parsing, as given
  cxxopts::Options opts(argv[0],
                        "Run an experiment's training phases. Each phase trains only its parameter groups (the rest\n"
                        "frozen) with its own losses, optimizer and schedule; validation PCK every epoch; metrics.csv,\n"
                        "config.yaml and checkpoints/{last,best}.pt in the run folder. Ctrl-C saves last.pt first;\n"
                        "--resume continues exactly where it stopped.\n"
                        "Paths in the experiment file (data.cache, data.schema, init.from, base) are relative to that\n"
                        "file; paths in --set values are relative to the working directory.\n\n"
                        "Data-parallel training: --nproc N starts N processes (ranks) on this machine; under an outside\n"
                        "launcher (torchrun, Slurm) each process joins through RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR\n"
                        "and MASTER_PORT instead. Each rank trains on its own shard of every epoch with the phase's\n"
                        "batch_size: the global batch is N x batch_size. Gloo on the CPU, NCCL with --device cuda\n"
                        "(rank r uses cuda:LOCAL_RANK; only in builds configured with -DKPLAB_NCCL=ON). Rank 0\n"
                        "validates and writes the run folder.\n");
  opts.add_options()
      ("experiment", "experiment file (experiments/*.yaml)", cxxopts::value<std::string>(o.experiment))
      ("out", "run folder (default runs/EXPERIMENT_NAME)", cxxopts::value<std::string>(o.out)->default_value(""))
      ("device", "cpu, cuda or cuda:N", cxxopts::value<std::string>(o.device)->default_value("cpu"))
      ("precision", "fp32, bf16 (autocast, CPU or CUDA) or fp16 (autocast with loss scaling, CUDA)",
       cxxopts::value<std::string>(o.precision)->default_value("fp32"))
      ("memory-format", "auto (channels_last on the CPU, contiguous on CUDA), channels_last or contiguous",
       cxxopts::value<std::string>(o.memory_format)->default_value("auto"))
      ("resume", "continue from OUT/checkpoints/last.pt", cxxopts::value<bool>(o.resume)->default_value("false"))
      ("set", "override a config key, e.g. --set phases.0.epochs=3 (repeatable)", cxxopts::value<std::vector<std::string>>(o.sets))
      ("threads", "CPU threads per process (0 = all cores, or OMP_NUM_THREADS; --nproc sets that to cores / N)",
       cxxopts::value<int>()->default_value("0"))
      ("nproc", "data-parallel processes on this machine (batch_size is per process)",
       cxxopts::value<int>(o.nproc)->default_value("1"))
      ("dist-timeout", "seconds a rank waits in a collective before failing (multi-process runs)",
       cxxopts::value<int>(o.dist_timeout)->default_value("60"))
      ("skip-nonfinite", "steps with a NaN or infinite loss to skip before the run stops (0: stop at the first)",
       cxxopts::value<int64_t>(o.skip_nonfinite)->default_value("0"))
      ("stop-after-steps", "stop as on Ctrl-C after this many steps of this invocation, saving last.pt (a fixed\n"
       "time slot; continue with --resume); -1: never", cxxopts::value<int64_t>(o.stop_after_steps)->default_value("-1"))
      ("json", "write a summary (throughput, best and last validation PCK) as JSON here", cxxopts::value<std::string>(o.json)->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"experiment"});
  opts.positional_help("EXPERIMENT.yaml");
  const auto parsed = parse_args(opts, argc, argv, {"kplab train experiments/quick_synthetic.yaml --out runs/quick"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  require(r, "experiment", argv[0], "EXPERIMENT.yaml");
  if (r["threads"].as<int>() > 0) torch::set_num_threads(r["threads"].as<int>());
  o.stop_on_sigint = true;
  const TrainJobOutcome t = run_train_job(o, model_registry());
  if (t.launched) return t.ranks_exit;
  if (t.result.interrupted) return 130;
  if (!t.main_rank) return 0;
  std::printf("%s", t.to_text(o.experiment).c_str());
  return 0;
}

}  // namespace kplab::cli
