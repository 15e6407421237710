#include "train/trainer.h"

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
#include "train/freeze.h"
#include "train/losses.h"
#include "train/mixed_precision.h"
#include "train/run_folder.h"
#include "train/tensorboard_log.h"
#include "train/transfer.h"
#include "train/schedule.h"

namespace kplab {

namespace {

std::atomic<bool> g_stop{false};

namespace fs = std::filesystem;

torch::Device parse_device(const std::string& d) {
  if (d == "cpu") return torch::kCPU;
  if (d.rfind("cuda", 0) == 0) {
    KP_CHECK(torch::cuda::is_available(), "--device ", d, ": expected a CUDA device, found none on this machine");
    return torch::Device(d);
  }
  throw input_error("--device", "device", "cpu, cuda or cuda:N", "'" + d + "'");
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerConfig& c, std::vector<torch::Tensor> params) {
  if (c.type == "adam")
    return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(c.lr).weight_decay(c.weight_decay));
  if (c.type == "adamw")
    return std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(c.lr).weight_decay(c.weight_decay));
  if (c.type == "sgd")
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weight_decay));
  throw Error("optimizer.type: expected adam, adamw or sgd, found '" + c.type + "'");
}

void set_lr(torch::optim::Optimizer& opt, double lr) {
  for (auto& group : opt.param_groups()) group.options().set_lr(lr);
}

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

void write_text(const std::string& path, const std::string& text) {
  AtomicFile(path, true).commit_bytes(text);
}

struct Losses {
  torch::Tensor total, heatmap, coords, visibility, mirrored;
};

Losses compute_losses(const PoseOutput& out, const AugmentedBatch& batch, const HeatmapCodec& codec,
                      const LossConfig& w, const torch::Tensor& flip_perm, double input_size) {
  Losses l;
  l.total = torch::zeros({}, out.coords.options());
  if (w.heatmap > 0 || w.mirrored > 0) {
    auto [targets, weights] = codec.encode(batch.keypoints, batch.visible);
    if (w.heatmap > 0) {
      l.heatmap = w.heatmap_kind == "mse" ? heatmap_mse(out.heatmaps, targets, weights)
                                          : heatmap_bce(out.heatmaps, targets, weights);
      l.total = l.total + w.heatmap * l.heatmap;
    }
    if (w.mirrored > 0) {
      l.mirrored = mirrored_joint_loss(out.heatmaps, targets, weights, flip_perm.to(out.heatmaps.device()));
      l.total = l.total + w.mirrored * l.mirrored;
    }
  }
  if (w.coords > 0) {
    l.coords = coord_loss(out.coords, batch.keypoints, batch.visible, input_size, w.coord_kind);
    l.total = l.total + w.coords * l.coords;
  }
  if (w.visibility > 0) {
    // Visible = labeled and not hidden (by the source's flag or an occlusion rectangle).
    l.visibility = visibility_bce(out.visibility, batch.visible * (1 - batch.occluded));
    l.total = l.total + w.visibility * l.visibility;
  }
  return l;
}

double value(const torch::Tensor& t) { return t.defined() ? t.item<double>() : 0.0; }

// The epoch's loss sums averaged over the ranks (each rank's sums are of its
// own batches; all ranks take the same number of steps).
std::vector<double> mean_over_ranks(const double (&sums)[5], Distributed* dist) {
  std::vector<double> out(sums, sums + 5);
  if (!dist) return out;
  torch::Tensor t = torch::tensor(out, torch::kFloat64);
  dist->all_reduce_mean({t});
  for (int i = 0; i < 5; ++i) out[i] = t[i].item<double>();
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

// The metric the best checkpoint is chosen by: the configured decoder's PCK
// at the alpha closest to 0.2 (LSP's PCK@0.2).
std::string headline_key(const EvalConfig& eval) {
  double best = eval.alphas.at(0);
  for (double a : eval.alphas)
    if (std::abs(a - 0.2) < std::abs(best - 0.2)) best = a;
  return str(eval.decoder == "heatmap" ? "heatmap_pck@" : "pck@", best);
}

const char* const kLossTerms[5] = {"total", "heatmap", "coords", "visibility", "mirrored"};

std::string where_now(const PhaseConfig& phase, int64_t epoch, int64_t step) {
  return str("phase '", phase.name, "' epoch ", epoch + 1, " after step ", step);
}

// --resume continues the phase last.pt stopped in (raising its epochs trains
// the new ones), but never reopens a finished phase: its optimizer state is
// gone and the next phase began from its end, so more epochs there would
// silently train nothing. Refused, pointing at init: (a new run from this one).
void refuse_reopening_finished_phases(const Experiment& exp, const Checkpoint& saved, const std::string& last_path) {
  const YAML::Node before = YAML::Load(saved.config)["phases"];
  if (!before || !before.IsSequence()) return;
  for (int64_t q = 0; q < saved.phase && q < static_cast<int64_t>(exp.phases.size()) &&
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

void request_training_stop() { g_stop = true; }

TrainResult train(const Experiment& exp, const TrainOptions& options, const ModelRegistry& registry) {
  const auto t0 = std::chrono::steady_clock::now();
  g_stop = false;
  Distributed* dist = options.distributed.get();
  const int rank = dist ? dist->rank() : 0, world = dist ? dist->world_size() : 1;
  const bool main_rank = rank == 0;
  // Test hook (tests/train/test_distributed.cpp): KPLAB_TEST_EXIT=RANK:STEPS makes
  // that rank exit with code 3 after that many steps, as a crashed rank would.
  int exit_rank = -1;
  long long exit_steps = -1;
  if (const char* hook = std::getenv("KPLAB_TEST_EXIT")) std::sscanf(hook, "%d:%lld", &exit_rank, &exit_steps);
  const torch::Device device = parse_device(options.device);
  const Precision precision = parse_precision(options.precision, device);
  const torch::MemoryFormat memory_format = parse_memory_format(options.memory_format, device);
  const Schema schema = load_schema(exp.data.schema);
  KP_CHECK(schema.pck_torso[0] >= 0, exp.data.schema, ": pck.torso: expected two joints for validation PCK, found none");
  auto cache = std::make_shared<const CacheData>(read_cache(exp.data.cache));

  torch::manual_seed(exp.seed);
  PoseModel model = registry.get(exp.model)(exp.model_options);
  const std::string description = yaml_text(model->describe());
  if (cache->num_joints != model->num_keypoints() || cache->joint_names != schema.joints)
    throw input_error(exp.data.cache, "joint_names",
                      str(schema.num_joints(), " joints of schema ", schema.name, " and a model with K = ", model->num_keypoints()),
                      str(cache->num_joints, " joints of schema ", cache->schema));
  if (cache->image_size != model->input_size())
    throw input_error(exp.data.cache, "image_size", str(model->input_size(), " (the model's input_size)"),
                      str(cache->image_size, "; prepare the cache with --size ", model->input_size()));
  // Transfer learning (init:): a new run starts from another model's weights.
  std::unique_ptr<TransferReport> transfer;
  if (!options.resume && !exp.init.from.empty()) {
    transfer = std::make_unique<TransferReport>(transfer_weights(exp.init, *model, schema.joints, registry));
    if (main_rank) std::fprintf(stderr, "%s", transfer->text().c_str());
  }
  model->to(device);
  model->train();

  const fs::path run(options.run_dir);
  const fs::path ckpt_dir = run / "checkpoints";
  const std::string last_path = (ckpt_dir / "last.pt").string(), best_path = (ckpt_dir / "best.pt").string();
  // Rank 0 holds the folder (and its lock) for the whole run; the checks below come after the lock.
  std::unique_ptr<RunFolder> folder;
  if (main_rank) folder = std::make_unique<RunFolder>(options.run_dir);
  if (!options.resume && fs::exists(last_path))
    throw input_error(options.run_dir, "checkpoints/last.pt", "a new run folder (or --resume)", "an existing run");
  std::unique_ptr<TensorBoardLog> tensorboard;  // `tensorboard --logdir runs` (rank 0)
  if (main_rank) {
    tensorboard = std::make_unique<TensorBoardLog>(options.run_dir);
    write_text((run / "config.yaml").string(), experiment_yaml(exp, options.run_dir));
    if (!options.resume && !options.command.empty()) write_text((run / "command.txt").string(), options.command + "\n");
    if (transfer) write_text((run / "init.json").string(), transfer->json().dump(2) + "\n");
  }

  Checkpoint state;
  state.config = experiment_yaml(exp, options.run_dir);  // as config.yaml says it: paths relative to the run
  state.model = description;
  state.joint_names = schema.joints;
  state.schema_yaml = schema.text;
  if (options.resume) {
    Checkpoint saved = load_checkpoint(last_path, model.get(), description, nullptr);
    refuse_reopening_finished_phases(exp, saved, last_path);
    state.phase = saved.phase;
    state.epoch = saved.epoch;
    state.batch = saved.batch;
    state.step = saved.step;
    state.best_metric = saved.best_metric;
    state.metrics_csv = saved.metrics_csv;
    state.augment_rng = saved.augment_rng;
    state.epoch_sums = saved.epoch_sums;
    state.loss_scale = saved.loss_scale;
    // Each rank continues its own augmentation stream when the world size is the one saved.
    const int64_t saved_world = saved.augment_rng_ranks.defined() ? saved.augment_rng_ranks.size(0) : 1;
    if (saved_world == world && world > 1) state.augment_rng = saved.augment_rng_ranks[rank].clone();
    if (saved_world != world && main_rank)
      std::fprintf(stderr,
                   "note: %s was saved by %lld rank(s), this run has %d: every rank continues from rank 0's "
                   "augmentation state, and the rest of an unfinished epoch is sharded differently\n",
                   last_path.c_str(), static_cast<long long>(saved_world), world);
    if (saved.config != state.config && main_rank)
      std::fprintf(stderr, "note: the experiment differs from the one %s was saved with; continuing with the new one\n",
                   last_path.c_str());
  }
  // After loading: a checkpoint restores the layout it was saved with.
  model->set_memory_format(memory_format);
  if (state.metrics_csv.empty()) {
    std::string header = "phase,epoch,step,lr,loss,loss_heatmap,loss_coords,loss_visibility,loss_mirrored";
    for (double a : exp.eval.alphas) header += str(",val_pck@", a);
    for (double a : exp.eval.alphas) header += str(",val_heatmap_pck@", a);
    state.metrics_csv = header + ",images_per_s,seconds\n";
  }

  if (dist) {
    // Every rank starts from rank 0's weights (the same seed gives the same
    // ones, but nothing else would keep that true across builds and devices).
    std::vector<torch::Tensor> tensors = model->parameters();
    for (const auto& b : model->buffers()) tensors.push_back(b);
    dist->broadcast(tensors, 0);
  }

  const torch::Tensor flip_perm = torch::tensor(schema.flip_permutation(), torch::kInt64);
  HeatmapCodec codec{model->input_size(), model->heatmap_size(), static_cast<float>(exp.data.sigma)};
  LoaderOptions vo;
  vo.batch_size = 32;
  vo.splits = exp.data.val_splits;
  vo.shuffle = false;
  vo.drop_last = false;
  vo.workers = exp.data.workers;
  // Validation runs on rank 0 only, over the whole split.
  std::unique_ptr<Loader> val_loader;
  if (main_rank) {
    val_loader = std::make_unique<Loader>(cache, vo);
    // Without validation people there is no best epoch, only a PCK of -100%.
    KP_CHECK(val_loader->num_samples() > 0, exp.data.cache, ": validation split(s): expected at least one person, ",
             "found none (prepare the cache with a validation share in --split, or set data.val_splits)");
  }
  const std::string headline = headline_key(exp.eval);

  TrainResult result;
  int64_t nonfinite_steps = 0;  // steps skipped for a non-finite loss (options.max_nonfinite_steps)
  int64_t images = 0;
  double step_seconds = 0;  // inside the epochs' step loops
  LossScaler scaler(precision == Precision::fp16);
  if (options.resume && scaler.enabled() && state.loss_scale > 1) scaler.set_scale(state.loss_scale);
  for (int64_t p = state.phase; p < static_cast<int64_t>(exp.phases.size()); ++p) {
    const PhaseConfig& phase = exp.phases[p];
    const bool resuming_here = options.resume && p == state.phase && (state.epoch > 0 || state.batch > 0);
    std::vector<torch::Tensor> params =
        set_trainable(*model, phase.trainable, str(exp.path, ": phases[", p, "].trainable"));
    auto optimizer = make_optimizer(phase.optimizer, params);
    LoaderOptions lo;
    lo.batch_size = static_cast<int>(phase.batch_size);
    lo.splits = exp.data.train_splits;
    lo.max_samples = exp.data.train_limit;
    lo.seed = exp.seed + 1000003ULL * static_cast<uint64_t>(p);
    lo.workers = exp.data.workers;
    lo.rank = rank;
    lo.world_size = world;
    Loader loader(cache, lo);
    KP_CHECK(loader.batches_per_epoch() > 0, exp.data.cache, ": train splits: expected at least one batch of ",
             phase.batch_size, " people", world > 1 ? str(" on each of ", world, " ranks") : std::string(),
             ", found ", loader.num_samples());
    // Each rank draws its own augmentations (rank 0's stream is the single-process one).
    Augmenter augmenter(exp.data.augmentation, schema.flip_permutation(),
                        exp.seed + 7919ULL * static_cast<uint64_t>(p) + 104729ULL * static_cast<uint64_t>(rank));
    if (!resuming_here) state.best_metric = -1;  // best.pt: the best epoch of this phase (see below)
    if (resuming_here) {
      // Optimizer state lives in last.pt only for the phase it was saved in.
      load_checkpoint(last_path, nullptr, description, optimizer.get());
      if (state.augment_rng.defined()) augmenter.generator().set_state(state.augment_rng);
    } else {
      state.epoch = state.batch = state.step = 0;
    }
    state.phase = p;
    const int64_t per_epoch = loader.batches_per_epoch(), total_steps = phase.epochs * per_epoch;
    int64_t trainable = 0;
    for (const auto& t : params) trainable += t.numel();
    if (main_rank)
      std::fprintf(stderr, "phase %lld/%zu '%s': %lld epochs x %lld steps, %lld of %lld parameters trainable (%s, %s, %s%s)\n",
                   static_cast<long long>(p + 1), exp.phases.size(), phase.name.c_str(),
                   static_cast<long long>(phase.epochs), static_cast<long long>(per_epoch),
                   static_cast<long long>(trainable), static_cast<long long>(count_parameters(*model)),
                   options.device.c_str(), precision_name(precision), memory_format_name(memory_format).c_str(),
                   world > 1 ? str(", ", world, " ranks x batch ", phase.batch_size, " = global batch ",
                                   world * phase.batch_size).c_str()
                             : "");

    for (int64_t e = state.epoch; e < phase.epochs; ++e) {
      const auto te = std::chrono::steady_clock::now();
      loader.start_epoch(e, state.batch);
      // A live bar on a terminal; elsewhere (logs, CI) only the per-epoch line below.
      Progress bar(str(phase.name, " ", e + 1, "/", phase.epochs), per_epoch, options.progress && main_rank && isatty(STDERR_FILENO));
      bar.step(state.batch);
      // Loss sums of the epoch; a resumed epoch continues those of its first part.
      double sums[5] = {0, 0, 0, 0, 0};
      int64_t batches = 0, epoch_images = 0;
      if (state.batch > 0 && state.epoch_sums.defined()) {
        for (int i = 0; i < 5; ++i) sums[i] = state.epoch_sums[i].item<double>();
        batches = state.epoch_sums[5].item<int64_t>();
      }
      double lr = 0;
      while (auto b = loader.next()) {
        lr = learning_rate(phase.schedule, phase.optimizer.lr, state.step, total_steps);
        set_lr(*optimizer, lr);
        Batch on_device = b->to(device);
        AugmentedBatch in = exp.data.augment ? augmenter(on_device) : to_model_input(on_device);
        PoseOutput out;
        {
          AutocastScope autocast(precision, device);
          out = model->forward(in.images);
        }
        // Losses in float32 whatever the forward ran in.
        out = PoseOutput{out.heatmaps.to(torch::kFloat), out.coords.to(torch::kFloat), out.visibility.to(torch::kFloat)};
        Losses l = compute_losses(out, in, codec, phase.loss, flip_perm, model->input_size());
        const double parts[5] = {value(l.total), value(l.heatmap), value(l.coords), value(l.visibility), value(l.mirrored)};
        // A non-finite loss is never stepped on: it would turn every weight
        // into NaN, and every later checkpoint with it.
        int bad_term = -1;  // the first non-finite term; "total" only when every part is finite
        for (int i = 1; i < 5 && bad_term < 0; ++i)
          if (!std::isfinite(parts[i])) bad_term = i;
        if (bad_term < 0 && !std::isfinite(parts[0])) bad_term = 0;
        bool bad = bad_term >= 0;
        if (dist) bad = dist->any(bad);  // every rank skips (or stops at) the same step
        if (bad) {
          ++nonfinite_steps;
          const std::string where = str("phase '", phase.name, "' epoch ", e + 1, " step ", state.step + 1, ": ",
                                        bad_term >= 0 ? str("loss term '", kLossTerms[bad_term], "' is ", parts[bad_term])
                                                      : str("a loss term on another rank is not finite"));
          if (nonfinite_steps > options.max_nonfinite_steps)
            throw Error(str(where, "; training stopped (", nonfinite_steps - 1, " non-finite step(s) were allowed, see ",
                            "--skip-nonfinite); ", last_finite_state(last_path),
                            " (lower the learning rate or check the data)"));
          if (main_rank)
            std::fprintf(stderr, "\nwarning: %s; step skipped (%lld of %lld allowed)\n", where.c_str(),
                         static_cast<long long>(nonfinite_steps), static_cast<long long>(options.max_nonfinite_steps));
          ++state.step;
          ++state.batch;
          ++result.steps;
          bar.step(1);
          continue;
        }
        optimizer->zero_grad();
        scaler.scale(l.total).backward();
        // Data parallelism: every rank steps with the mean of all ranks' gradients.
        if (dist) dist->all_reduce_mean_gradients(params);
        const bool finite = scaler.unscale(params);
        if (finite) {
          if (phase.grad_clip > 0) torch::nn::utils::clip_grad_norm_(params, phase.grad_clip);
          optimizer->step();
        }
        scaler.update(finite);
        state.loss_scale = scaler.current_scale();
        ++state.step;
        ++state.batch;
        ++result.steps;
        ++batches;
        epoch_images += b->images.size(0) * world;
        for (int i = 0; i < 5; ++i) sums[i] += parts[i];
        char extra[64];
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count();
        std::snprintf(extra, sizeof extra, "loss %.4f %.0f img/s", sums[0] / batches,
                      elapsed > 0 ? epoch_images / elapsed : 0.0);
        bar.step(1, extra);
        if (rank == exit_rank && result.steps == exit_steps) {
          std::fprintf(stderr, "rank %d: exiting with code 3 after %lld steps (KPLAB_TEST_EXIT)\n", rank, exit_steps);
          std::_Exit(3);
        }
        bool stop = g_stop || (options.stop_after_steps >= 0 && result.steps >= options.stop_after_steps);
        if (dist) stop = dist->any(stop);  // all ranks stop after the same step
        if (stop) {
          state.epoch = e;
          state.augment_rng = augmenter.generator().get_state();
          if (dist) state.augment_rng_ranks = torch::stack(dist->all_gather(state.augment_rng));
          const std::vector<double> m = mean_over_ranks(sums, dist);
          state.epoch_sums = torch::tensor({m[0], m[1], m[2], m[3], m[4], double(batches)}, torch::kFloat64);
          if (main_rank) {
            require_finite_weights(*model, where_now(phase, e, state.step), last_path);
            save_checkpoint(last_path, state, *model, optimizer.get());
          }
          if (dist) dist->wait_for_main("saving last.pt");
          result.interrupted = true;
          result.best_metric = state.best_metric;
          result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          images += epoch_images;
          result.images_per_s = images / result.seconds;
          step_seconds += elapsed;
          result.step_images_per_s = step_seconds > 0 ? images / step_seconds : 0;
          if (main_rank)
            std::fprintf(stderr, "\nstopped: %s saved (phase %lld, epoch %lld, batch %lld); continue with --resume\n",
                         last_path.c_str(), static_cast<long long>(p + 1), static_cast<long long>(e + 1),
                         static_cast<long long>(state.batch));
          return result;
        }
      }
      bar.finish();
      images += epoch_images;
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count();
      step_seconds += secs;
      const std::vector<double> m = mean_over_ranks(sums, dist);
      state.epoch = e + 1;
      state.batch = 0;
      state.augment_rng = augmenter.generator().get_state();
      if (dist) state.augment_rng_ranks = torch::stack(dist->all_gather(state.augment_rng));
      if (main_rank) {
        require_finite_weights(*model, where_now(phase, e, state.step), last_path);
        auto val = validate(*model, *val_loader, codec, exp.eval, schema, device);
        result.last_validation = val;
        const double headline_value = val.count(headline) ? val[headline] : -1;
        std::ostringstream row;
        row << phase.name << "," << e + 1 << "," << state.step << "," << lr;
        for (double s : m) row << "," << (batches ? s / batches : 0.0);
        for (double a : exp.eval.alphas) row << "," << val[str("pck@", a)];
        for (double a : exp.eval.alphas) row << "," << val[str("heatmap_pck@", a)];
        row << "," << (secs > 0 ? epoch_images / secs : 0.0) << "," << secs << "\n";
        state.metrics_csv += row.str();
        write_text((run / "metrics.csv").string(), state.metrics_csv);
        EpochRecord record;
        record.step = epochs_before(exp, p) + e + 1;
        record.lr = lr;
        record.images_per_s = secs > 0 ? epoch_images / secs : 0.0;
        for (int i = 0; i < 5; ++i) record.losses.emplace_back(kLossTerms[i], batches ? m[i] / batches : 0.0);
        record.validation = val;
        log_epoch(*tensorboard, record, validation_predictions(*model, *val_loader, schema, device));
        const std::string at = headline.substr(headline.find('@'));
        const double nb = static_cast<double>(std::max<int64_t>(batches, 1));
        std::fprintf(stderr,
                     "%s epoch %lld/%lld: loss %.4f (heatmap %.4f coords %.5f visibility %.4f) val PCK%s regression "
                     "%.1f%% heatmap %.1f%% lr %.2e %.0f img/s %.1fs\n",
                     phase.name.c_str(), static_cast<long long>(e + 1), static_cast<long long>(phase.epochs),
                     m[0] / nb, m[1] / nb, m[2] / nb, m[3] / nb, at.c_str(), 100 * val["pck" + at],
                     100 * val["heatmap_pck" + at], lr, secs > 0 ? epoch_images / secs : 0.0, secs);
        // best.pt is the best epoch of the phase being trained, ties going to
        // the later epoch: a phase builds on the previous phase's last
        // weights, and a metric read from a branch the phase keeps frozen
        // (the heatmap decoder in the regression phase) does not move, so an
        // earlier phase's epoch would lack everything this phase trains.
        if (headline_value >= state.best_metric) {
          state.best_metric = headline_value;
          save_checkpoint(best_path, state, *model, nullptr);
        }
        save_checkpoint(last_path, state, *model, optimizer.get());
      }
      if (dist) dist->wait_for_main("validation and checkpoints");
    }
    // The next phase starts fresh: record that in last.pt so a resume lands there.
    state.phase = p + 1;
    state.epoch = state.batch = state.step = 0;
    if (main_rank) save_checkpoint(last_path, state, *model, nullptr);
    if (dist) dist->wait_for_main("saving last.pt");
  }
  result.best_metric = state.best_metric;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.images_per_s = result.seconds > 0 ? images / result.seconds : 0;
  result.step_images_per_s = step_seconds > 0 ? images / step_seconds : 0;
  return result;
}

}  // namespace kplab
