// The setup of a training run (train/training_run.h): the model (and its
// transfer-learning start), the run folder, the state --resume continues
// from, and the validation data.
#include <cstdio>
#include <cstdlib>

#include "core/atomic_file.h"
#include "core/error.h"
#include "train/distributed.h"
#include "train/loss_terms.h"
#include "train/training_run.h"

namespace kplab::training {

namespace {

torch::Device parse_device(const std::string& d) {
  if (d == "cpu") return torch::kCPU;
  if (d.rfind("cuda", 0) == 0) {
    KP_CHECK(torch::cuda::is_available(), "--device ", d, ": expected a CUDA device, found none on this machine");
    return torch::Device(d);
  }
  throw input_error("--device", "device", "cpu, cuda or cuda:N", "'" + d + "'");
}

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

// The metric the best checkpoint is chosen by: the configured decoder's PCK
// at the headline alpha (train/metrics_log.h).
std::string headline_key(const EvalConfig& eval) {
  return str(eval.decoder == "heatmap" ? "heatmap_pck@" : "pck@", headline_alpha(eval.alphas));
}

// The loss terms a new run's metrics.csv logs: every term logged always and
// every term a phase weights, in the table's order.
std::vector<std::string> logged_loss_terms(const Experiment& exp) {
  std::vector<std::string> out;
  for (const LossTerm& t : loss_terms()) {
    bool weighted = false;
    for (const PhaseConfig& p : exp.phases) weighted = weighted || p.loss.weight(t.name) > 0;
    if (t.always_logged || weighted) out.push_back(t.name);
  }
  return out;
}

// The loss terms of a log's columns (loss_NAME), in its order: a resumed run keeps them.
std::vector<std::string> loss_terms_of(const std::string& metrics_csv) {
  std::vector<std::string> out;
  for (const auto& c : parse_metrics_log(metrics_csv.substr(0, metrics_csv.find('\n') + 1), "metrics.csv").columns)
    if (c.rfind("loss_", 0) == 0) out.push_back(c.substr(5));
  return out;
}

// --resume continues the phase last.pt stopped in (raising its epochs trains
// the new ones), but never reopens a finished phase: its optimizer state is
// gone and the next phase began from its end, so more epochs there would
// silently train nothing. Refused, pointing at init: (a new run from this one).
void refuse_reopening_finished_phases(const Experiment& exp, const Checkpoint& saved, const std::string& last_path) {
  const int64_t saved_phase = saved.progress.phase;
  const YAML::Node before = YAML::Load(saved.config)["phases"];
  if (!before || !before.IsSequence()) return;
  for (int64_t q = 0; q < saved_phase && q < static_cast<int64_t>(exp.phases.size()) &&
                      q < static_cast<int64_t>(before.size()); ++q) {
    const YAML::Node epochs = before[q]["epochs"];
    if (!epochs || !epochs.IsScalar()) continue;
    const int64_t was = epochs.as<int64_t>();
    if (exp.phases[q].epochs > was)
      throw input_error(exp.path, str("phases[", q, "].epochs"),
                        str("at most ", was, ": phase '", exp.phases[q].name, "' finished with ", was, " epochs in ", last_path),
                        str(exp.phases[q].epochs, "; a finished phase is not reopened by --resume: start a new run with ",
                            "init: {from: ", fs::path(last_path).parent_path().parent_path().string(), "} to train on"));
  }
}

}  // namespace

void write_text(const std::string& path, const std::string& text) { AtomicFile(path, true).commit_bytes(text); }

TrainingRun::TrainingRun(const Experiment& exp, const TrainOptions& options, const ModelRegistry& registry)
    : exp_(exp),
      options_(options),
      dist_(options.distributed.get()),
      rank_(dist_ ? dist_->rank() : 0),
      world_(dist_ ? dist_->world_size() : 1),
      main_rank_(rank_ == 0),
      device_(parse_device(options.device)),
      precision_(parse_precision(options.precision, device_)),
      memory_format_(parse_memory_format(options.memory_format, device_)),
      schema_(load_schema(exp.data.schema)),
      scaler_(precision_ == Precision::fp16) {
  KP_CHECK(schema_.pck_torso[0] >= 0, exp.data.schema, ": pck.torso: expected two joints for validation PCK, found none");
  cache_ = std::make_shared<const CacheData>(read_cache(exp.data.cache));
  build_model(registry);
  open_run_folder();
  restore_progress();
  if (dist_) {
    // Every rank starts from rank 0's weights (the same seed gives the same
    // ones, but nothing else would keep that true across builds and devices).
    std::vector<torch::Tensor> tensors = model_->parameters();
    for (const auto& b : model_->buffers()) tensors.push_back(b);
    dist_->broadcast(tensors, 0);
  }
  flip_perm_ = torch::tensor(schema_.flip_permutation(), torch::kInt64);
  codec_ = HeatmapCodec{model_->input_size(), model_->heatmap_size(), static_cast<float>(exp.data.sigma)};
  make_validation_loader();
  headline_ = headline_key(exp.eval);
  if (options.resume && scaler_.enabled() && state_.progress.loss_scale > 1)
    scaler_.set_scale(state_.progress.loss_scale);
}

void TrainingRun::build_model(const ModelRegistry& registry) {
  torch::manual_seed(exp_.seed);
  model_ = registry.get(exp_.model)(exp_.model_options);
  description_ = yaml_text(model_->describe());
  if (cache_->num_joints != model_->num_keypoints() || cache_->joint_names != schema_.joints)
    throw input_error(exp_.data.cache, "joint_names",
                      str(schema_.num_joints(), " joints of schema ", schema_.name, " and a model with K = ",
                          model_->num_keypoints()),
                      str(cache_->num_joints, " joints of schema ", cache_->schema));
  if (cache_->image_size != model_->input_size())
    throw input_error(exp_.data.cache, "image_size", str(model_->input_size(), " (the model's input_size)"),
                      str(cache_->image_size, "; prepare the cache with --size ", model_->input_size()));
  // Transfer learning (init:): a new run starts from another model's weights.
  if (!options_.resume && !exp_.init.from.empty()) {
    transfer_ = std::make_unique<TransferReport>(transfer_weights(exp_.init, *model_, schema_.joints, registry));
    if (main_rank_) std::fprintf(stderr, "%s", transfer_->text().c_str());
  }
  model_->to(device_);
  model_->train();
}

void TrainingRun::open_run_folder() {
  run_ = options_.run_dir;
  last_path_ = (run_ / "checkpoints" / "last.pt").string();
  best_path_ = (run_ / "checkpoints" / "best.pt").string();
  // Rank 0 holds the folder (and its lock) for the whole run; the checks below come after the lock.
  if (main_rank_) folder_ = std::make_unique<RunFolder>(options_.run_dir);
  if (!options_.resume && fs::exists(last_path_))
    throw input_error(options_.run_dir, "checkpoints/last.pt", "a new run folder (or --resume)", "an existing run");
  if (!main_rank_) return;
  tensorboard_ = std::make_unique<TensorBoardLog>(options_.run_dir);  // `tensorboard --logdir runs`
  write_text((run_ / "config.yaml").string(), experiment_yaml(exp_, options_.run_dir));
  if (!options_.resume && !options_.command.empty())
    write_text((run_ / "command.txt").string(), options_.command + "\n");
  if (transfer_) write_text((run_ / "init.json").string(), transfer_->json().dump(2) + "\n");
}

void TrainingRun::restore_progress() {
  state_.config = experiment_yaml(exp_, options_.run_dir);  // as config.yaml says it: paths relative to the run
  state_.model = description_;
  state_.joint_names = schema_.joints;
  state_.schema_yaml = schema_.text;
  if (options_.resume) {
    const Checkpoint saved = load_checkpoint(last_path_, model_.get(), description_, nullptr);
    refuse_reopening_finished_phases(exp_, saved, last_path_);
    state_.progress = saved.progress;
    // Each rank continues its own augmentation stream when the world size is the one saved.
    const torch::Tensor& ranks = saved.progress.augment_rng_ranks;
    const int64_t saved_world = ranks.defined() ? ranks.size(0) : 1;
    state_.progress.augment_rng_ranks = torch::Tensor();
    if (saved_world == world_ && world_ > 1) state_.progress.augment_rng = ranks[rank_].clone();
    if (saved_world != world_ && main_rank_)
      std::fprintf(stderr,
                   "note: %s was saved by %lld rank(s), this run has %d: every rank continues from rank 0's "
                   "augmentation state, and the rest of an unfinished epoch is sharded differently\n",
                   last_path_.c_str(), static_cast<long long>(saved_world), world_);
    if (saved.config != state_.config && main_rank_)
      std::fprintf(stderr, "note: the experiment differs from the one %s was saved with; continuing with the new one\n",
                   last_path_.c_str());
  }
  // After loading: a checkpoint restores the layout it was saved with.
  model_->set_memory_format(memory_format_);
  if (state_.progress.metrics_csv.empty())
    state_.progress.metrics_csv = metrics_header(logged_loss_terms(exp_), exp_.eval.alphas);
  loss_columns_ = loss_terms_of(state_.progress.metrics_csv);
}

void TrainingRun::make_validation_loader() {
  if (!main_rank_) return;  // validation runs on rank 0 only, over the whole split
  LoaderOptions vo;
  vo.batch_size = 32;
  vo.splits = exp_.data.val_splits;
  vo.shuffle = false;
  vo.drop_last = false;
  vo.workers = exp_.data.workers;
  val_loader_ = std::make_unique<Loader>(cache_, vo);
  // Without validation people there is no best epoch, only a PCK of -100%.
  KP_CHECK(val_loader_->num_samples() > 0, exp_.data.cache, ": validation split(s): expected at least one person, ",
           "found none (prepare the cache with a validation share in --split, or set data.val_splits)");
}

}  // namespace kplab::training
