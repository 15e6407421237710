#include "train/trainer.h"
#include "train/training_run.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/progress.h"
#include "data/augment.h"
#include "data/cache.h"
#include "data/heatmap_codec.h"
#include "data/loader.h"
#include "data/schema.h"
#include "eval/evaluate.h"
#include "eval/pck.h"
#include "model/pose_model.h"
#include "model/weights_check.h"
#include "train/checkpoint.h"
#include "train/distributed.h"
#include "train/epoch_log.h"
#include "train/fused_adam.h"
#include "train/freeze.h"
#include "train/loss_terms.h"
#include "train/metrics_log.h"
#include "train/mixed_precision.h"
#include "train/run_folder.h"
#include "train/tensorboard_log.h"
#include "train/transfer.h"
#include "train/schedule.h"


namespace kplab {

namespace {

std::atomic<bool> g_stop{false};

}  // namespace

namespace training {

namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerConfig& c, std::vector<torch::Tensor> params) {
  if (c.type == "adam")
    return std::make_unique<FusedAdam>(params, torch::optim::AdamOptions(c.lr).weight_decay(c.weight_decay));
  if (c.type == "adamw")
    return std::make_unique<FusedAdamW>(params, torch::optim::AdamWOptions(c.lr).weight_decay(c.weight_decay));
  if (c.type == "sgd")
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weight_decay));
  throw Error("optimizer.type: expected adam, adamw or sgd, found '" + c.type + "'");
}

void set_lr(torch::optim::Optimizer& opt, double lr) {
  for (auto& group : opt.param_groups()) group.options().set_lr(lr);
}

double value(const torch::Tensor& t) { return t.defined() ? t.item<double>() : 0.0; }

// The epoch's loss sums averaged over the ranks (each rank's sums are of its
// own batches; all ranks take the same number of steps).
std::vector<double> mean_over_ranks(const std::vector<double>& sums, Distributed* dist) {
  std::vector<double> out = sums;
  if (!dist) return out;
  torch::Tensor t = torch::tensor(out, torch::kFloat64);
  dist->all_reduce_mean({t});
  for (size_t i = 0; i < out.size(); ++i) out[i] = t[static_cast<int64_t>(i)].item<double>();
  return out;
}

// Validation PCK at every alpha in crop pixels, for both decoders:
// "pck@A" from the regression coordinates, "heatmap_pck@A" from the heatmap
// argmax with sub-pixel refinement (the one that tells how phase 1 goes).
std::map<std::string, double> validate(PoseModelImpl& model, Loader& loader, const HeatmapCodec& codec,
                                       const EvalConfig& eval, const Schema& schema, const torch::Device& device) {
  SplitPredictions p = predict_split(model, loader, codec, device);
  std::map<std::string, double> result;
  if (!p.regression.defined()) return result;
  for (double a : eval.alphas) {
    result[str("pck@", a)] = pck(p.regression, p.truth, p.visible, schema.pck_torso, a).mean;
    result[str("heatmap_pck@", a)] = pck(p.heatmap, p.truth, p.visible, schema.pck_torso, a).mean;
  }
  return result;
}

std::string where_now(const PhaseConfig& phase, int64_t epoch, int64_t step) {
  return str("phase '", phase.name, "' epoch ", epoch + 1, " after step ", step);
}

// Epochs of the phases before `phase`: TensorBoard's x axis runs on over the phases.
int64_t epochs_before(const Experiment& exp, int64_t phase) {
  int64_t n = 0;
  for (int64_t q = 0; q < phase; ++q) n += exp.phases[q].epochs;
  return n;
}

// Where the last finite state is, for the message that stops a run.
std::string last_finite_state(const std::string& last_path) {
  return fs::exists(last_path) ? last_path + " keeps the last finite state"
                               : std::string("no checkpoint was saved yet (a new run's folder is removed)");
}

// Weights that went non-finite (a step on a huge but finite loss) are never
// validated or saved: the previous checkpoint stays the last finite state.
void require_finite_weights(const torch::nn::Module& model, const std::string& where, const std::string& last_path) {
  const std::string bad = first_nonfinite_parameter(model);
  if (!bad.empty())
    throw Error(str(where, ": model tensor '", bad, "' is not finite; training stopped, nothing saved; ",
                    last_finite_state(last_path), " (lower the learning rate or check the data)"));
}


}  // namespace

TrainResult TrainingRun::run() {
  TrainProgress& s = state_.progress;
  for (int64_t p = s.phase; p < static_cast<int64_t>(exp_.phases.size()); ++p) {
    PhaseRun ph = start_phase(p);
    for (int64_t e = s.epoch; e < ph.config->epochs; ++e)
      if (!train_epoch(ph, e)) return result_;
    // The next phase starts fresh: record that in last.pt so a resume lands there.
    s.phase = p + 1;
    s.epoch = s.batch = s.step = 0;
    if (main_rank_) save_checkpoint(last_path_, state_, *model_, nullptr);
    if (dist_) dist_->wait_for_main("saving last.pt");
  }
  return finish_result();
}

PhaseRun TrainingRun::start_phase(int64_t p) {
  TrainProgress& s = state_.progress;
  PhaseRun ph;
  ph.index = p;
  ph.config = &exp_.phases[p];
  const PhaseConfig& phase = *ph.config;
  const bool resuming_here = options_.resume && p == s.phase && (s.epoch > 0 || s.batch > 0);
  ph.params = set_trainable(*model_, phase.trainable, str(exp_.path, ": phases[", p, "].trainable"));
  ph.optimizer = make_optimizer(phase.optimizer, ph.params);
  LoaderOptions lo;
  lo.batch_size = static_cast<int>(phase.batch_size);
  lo.splits = exp_.data.train_splits;
  lo.max_samples = exp_.data.train_limit;
  lo.seed = exp_.seed + 1000003ULL * static_cast<uint64_t>(p);
  lo.workers = exp_.data.workers;
  lo.rank = rank_;
  lo.world_size = world_;
  ph.loader = std::make_unique<Loader>(cache_, lo);
  KP_CHECK(ph.loader->batches_per_epoch() > 0, exp_.data.cache, ": train splits: expected at least one batch of ",
           phase.batch_size, " people", world_ > 1 ? str(" on each of ", world_, " ranks") : std::string(),
           ", found ", ph.loader->num_samples());
  // Each rank draws its own augmentations (rank 0's stream is the single-process one).
  ph.augmenter = std::make_unique<Augmenter>(
      exp_.data.augmentation, schema_.flip_permutation(),
      exp_.seed + 7919ULL * static_cast<uint64_t>(p) + 104729ULL * static_cast<uint64_t>(rank_));
  if (resuming_here) {
    // Optimizer state lives in last.pt only for the phase it was saved in.
    load_checkpoint(last_path_, nullptr, description_, ph.optimizer.get());
    if (s.augment_rng.defined()) ph.augmenter->generator().set_state(s.augment_rng);
  } else {
    s.best_metric = -1;  // best.pt: the best epoch of this phase (see finish_epoch)
    s.epoch = s.batch = s.step = 0;
  }
  s.phase = p;
  ph.per_epoch = ph.loader->batches_per_epoch();
  ph.total_steps = phase.epochs * ph.per_epoch;
  int64_t trainable = 0;
  for (const auto& t : ph.params) trainable += t.numel();
  if (main_rank_)
    std::fprintf(stderr, "phase %lld/%zu '%s': %lld epochs x %lld steps, %lld of %lld parameters trainable (%s, %s, %s%s)\n",
                 static_cast<long long>(p + 1), exp_.phases.size(), phase.name.c_str(),
                 static_cast<long long>(phase.epochs), static_cast<long long>(ph.per_epoch),
                 static_cast<long long>(trainable), static_cast<long long>(count_parameters(*model_)),
                 options_.device.c_str(), precision_name(precision_), memory_format_name(memory_format_).c_str(),
                 world_ > 1 ? str(", ", world_, " ranks x batch ", phase.batch_size, " = global batch ",
                                  world_ * phase.batch_size).c_str()
                            : "");
  return ph;
}

bool TrainingRun::train_epoch(PhaseRun& ph, int64_t e) {
  TrainProgress& s = state_.progress;
  const auto te = std::chrono::steady_clock::now();
  ph.loader->start_epoch(e, s.batch);
  // A live bar on a terminal; elsewhere (logs, CI) only the per-epoch line.
  Progress bar(str(ph.config->name, " ", e + 1, "/", ph.config->epochs), ph.per_epoch,
               options_.progress && main_rank_ && isatty(STDERR_FILENO));
  bar.step(s.batch);
  // Loss sums of the epoch; a resumed epoch continues those of its first part.
  EpochSums epoch;
  epoch.sums.assign(1 + loss_columns_.size(), 0.0);
  if (s.batch > 0 && s.epoch_sums.defined()) {
    const int64_t n = s.epoch_sums.size(0) - 1;  // the sums, then the batch count
    for (int64_t i = 0; i < n && i < static_cast<int64_t>(epoch.sums.size()); ++i)
      epoch.sums[i] = s.epoch_sums[i].item<double>();
    epoch.batches = s.epoch_sums[n].item<int64_t>();
  }
  double lr = 0;
  while (auto b = ph.loader->next()) {
    lr = learning_rate(ph.config->schedule, ph.config->optimizer.lr, s.step, ph.total_steps);
    set_lr(*ph.optimizer, lr);
    const bool stepped = train_step(ph, *b, e, epoch);
    ++s.step;
    ++s.batch;
    ++result_.steps;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count();
    if (!stepped) {
      bar.step(1);
      continue;
    }
    char extra[64];
    std::snprintf(extra, sizeof extra, "loss %.4f %.0f img/s", epoch.sums[0] / epoch.batches,
                  elapsed > 0 ? epoch.images / elapsed : 0.0);
    bar.step(1, extra);
    bool stop = g_stop || (options_.stop_after_steps >= 0 && result_.steps >= options_.stop_after_steps);
    if (dist_) stop = dist_->any(stop);  // all ranks stop after the same step
    if (stop) {
      stop_mid_epoch(ph, e, epoch, elapsed);
      return false;
    }
  }
  bar.finish();
  finish_epoch(ph, e, epoch, lr,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count());
  return true;
}

bool TrainingRun::train_step(PhaseRun& ph, const Batch& b, int64_t e, EpochSums& epoch) {
  Batch on_device = b.to(device_);
  AugmentedBatch in = exp_.data.augment ? (*ph.augmenter)(on_device) : to_model_input(on_device);
  PoseOutput out;
  {
    AutocastScope autocast(precision_, device_);
    out = model_->forward(in.images);
  }
  // Losses in float32 whatever the forward ran in.
  out = PoseOutput{out.heatmaps.to(torch::kFloat), out.coords.to(torch::kFloat), out.visibility.to(torch::kFloat)};
  const LossValues l = compute_loss(out, in, codec_, ph.config->loss, flip_perm_, model_->input_size());
  // A non-finite loss is never stepped on: it would turn every weight
  // into NaN, and every later checkpoint with it.
  std::string bad_term;  // the first non-finite term; "total" only when every part is finite
  double bad_value = 0;
  for (const LossTerm& t : loss_terms()) {
    auto it = l.parts.find(t.name);
    if (bad_term.empty() && it != l.parts.end() && !std::isfinite(value(it->second)))
      bad_term = t.name, bad_value = value(it->second);
  }
  if (bad_term.empty() && !std::isfinite(value(l.total))) bad_term = "total", bad_value = value(l.total);
  bool bad = !bad_term.empty();
  if (dist_) bad = dist_->any(bad);  // every rank skips (or stops at) the same step
  if (bad) {
    ++nonfinite_steps_;
    const std::string where = str("phase '", ph.config->name, "' epoch ", e + 1, " step ", state_.progress.step + 1,
                                  ": ", !bad_term.empty() ? str("loss term '", bad_term, "' is ", bad_value)
                                                          : str("a loss term on another rank is not finite"));
    if (nonfinite_steps_ > options_.max_nonfinite_steps)
      throw Error(str(where, "; training stopped (", nonfinite_steps_ - 1, " non-finite step(s) were allowed, see ",
                      "--skip-nonfinite); ", last_finite_state(last_path_),
                      " (lower the learning rate or check the data)"));
    if (main_rank_)
      std::fprintf(stderr, "\nwarning: %s; step skipped (%lld of %lld allowed)\n", where.c_str(),
                   static_cast<long long>(nonfinite_steps_), static_cast<long long>(options_.max_nonfinite_steps));
    return false;
  }
  ph.optimizer->zero_grad();
  scaler_.scale(l.total).backward();
  // Data parallelism: every rank steps with the mean of all ranks' gradients.
  if (dist_) dist_->all_reduce_mean_gradients(ph.params);
  const bool finite = scaler_.unscale(ph.params);
  if (finite) {
    if (ph.config->grad_clip > 0) torch::nn::utils::clip_grad_norm_(ph.params, ph.config->grad_clip);
    ph.optimizer->step();
  }
  scaler_.update(finite);
  state_.progress.loss_scale = scaler_.current_scale();
  ++epoch.batches;
  epoch.images += b.images.size(0) * world_;
  epoch.mirrored_persons += l.mirrored_persons;
  epoch.sums[0] += value(l.total);
  for (size_t i = 0; i < loss_columns_.size(); ++i) {
    auto it = l.parts.find(loss_columns_[i]);
    if (it != l.parts.end()) epoch.sums[i + 1] += value(it->second);
  }
  return true;
}

void TrainingRun::save_augmentation_state(PhaseRun& ph) {
  TrainProgress& s = state_.progress;
  s.augment_rng = ph.augmenter->generator().get_state();
  if (dist_) s.augment_rng_ranks = torch::stack(dist_->all_gather(s.augment_rng));
}

void TrainingRun::stop_mid_epoch(PhaseRun& ph, int64_t e, const EpochSums& epoch, double elapsed) {
  TrainProgress& s = state_.progress;
  s.epoch = e;
  save_augmentation_state(ph);
  std::vector<double> m = mean_over_ranks(epoch.sums, dist_);
  m.push_back(static_cast<double>(epoch.batches));
  s.epoch_sums = torch::tensor(m, torch::kFloat64);
  if (main_rank_) {
    require_finite_weights(*model_, where_now(*ph.config, e, s.step), last_path_);
    save_checkpoint(last_path_, state_, *model_, ph.optimizer.get());
  }
  if (dist_) dist_->wait_for_main("saving last.pt");
  result_.interrupted = true;
  images_ += epoch.images;
  step_seconds_ += elapsed;
  finish_result();
  if (main_rank_)
    std::fprintf(stderr, "\nstopped: %s saved (phase %lld, epoch %lld, batch %lld); continue with --resume\n",
                 last_path_.c_str(), static_cast<long long>(ph.index + 1), static_cast<long long>(e + 1),
                 static_cast<long long>(s.batch));
}

void TrainingRun::finish_epoch(PhaseRun& ph, int64_t e, const EpochSums& epoch, double lr, double secs) {
  TrainProgress& s = state_.progress;
  images_ += epoch.images;
  step_seconds_ += secs;
  const std::vector<double> m = mean_over_ranks(epoch.sums, dist_);
  s.epoch = e + 1;
  s.batch = 0;
  save_augmentation_state(ph);
  if (main_rank_) {
    require_finite_weights(*model_, where_now(*ph.config, e, s.step), last_path_);
    auto val = validate(*model_, *val_loader_, codec_, exp_.eval, schema_, device_);
    result_.last_validation = val;
    EpochMetrics em;
    em.phase = ph.config->name;
    em.epoch = e + 1;
    em.step = s.step;
    em.lr = lr;
    em.losses["total"] = epoch.batches ? m[0] / epoch.batches : 0.0;
    for (size_t i = 0; i < loss_columns_.size(); ++i)
      em.losses[loss_columns_[i]] = epoch.batches ? m[i + 1] / epoch.batches : 0.0;
    em.validation = val;
    em.images_per_s = secs > 0 ? epoch.images / secs : 0.0;
    em.seconds = secs;
    s.metrics_csv += metrics_row(s.metrics_csv, em);
    write_text((run_ / "metrics.csv").string(), s.metrics_csv);
    log_epoch_summary(ph, e, em);
    if (ph.config->loss.left_right == "swap_aware")
      std::fprintf(stderr, "  swap-aware: %lld of %lld persons (this rank) trained on their mirrored labels\n",
                   static_cast<long long>(epoch.mirrored_persons), static_cast<long long>(epoch.images / world_));
    // best.pt is the best epoch of the phase being trained, ties going to
    // the later epoch: a phase builds on the previous phase's last
    // weights, and a metric read from a branch the phase keeps frozen
    // (the heatmap decoder in the regression phase) does not move, so an
    // earlier phase's epoch would lack everything this phase trains.
    const double headline_value = val.count(headline_) ? val[headline_] : -1;
    if (headline_value >= s.best_metric) {
      s.best_metric = headline_value;
      save_checkpoint(best_path_, state_, *model_, nullptr);
    }
    save_checkpoint(last_path_, state_, *model_, ph.optimizer.get());
  }
  if (dist_) dist_->wait_for_main("validation and checkpoints");
}

// TensorBoard's record of the epoch and the one line on stderr.
void TrainingRun::log_epoch_summary(const PhaseRun& ph, int64_t e, const EpochMetrics& em) {
  auto get = [](const std::map<std::string, double>& from, const std::string& key) {
    auto it = from.find(key);
    return it == from.end() ? 0.0 : it->second;
  };
  EpochRecord record;
  record.step = epochs_before(exp_, ph.index) + e + 1;
  record.lr = em.lr;
  record.images_per_s = em.images_per_s;
  record.losses.emplace_back("total", get(em.losses, "total"));
  for (const auto& t : loss_columns_) record.losses.emplace_back(t, get(em.losses, t));
  record.validation = em.validation;
  log_epoch(*tensorboard_, record, validation_predictions(*model_, *val_loader_, schema_, device_));
  const std::string at = headline_.substr(headline_.find('@'));
  std::fprintf(stderr,
               "%s epoch %lld/%lld: loss %.4f (heatmap %.4f coords %.5f visibility %.4f) val PCK%s regression "
               "%.1f%% heatmap %.1f%% lr %.2e %.0f img/s %.1fs\n",
               ph.config->name.c_str(), static_cast<long long>(e + 1), static_cast<long long>(ph.config->epochs),
               get(em.losses, "total"), get(em.losses, "heatmap"), get(em.losses, "coords"),
               get(em.losses, "visibility"), at.c_str(), 100 * get(em.validation, "pck" + at),
               100 * get(em.validation, "heatmap_pck" + at), em.lr, em.images_per_s, em.seconds);
}

TrainResult& TrainingRun::finish_result() {
  result_.best_metric = state_.progress.best_metric;
  result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  result_.images_per_s = result_.seconds > 0 ? images_ / result_.seconds : 0;
  result_.step_images_per_s = step_seconds_ > 0 ? images_ / step_seconds_ : 0;
  return result_;
}


}  // namespace training

void request_training_stop() { g_stop = true; }

TrainResult train(const Experiment& exp, const TrainOptions& options, const ModelRegistry& registry) {
  g_stop = false;
  training::TrainingRun run(exp, options, registry);
  return run.run();
}

}  // namespace kplab
