#include "train/train_job.h"

#include <torch/torch.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "core/error.h"
#include "core/json_output.h"
#include "core/printf_string.h"
#include "train/distributed.h"
#include "train/experiment.h"

namespace kplab {

namespace {

void on_sigint(int) { request_training_stop(); }

// This binary, to start the ranks of --nproc with.
std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  KP_CHECK(!ec, "--nproc: cannot find this program's path (/proc/self/exe): ", ec.message());
  return p.string();
}

TrainOptions train_options(const TrainJobOptions& o) {
  TrainOptions t;
  t.run_dir = o.out;
  if (t.run_dir.empty()) t.run_dir = "runs/" + std::filesystem::path(o.experiment).stem().string();
  t.device = o.device;
  t.precision = o.precision;
  t.memory_format = o.memory_format;
  t.resume = o.resume;
  t.max_nonfinite_steps = o.skip_nonfinite;
  KP_CHECK(t.max_nonfinite_steps >= 0, "--skip-nonfinite: expected a count >= 0, found ", t.max_nonfinite_steps);
  t.command = o.command;
  t.stop_after_steps = o.stop_after_steps;
  KP_CHECK(t.stop_after_steps == -1 || t.stop_after_steps >= 1,
           "--stop-after-steps: expected a step count >= 1, found ", t.stop_after_steps);
  return t;
}

// train(), with a rank's errors naming it: with several ranks writing to one
// terminal, it is the first question.
TrainResult train_naming_rank(const Experiment& exp, TrainOptions t, const std::optional<DistributedOptions>& dist,
                              const ModelRegistry& registry) {
  try {
    if (dist) t.distributed = std::make_shared<Distributed>(*dist);
    return train(exp, t, registry);
  } catch (const Error& e) {
    if (dist && std::string(e.what()).rfind("distributed:", 0) != 0) throw Error(str("rank ", dist->rank, ": ", e.what()));
    throw;
  } catch (const c10::Error& e) {
    if (dist) throw Error(str("rank ", dist->rank, ": ", e.what_without_backtrace()));
    throw;
  }
}

nlohmann::json summary_json(const TrainJobOptions& o, const TrainOptions& t, const Experiment& exp, int world_size,
                            const TrainResult& res) {
  return {{"experiment", o.experiment},       {"run", t.run_dir},
          {"device", t.device},               {"precision", t.precision},
          {"memory_format", t.memory_format}, {"threads", torch::get_num_threads()},
          {"world_size", world_size},
          {"batch_size_per_rank", exp.phases.empty() ? 0 : exp.phases.back().batch_size},
          {"interrupted", res.interrupted},   {"steps", res.steps},
          {"seconds", res.seconds},           {"images_per_s", res.images_per_s},
          {"step_images_per_s", res.step_images_per_s},
          {"best_metric", res.best_metric},   {"last_validation", res.last_validation}};
}

}  // namespace

TrainJobOutcome run_train_job(const TrainJobOptions& o, const ModelRegistry& registry) {
  const Experiment exp = load_experiment(o.experiment, o.sets);
  KP_CHECK(o.nproc >= 1, "--nproc: expected at least 1, found ", o.nproc);
  KP_CHECK(o.dist_timeout > 0, "--dist-timeout: expected seconds > 0, found ", o.dist_timeout);
  TrainJobOutcome outcome;
  std::optional<DistributedOptions> dist = distributed_options_from_env();
  if (!dist && o.nproc > 1) {
    // The launcher: the ranks run this same command with RANK etc. set.
    std::vector<std::string> command = {self_exe(), "train"};
    command.insert(command.end(), o.args.begin(), o.args.end());
    outcome.launched = true;
    outcome.ranks_exit = run_local_workers(command, o.nproc);
    return outcome;
  }
  if (dist && o.nproc > 1 && o.nproc != dist->world_size)
    std::fprintf(stderr, "note: --nproc %d ignored: this process is rank %d of WORLD_SIZE=%d set by a launcher\n",
                 o.nproc, dist->rank, dist->world_size);
  if (dist && dist->world_size == 1) dist.reset();  // one process: nothing to synchronise

  TrainOptions t = train_options(o);
  outcome.main_rank = !dist || dist->rank == 0;
  if (dist) {
    dist->timeout = std::chrono::seconds(o.dist_timeout);
    const bool cuda = t.device.rfind("cuda", 0) == 0;
    dist->backend = cuda ? "nccl" : "gloo";
    if (t.device == "cuda") t.device = str("cuda:", dist->local_rank);
  }
  JsonOutput json_out(outcome.main_rank ? o.json : std::string());
  if (o.stop_on_sigint) std::signal(SIGINT, on_sigint);
  outcome.result = train_naming_rank(exp, t, dist, registry);
  outcome.run_dir = t.run_dir;
  if (json_out.enabled()) json_out.write(summary_json(o, t, exp, dist ? dist->world_size : 1, outcome.result));
  return outcome;
}

std::string TrainJobOutcome::to_text(const std::string& experiment) const {
  return printf_string("trained %s in %.1f s (%lld steps, %.0f images/s); best validation PCK %.1f%%; run folder %s\n",
                       experiment.c_str(), result.seconds, static_cast<long long>(result.steps), result.images_per_s,
                       100 * result.best_metric, run_dir.c_str());
}

}  // namespace kplab
