// Experiment files: defaults, base chains, --set overrides, one clear error
// per bad key (naming the file and the dotted key), and the effective-config
// round trip the trainer relies on.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ablation/ablation_spec.h"
#include "core/error.h"
#include "models/registry.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "train/experiment.h"
#include "train/experiment_paths.h"

namespace kplab {
namespace {

using test::expect_error_with;
using test::TempDir;

// The smallest valid experiment.
const char* kMinimal = R"(model:
  name: blazepose_lite
data:
  cache: runs/x.h5
  schema: datasets/lsp.yaml
phases:
  - name: heatmap
    trainable: [backbone, heatmap]
)";

// Every key set to something other than its default.
const char* kFull = R"(seed: 42
model:
  name: blazepose_full
  options: {input_size: 128, width: 0.5, extra: {deep: [1, 2]}}
data:
  cache: runs/lsp.h5
  schema: datasets/lsp.yaml
  train_splits: [train, val]
  val_splits: [2]
  sigma: 1.5
  workers: 3
  augment: false
  augmentation:
    warp: opencv
    rotate_deg: 15
    scale_min: 0.8
    scale_max: 1.2
    translate: 0.05
    flip_prob: 0.25
    brightness: 0.1
    contrast: 0.2
    saturation: 0.3
    occlusion_prob: 0.5
    occlusion_min: 0.2
    occlusion_max: 0.3
phases:
  - name: heatmap
    epochs: 50
    trainable: [backbone, heatmap]
    batch_size: 32
    loss: {heatmap: 1, coords: 0, visibility: 0, mirrored: 0.5, heatmap_kind: mse, coord_kind: l1, left_right: swap_aware}
    optimizer: {type: sgd, lr: 0.01, weight_decay: 1e-4, momentum: 0.8}
    schedule: {type: cosine, warmup_steps: 100, step_size: 500, gamma: 0.5, min_lr_ratio: 0.01}
    grad_clip: 5
  - name: regression
    epochs: 20
    trainable: ["regression.*"]
    loss: {heatmap: 0, coords: 1, visibility: 0.5, coord_kind: smooth_l1}
    optimizer: {type: adamw, lr: 3e-4}
    schedule: {type: step, step_size: 2000, gamma: 0.1}
eval:
  alphas: [0.05, 0.1]
  decoder: heatmap
)";

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.file(name);
  test::write_file(path, text);
  return path;
}

std::string dump(const YAML::Node& n) {
  YAML::Emitter out;
  out << n;
  return out.c_str();
}

void expect_same_augmentation(const AugmentOptions& a, const AugmentOptions& b) {
  EXPECT_EQ(a.warp, b.warp);
  EXPECT_EQ(a.rotate_deg, b.rotate_deg);
  EXPECT_EQ(a.scale_min, b.scale_min);
  EXPECT_EQ(a.scale_max, b.scale_max);
  EXPECT_EQ(a.translate, b.translate);
  EXPECT_EQ(a.flip_prob, b.flip_prob);
  EXPECT_EQ(a.brightness, b.brightness);
  EXPECT_EQ(a.contrast, b.contrast);
  EXPECT_EQ(a.saturation, b.saturation);
  EXPECT_EQ(a.occlusion_prob, b.occlusion_prob);
  EXPECT_EQ(a.occlusion_min, b.occlusion_min);
  EXPECT_EQ(a.occlusion_max, b.occlusion_max);
}

// Every field but `path` and `effective`.
void expect_same_experiment(const Experiment& a, const Experiment& b) {
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(dump(a.model_options), dump(b.model_options));
  EXPECT_EQ(a.data.cache, b.data.cache);
  EXPECT_EQ(a.data.schema, b.data.schema);
  EXPECT_EQ(a.data.train_splits, b.data.train_splits);
  EXPECT_EQ(a.data.val_splits, b.data.val_splits);
  EXPECT_EQ(a.data.sigma, b.data.sigma);
  EXPECT_EQ(a.data.workers, b.data.workers);
  EXPECT_EQ(a.data.augment, b.data.augment);
  expect_same_augmentation(a.data.augmentation, b.data.augmentation);
  ASSERT_EQ(a.phases.size(), b.phases.size());
  for (size_t i = 0; i < a.phases.size(); ++i) {
    SCOPED_TRACE("phase " + std::to_string(i));
    const PhaseConfig &p = a.phases[i], &q = b.phases[i];
    EXPECT_EQ(p.name, q.name);
    EXPECT_EQ(p.epochs, q.epochs);
    EXPECT_EQ(p.trainable, q.trainable);
    EXPECT_EQ(p.batch_size, q.batch_size);
    EXPECT_EQ(p.loss.weights, q.loss.weights);  // every term of the loss table
    EXPECT_EQ(p.loss.heatmap_kind, q.loss.heatmap_kind);
    EXPECT_EQ(p.loss.coord_kind, q.loss.coord_kind);
    EXPECT_EQ(p.loss.left_right, q.loss.left_right);
    EXPECT_EQ(p.optimizer.type, q.optimizer.type);
    EXPECT_EQ(p.optimizer.lr, q.optimizer.lr);
    EXPECT_EQ(p.optimizer.weight_decay, q.optimizer.weight_decay);
    EXPECT_EQ(p.optimizer.momentum, q.optimizer.momentum);
    EXPECT_EQ(p.schedule.type, q.schedule.type);
    EXPECT_EQ(p.schedule.warmup_steps, q.schedule.warmup_steps);
    EXPECT_EQ(p.schedule.step_size, q.schedule.step_size);
    EXPECT_EQ(p.schedule.gamma, q.schedule.gamma);
    EXPECT_EQ(p.schedule.min_lr_ratio, q.schedule.min_lr_ratio);
    EXPECT_EQ(p.grad_clip, q.grad_clip);
  }
  EXPECT_EQ(a.eval.alphas, b.eval.alphas);
  EXPECT_EQ(a.eval.decoder, b.eval.decoder);
}

// ---------------------------------------------------------------- reading

TEST(ExperimentLoad, MinimalFileGetsTheDefaults) {
  TempDir dir;
  std::string path = write(dir, "exp.yaml", kMinimal);
  // From a working directory without datasets/ (ctest runs in the source
  // tree, where datasets/lsp.yaml would be found the older way, with a warning).
  const std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  Experiment e = load_experiment(path);
  std::filesystem::current_path(cwd);
  const AugmentOptions aug_defaults;
  const PhaseConfig phase_defaults;
  const DataConfig data_defaults;
  const EvalConfig eval_defaults;

  EXPECT_EQ(e.path, path);
  EXPECT_EQ(e.seed, 0u);
  EXPECT_EQ(e.model, "blazepose_lite");
  ASSERT_TRUE(e.model_options.IsMap());
  EXPECT_EQ(e.model_options.size(), 0u);
  EXPECT_EQ(e.data.cache, dir.file("runs/x.h5"));  // relative to the file that names it
  EXPECT_EQ(e.data.schema, dir.file("datasets/lsp.yaml"));
  EXPECT_EQ(e.data.train_splits, std::vector<int>{0});
  EXPECT_EQ(e.data.val_splits, std::vector<int>{1});
  EXPECT_EQ(e.data.sigma, data_defaults.sigma);
  EXPECT_EQ(e.data.workers, 0);
  EXPECT_TRUE(e.data.augment);
  expect_same_augmentation(e.data.augmentation, aug_defaults);

  ASSERT_EQ(e.phases.size(), 1u);
  const PhaseConfig& p = e.phases[0];
  EXPECT_EQ(p.name, "heatmap");
  EXPECT_EQ(p.epochs, phase_defaults.epochs);
  EXPECT_EQ(p.trainable, (std::vector<std::string>{"backbone", "heatmap"}));
  EXPECT_EQ(p.batch_size, phase_defaults.batch_size);
  EXPECT_EQ(p.loss.weight("heatmap"), 1.0);
  EXPECT_EQ(p.loss.weight("coords"), 1.0);
  EXPECT_EQ(p.loss.weight("visibility"), 1.0);
  EXPECT_EQ(p.loss.weight("mirrored"), 0.0);
  EXPECT_EQ(p.loss.heatmap_kind, "bce");
  EXPECT_EQ(p.loss.coord_kind, "mse");
  EXPECT_EQ(p.optimizer.type, "adam");
  EXPECT_EQ(p.optimizer.lr, 1e-3);
  EXPECT_EQ(p.schedule.type, "constant");
  EXPECT_EQ(p.schedule.warmup_steps, 0);
  EXPECT_EQ(p.grad_clip, 0.0);

  EXPECT_EQ(e.eval.alphas, eval_defaults.alphas);
  EXPECT_EQ(e.eval.decoder, "regression");

  ASSERT_TRUE(e.effective.IsMap());
  EXPECT_FALSE(e.effective["base"]);
  EXPECT_EQ(e.effective["model"]["name"].as<std::string>(), "blazepose_lite");
}

TEST(ExperimentLoad, FullFileReadsEveryKey) {
  TempDir dir;
  Experiment e = load_experiment(write(dir, "exp.yaml", kFull));
  EXPECT_EQ(e.seed, 42u);
  EXPECT_EQ(e.model, "blazepose_full");
  EXPECT_EQ(e.model_options["input_size"].as<int>(), 128);
  EXPECT_EQ(e.model_options["extra"]["deep"][1].as<int>(), 2);
  EXPECT_EQ(e.data.train_splits, (std::vector<int>{0, 1}));
  EXPECT_EQ(e.data.val_splits, std::vector<int>{2});
  EXPECT_EQ(e.data.sigma, 1.5);
  EXPECT_EQ(e.data.workers, 3);
  EXPECT_FALSE(e.data.augment);
  const AugmentOptions& a = e.data.augmentation;
  EXPECT_EQ(a.warp, WarpBackend::OpenCV);
  EXPECT_FLOAT_EQ(a.rotate_deg, 15.0f);
  EXPECT_FLOAT_EQ(a.scale_min, 0.8f);
  EXPECT_FLOAT_EQ(a.scale_max, 1.2f);
  EXPECT_FLOAT_EQ(a.translate, 0.05f);
  EXPECT_FLOAT_EQ(a.flip_prob, 0.25f);
  EXPECT_FLOAT_EQ(a.brightness, 0.1f);
  EXPECT_FLOAT_EQ(a.contrast, 0.2f);
  EXPECT_FLOAT_EQ(a.saturation, 0.3f);
  EXPECT_FLOAT_EQ(a.occlusion_prob, 0.5f);
  EXPECT_FLOAT_EQ(a.occlusion_min, 0.2f);
  EXPECT_FLOAT_EQ(a.occlusion_max, 0.3f);

  ASSERT_EQ(e.phases.size(), 2u);
  const PhaseConfig& p = e.phases[0];
  EXPECT_EQ(p.epochs, 50);
  EXPECT_EQ(p.batch_size, 32);
  EXPECT_EQ(p.loss.weight("coords"), 0.0);
  EXPECT_EQ(p.loss.weight("mirrored"), 0.5);
  EXPECT_EQ(p.loss.heatmap_kind, "mse");
  EXPECT_EQ(p.loss.coord_kind, "l1");
  EXPECT_EQ(p.loss.left_right, "swap_aware");
  EXPECT_EQ(p.optimizer.type, "sgd");
  EXPECT_EQ(p.optimizer.lr, 0.01);
  EXPECT_EQ(p.optimizer.weight_decay, 1e-4);
  EXPECT_EQ(p.optimizer.momentum, 0.8);
  EXPECT_EQ(p.schedule.type, "cosine");
  EXPECT_EQ(p.schedule.warmup_steps, 100);
  EXPECT_EQ(p.schedule.step_size, 500);
  EXPECT_EQ(p.schedule.gamma, 0.5);
  EXPECT_EQ(p.schedule.min_lr_ratio, 0.01);
  EXPECT_EQ(p.grad_clip, 5.0);
  const PhaseConfig& q = e.phases[1];
  EXPECT_EQ(q.name, "regression");
  EXPECT_EQ(q.trainable, std::vector<std::string>{"regression.*"});
  EXPECT_EQ(q.batch_size, 16);  // default
  EXPECT_EQ(q.loss.heatmap_kind, "bce");
  EXPECT_EQ(q.loss.coord_kind, "smooth_l1");
  EXPECT_EQ(q.loss.left_right, "as_labelled");  // default
  EXPECT_EQ(q.optimizer.type, "adamw");
  EXPECT_EQ(q.optimizer.lr, 3e-4);
  EXPECT_EQ(q.schedule.type, "step");

  EXPECT_EQ(e.eval.alphas, (std::vector<double>{0.05, 0.1}));
  EXPECT_EQ(e.eval.decoder, "heatmap");
}

TEST(ExperimentLoad, SplitsByNameOrNumber) {
  TempDir dir;
  auto with_splits = [&](const std::string& train, const std::string& val) {
    std::string t = kMinimal;
    t.replace(t.find("  schema:"), 0, "  train_splits: " + train + "\n  val_splits: " + val + "\n");
    return write(dir, "exp.yaml", t);
  };
  Experiment e = load_experiment(with_splits("[train, 2]", "[\"1\"]"));
  EXPECT_EQ(e.data.train_splits, (std::vector<int>{0, 2}));
  EXPECT_EQ(e.data.val_splits, std::vector<int>{1});
  e = load_experiment(with_splits("[0]", "[]"));  // no validation split is allowed
  EXPECT_EQ(e.data.train_splits, std::vector<int>{0});
  EXPECT_TRUE(e.data.val_splits.empty());

  std::string path = with_splits("[train, valid]", "[val]");
  expect_error_with([&] { load_experiment(path); }, {path, "data.train_splits[1]", "train, val, test", "'valid'"});
  path = with_splits("[3]", "[val]");
  expect_error_with([&] { load_experiment(path); }, {path, "data.train_splits[0]", "'3'"});
  path = with_splits("train", "[val]");
  expect_error_with([&] { load_experiment(path); }, {path, "data.train_splits", "a list of", "'train'"});
  path = with_splits("[]", "[val]");
  expect_error_with([&] { load_experiment(path); }, {path, "data.train_splits", "non-empty"});
  path = with_splits("[train, 0]", "[val]");
  expect_error_with([&] { load_experiment(path); }, {path, "data.train_splits[1]", "each split once"});
}

TEST(ExperimentLoad, ParseExperimentNamesTheGivenPlace) {
  YAML::Node doc = YAML::Load(kMinimal);
  Experiment e = parse_experiment(doc, "memory");
  EXPECT_EQ(e.path, "memory");
  EXPECT_EQ(e.phases.at(0).name, "heatmap");
  doc["phases"][0]["epochs"] = 0;
  expect_error_with([&] { parse_experiment(doc, "memory"); }, {"memory: phases[0].epochs: expected", "'0'"});
}

// ---------------------------------------------------------------- base files

TEST(ExperimentBase, ChildOverridesOneNestedKeyAndKeepsSiblings) {
  TempDir dir;
  write(dir, "base.yaml", kFull);
  std::string child = write(dir, "child.yaml",
                            "base: base.yaml\n"
                            "data:\n  augmentation:\n    rotate_deg: 5\n"
                            "model:\n  options: {width: 1.0}\n");
  Experiment e = load_experiment(child);
  EXPECT_EQ(e.path, child);
  EXPECT_FLOAT_EQ(e.data.augmentation.rotate_deg, 5.0f);
  EXPECT_FLOAT_EQ(e.data.augmentation.scale_min, 0.8f);  // sibling kept from the base
  EXPECT_EQ(e.data.augmentation.warp, WarpBackend::OpenCV);
  EXPECT_EQ(e.data.cache, dir.file("runs/lsp.h5"));
  EXPECT_EQ(e.model, "blazepose_full");
  EXPECT_EQ(e.model_options["width"].as<double>(), 1.0);
  EXPECT_EQ(e.model_options["input_size"].as<int>(), 128);  // mappings merge at every depth
  EXPECT_EQ(e.phases.size(), 2u);
  EXPECT_EQ(e.seed, 42u);
  EXPECT_FALSE(e.effective["base"]) << "the effective document drops `base`";
  EXPECT_EQ(e.effective["data"]["augmentation"]["rotate_deg"].as<std::string>(), "5");

  // The base file reads as before (nothing was written into it).
  Experiment b = load_experiment(dir.file("base.yaml"));
  EXPECT_FLOAT_EQ(b.data.augmentation.rotate_deg, 15.0f);
  EXPECT_EQ(b.model_options["width"].as<double>(), 0.5);
}

TEST(ExperimentBase, ListsAreReplacedWhole) {
  TempDir dir;
  write(dir, "base.yaml", kFull);
  std::string child = write(dir, "child.yaml",
                            "base: base.yaml\n"
                            "phases:\n  - name: only\n    trainable: [all]\n"
                            "eval:\n  alphas: [0.3]\n"
                            "data:\n  train_splits: [test]\n");
  Experiment e = load_experiment(child);
  ASSERT_EQ(e.phases.size(), 1u);
  EXPECT_EQ(e.phases[0].name, "only");
  EXPECT_EQ(e.phases[0].epochs, 1);        // nothing merged in from the base's phases[0]
  EXPECT_EQ(e.phases[0].batch_size, 16);
  EXPECT_EQ(e.phases[0].optimizer.type, "adam");
  EXPECT_EQ(e.eval.alphas, std::vector<double>{0.3});
  EXPECT_EQ(e.eval.decoder, "heatmap");    // the sibling of the replaced list stays
  EXPECT_EQ(e.data.train_splits, std::vector<int>{2});
  EXPECT_EQ(e.data.val_splits, std::vector<int>{2});
}

TEST(ExperimentBase, ChainOfTwoBases) {
  TempDir dir;
  write(dir, "grand.yaml", kFull);
  write(dir, "parent.yaml", "base: grand.yaml\nseed: 7\ndata:\n  sigma: 3\n");
  std::string child = write(dir, "child.yaml", "base: parent.yaml\nseed: 9\ndata:\n  workers: 1\n");
  Experiment e = load_experiment(child);
  EXPECT_EQ(e.seed, 9u);             // child wins over parent
  EXPECT_EQ(e.data.sigma, 3.0);      // parent wins over grandparent
  EXPECT_EQ(e.data.workers, 1);
  EXPECT_EQ(e.data.cache, dir.file("runs/lsp.h5"));  // from the grandparent
  EXPECT_EQ(e.phases.size(), 2u);
}

TEST(ExperimentBase, PathsAreRelativeToTheFileThatNamesThem) {
  TempDir dir;
  write(dir, "common/deep.yaml", kFull);
  write(dir, "common/base.yaml", "base: deep.yaml\nseed: 3\n");  // relative to common/
  std::string child = write(dir, "runs/sub/child.yaml", "base: ../../common/base.yaml\nseed: 4\n");
  Experiment e = load_experiment(child);
  EXPECT_EQ(e.seed, 4u);
  EXPECT_EQ(e.model, "blazepose_full");

  // An absolute base path works from anywhere.
  std::string abs = write(dir, "elsewhere/abs.yaml", "base: " + dir.file("common/deep.yaml") + "\nseed: 5\n");
  EXPECT_EQ(load_experiment(abs).seed, 5u);

  // Relative to the naming file's folder, not the working directory.
  std::string wrong = write(dir, "runs/sub/wrong.yaml", "base: common/base.yaml\n");
  expect_error_with([&] { load_experiment(wrong); }, {wrong, "base", "common/base.yaml"});
}

// A minimal experiment whose data and init lines are `data` and `init`.
std::string with_paths(const std::string& data, const std::string& init = "") {
  return "model: {name: blazepose_lite}\ndata: " + data + "\nphases: [{name: a, epochs: 1, trainable: [all]}]\n" +
         (init.empty() ? "" : "init: " + init + "\n");
}

TEST(ExperimentPaths, DataAndInitPathsAreRelativeToTheFileThatNamesThem) {
  TempDir dir;
  write(dir, "project/data/people.h5", "x");
  write(dir, "project/schemas/mine.yaml", "x");
  test::write_file(dir.file("project/zoo/model/keep"), "x");
  write(dir, "project/experiments/common/base.yaml",
        with_paths("{cache: ../../data/people.h5, schema: ../../schemas/mine.yaml}", "{from: ../../zoo/model}"));
  const std::string child = write(dir, "project/experiments/child.yaml", "base: common/base.yaml\nseed: 3\n");
  const Experiment e = load_experiment(child);  // the working directory is elsewhere
  EXPECT_EQ(e.data.cache, dir.file("project/data/people.h5"));
  EXPECT_EQ(e.data.schema, dir.file("project/schemas/mine.yaml"));
  EXPECT_EQ(e.init.from, dir.file("project/zoo/model"));
  // A child's own value is relative to the child.
  const std::string own = write(dir, "project/experiments/own.yaml",
                                "base: common/base.yaml\ndata: {cache: ../data/people.h5}\n");
  EXPECT_EQ(load_experiment(own).data.cache, dir.file("project/data/people.h5"));
}

TEST(ExperimentPaths, SetValuesAreRelativeToTheWorkingDirectory) {
  TempDir dir;
  const std::string path = write(dir, "sub/exp.yaml", with_paths("{cache: a.h5, schema: s.yaml}"));
  const Experiment e = load_experiment(path, {"data.cache=runs/b.h5", "data.schema=/abs/s.yaml"});
  EXPECT_EQ(e.data.cache, "runs/b.h5");
  EXPECT_EQ(e.data.schema, "/abs/s.yaml");
  const YAML::Node saved = YAML::Load(experiment_yaml(e, dir.file("run")));
  EXPECT_EQ(saved["data"]["schema"].as<std::string>(), "/abs/s.yaml");  // written absolute: stays so
  EXPECT_EQ(experiment_yaml(e).find("!<"), std::string::npos);  // no internal mark leaks out
}

TEST(ExperimentPaths, AnOlderFileWithPathsFromTheWorkingDirectoryStillReadsWithAWarning) {
  TempDir dir;
  write(dir, "runs/old.h5", "x");
  const std::string path = write(dir, "experiments/old.yaml", with_paths("{cache: runs/old.h5, schema: s.yaml}"));
  const std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  testing::internal::CaptureStderr();
  const Experiment e = load_experiment(path);
  const std::string err = testing::internal::GetCapturedStderr();
  std::filesystem::current_path(cwd);
  EXPECT_EQ(e.data.cache, "runs/old.h5");  // only there: kept, and said
  EXPECT_NE(err.find("data.cache 'runs/old.h5' is not beside the file"), std::string::npos) << err;
  EXPECT_EQ(e.data.schema, dir.file("experiments/s.yaml"));  // found nowhere: beside the file, the error will name it
}

TEST(ExperimentPaths, TheSavedConfigIsRelativeToTheFolderItIsWrittenIn) {
  TempDir dir;
  write(dir, "data/people.h5", "x");
  const std::string path = write(dir, "experiments/exp.yaml", with_paths("{cache: ../data/people.h5, schema: /abs/s.yaml}"));
  const Experiment e = load_experiment(path);
  const std::string run = dir.file("runs/deep/run");
  const YAML::Node saved = YAML::Load(experiment_yaml(e, run));
  EXPECT_EQ(saved["data"]["cache"].as<std::string>(), "../../../data/people.h5");
  EXPECT_EQ(saved["data"]["schema"].as<std::string>(), "/abs/s.yaml");  // absolute stays
  write(dir, "runs/deep/run/config.yaml", experiment_yaml(e, run));
  EXPECT_EQ(load_experiment(run + "/config.yaml").data.cache, dir.file("data/people.h5"));
  // A folder that shares nothing but the root with the data: absolute.
  EXPECT_EQ(YAML::Load(experiment_yaml(e, "/"))["data"]["cache"].as<std::string>(), dir.file("data/people.h5"));
  // Moved to another folder (release), rewritten for it.
  const std::string zoo = dir.file("models/zoo/m");
  const YAML::Node moved = YAML::Load(rebase_experiment_yaml(experiment_yaml(e, run), run + "/config.yaml", zoo));
  EXPECT_EQ(moved["data"]["cache"].as<std::string>(), "../../../data/people.h5");
}

TEST(ExperimentBase, CycleIsAnErrorNamingTheFiles) {
  TempDir dir;
  std::string a = write(dir, "a.yaml", "base: b.yaml\nseed: 1\n");
  write(dir, "b.yaml", "base: c.yaml\nseed: 2\n");
  write(dir, "c.yaml", "base: a.yaml\nseed: 3\n");
  expect_error_with([&] { load_experiment(a); }, {"a.yaml", "b.yaml", "c.yaml", "base", "cycle"});

  std::string self = write(dir, "self.yaml", "base: ./self.yaml\n");
  expect_error_with([&] { load_experiment(self); }, {"self.yaml", "base", "cycle"});
}

TEST(ExperimentBase, BadBaseValues) {
  TempDir dir;
  std::string missing = write(dir, "missing.yaml", "base: nowhere.yaml\n");
  expect_error_with([&] { load_experiment(missing); }, {missing, "base", "nowhere.yaml"});
  std::string list = write(dir, "list.yaml", "base: [a.yaml, b.yaml]\n");
  expect_error_with([&] { load_experiment(list); }, {list, "base", "a list of 2"});
  write(dir, "notmap.yaml", "- 1\n- 2\n");
  std::string child = write(dir, "child.yaml", "base: notmap.yaml\n");
  expect_error_with([&] { load_experiment(child); }, {"notmap.yaml", "a mapping"});
}

TEST(ExperimentBase, ErrorsNameTheFileTheKeyCameFrom) {
  TempDir dir;
  std::string full = kFull;
  full.replace(full.find("    grad_clip: 5"), 0, "    epoch: 3\n");  // a typo in the base
  std::string base = write(dir, "base.yaml", full);
  std::string child = write(dir, "child.yaml", "base: base.yaml\nseed: 1\n");
  expect_error_with([&] { load_experiment(child); }, {base, "phases[0].epoch", "unknown key 'epoch'"});

  write(dir, "good.yaml", kFull);
  std::string bad_child = write(dir, "bad_child.yaml", "base: good.yaml\ndata:\n  sigma: -1\n");
  expect_error_with([&] { load_experiment(bad_child); }, {bad_child, "data.sigma", "'-1'"});

  // A required key missing from the whole chain names the file that was loaded.
  write(dir, "partial.yaml", "seed: 1\n");
  std::string top = write(dir, "top.yaml", "base: partial.yaml\ndata: {cache: a.h5, schema: s.yaml}\n");
  expect_error_with([&] { load_experiment(top); }, {top, "model", "found nothing"});
}

// ---------------------------------------------------------------- overrides

TEST(ExperimentOverrides, ScalarNestedAndListIndex) {
  TempDir dir;
  std::string path = write(dir, "exp.yaml", kFull);
  Experiment e = load_experiment(path, {"seed=7", "data.augmentation.rotate_deg=10", "phases.1.epochs=3",
                                        "phases.0.optimizer.lr=1e-3", "data.augment=true", "model.name=other"});
  EXPECT_EQ(e.seed, 7u);
  EXPECT_FLOAT_EQ(e.data.augmentation.rotate_deg, 10.0f);
  EXPECT_FLOAT_EQ(e.data.augmentation.scale_min, 0.8f);
  EXPECT_EQ(e.phases[1].epochs, 3);
  EXPECT_EQ(e.phases[0].epochs, 50);
  EXPECT_EQ(e.phases[0].optimizer.lr, 1e-3);
  EXPECT_TRUE(e.data.augment);
  EXPECT_EQ(e.model, "other");
  EXPECT_EQ(e.effective["phases"][1]["epochs"].as<int>(), 3);
  EXPECT_EQ(e.effective["seed"].as<int>(), 7);
}

TEST(ExperimentOverrides, CreateMissingSectionsAndReplaceLists) {
  TempDir dir;
  std::string path = write(dir, "exp.yaml", kMinimal);
  Experiment e = load_experiment(path, {"data.augmentation.flip_prob=0", "eval.alphas=[0.05, 0.1]",
                                        "phases.0.trainable=[head]", "model.options.input_size=192",
                                        "phases.0.loss={coords: 0, visibility: 0}", "seed=1", "seed=2"});
  EXPECT_FLOAT_EQ(e.data.augmentation.flip_prob, 0.0f);
  EXPECT_EQ(e.eval.alphas, (std::vector<double>{0.05, 0.1}));
  EXPECT_EQ(e.phases[0].trainable, std::vector<std::string>{"head"});
  EXPECT_EQ(e.model_options["input_size"].as<int>(), 192);
  EXPECT_EQ(e.phases[0].loss.weight("coords"), 0.0);
  EXPECT_EQ(e.phases[0].loss.weight("heatmap"), 1.0);
  EXPECT_EQ(e.seed, 2u) << "later overrides win";
  // A list element by index.
  e = load_experiment(path, {"phases.0.trainable.1=neck"});
  EXPECT_EQ(e.phases[0].trainable, (std::vector<std::string>{"backbone", "neck"}));
}

TEST(ExperimentOverrides, UnknownKeyFailsLikeInTheFile) {
  TempDir dir;
  std::string path = write(dir, "exp.yaml", kMinimal);
  expect_error_with([&] { load_experiment(path, {"data.sigmaa=3"}); },
                    {path, "data.sigmaa=3", "data.sigmaa", "unknown key 'sigmaa'", "sigma"});
  expect_error_with([&] { load_experiment(path, {"phases.0.los.heatmap=1"}); },
                    {path, "phases[0].los", "unknown key 'los'"});
  expect_error_with([&] { load_experiment(path, {"sed=3"}); }, {path, "sed", "unknown key 'sed'"});
  expect_error_with([&] { load_experiment(path, {"base=other.yaml"}); }, {path, "unknown key 'base'"});
}

TEST(ExperimentOverrides, BadIndexMissingEqualsAndBadPaths) {
  TempDir dir;
  std::string path = write(dir, "exp.yaml", kMinimal);
  expect_error_with([&] { load_experiment(path, {"phases.5.epochs=3"}); },
                    {"phases.5.epochs=3", "phases.5", "below 1", "found 5"});
  expect_error_with([&] { load_experiment(path, {"phases.first.epochs=3"}); },
                    {"phases.first.epochs=3", "list index", "'first'"});
  expect_error_with([&] { load_experiment(path, {"phases.0.epochs"}); },
                    {"phases.0.epochs", "KEY.PATH=VALUE", "no '='"});
  expect_error_with([&] { load_experiment(path, {"model.name.x=1"}); },
                    {path, "model.name.x=1", "model.name", "'blazepose_lite'"});
  expect_error_with([&] { load_experiment(path, {"seed.x=1"}); }, {path, "seed.x=1", "seed", "a mapping"});
  expect_error_with([&] { load_experiment(path, {"=1"}); }, {"KEY.PATH=VALUE", "non-empty"});
  expect_error_with([&] { load_experiment(path, {"data..sigma=1"}); }, {"data..sigma=1", "non-empty"});
  expect_error_with([&] { load_experiment(path, {"phases.0.epochs=ten"}); },
                    {"phases.0.epochs=ten", "phases[0].epochs", "'ten'"});
  expect_error_with([&] { load_experiment(path, {"seed=[1"}); }, {"seed=[1", "a YAML value"});
}

TEST(ExperimentOverrides, BaseFileIsNotChanged) {
  TempDir dir;
  write(dir, "base.yaml", kFull);
  std::string child = write(dir, "child.yaml", "base: base.yaml\n");
  Experiment e = load_experiment(child, {"phases.0.epochs=2", "model.options.width=2"});
  EXPECT_EQ(e.phases[0].epochs, 2);
  Experiment again = load_experiment(child);
  EXPECT_EQ(again.phases[0].epochs, 50);
  EXPECT_EQ(again.model_options["width"].as<double>(), 0.5);
  EXPECT_EQ(e.model_options["width"].as<double>(), 2.0);
}

// ---------------------------------------------------------------- errors

TEST(ExperimentErrors, UnknownKeysAtEveryLevel) {
  TempDir dir;
  struct Case {
    std::string from, to, key;
  };
  const std::vector<Case> cases = {
      {"model:", "sead: 1\nmodel:", "sead"},
      {"  name: blazepose_full", "  nam: x\n  name: blazepose_full", "model.nam"},
      {"  cache:", "  cach: y\n  cache:", "data.cach"},
      {"    warp:", "    rotate: 3\n    warp:", "data.augmentation.rotate"},
      {"    grad_clip:", "    epoch: 3\n    grad_clip:", "phases[0].epoch"},
      {"heatmap_kind: mse", "weight: 2, heatmap_kind: mse", "phases[0].loss.weight"},
      {"coord_kind: smooth_l1}", "coord_kind: smooth_l1, colour: 1}", "phases[1].loss.colour"},
      {"type: adamw", "type: adamw, beta: 0.9", "phases[1].optimizer.beta"},
      {"type: step", "type: step, steps: 3", "phases[1].schedule.steps"},
      {"  decoder:", "  alpha: [0.1]\n  decoder:", "eval.alpha"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    std::string text = kFull;
    auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, c.from.size(), c.to);
    std::string path = write(dir, "exp.yaml", text);
    std::string last = c.key.substr(c.key.rfind('.') + 1);
    expect_error_with([&] { load_experiment(path); },
                      {path + ": " + c.key + ": expected one of the keys", "unknown key '" + last + "'"});
  }
}

TEST(ExperimentErrors, WrongTypesAndRanges) {
  TempDir dir;
  struct Case {
    std::string from, to, key, found;
  };
  const std::vector<Case> cases = {
      {"epochs: 50", "epochs: \"ten\"", "phases[0].epochs", "'ten'"},
      {"epochs: 50", "epochs: 0", "phases[0].epochs", "'0'"},
      {"epochs: 50", "epochs: 2.5", "phases[0].epochs", "'2.5'"},
      {"trainable: [backbone, heatmap]", "trainable: backbone", "phases[0].trainable", "'backbone'"},
      {"trainable: [backbone, heatmap]", "trainable: []", "phases[0].trainable", "an empty list"},
      {"trainable: [backbone, heatmap]", "trainable: [backbone, [x]]", "phases[0].trainable[1]", "a list of 1"},
      {"lr: 0.01", "lr: -1", "phases[0].optimizer.lr", "'-1'"},
      {"lr: 0.01", "lr: .nan", "phases[0].optimizer.lr", "'.nan'"},
      {"lr: 0.01", "lr: fast", "phases[0].optimizer.lr", "'fast'"},
      {"batch_size: 32", "batch_size: 0", "phases[0].batch_size", "'0'"},
      {"sigma: 1.5", "sigma: 0", "data.sigma", "'0'"},
      {"workers: 3", "workers: -2", "data.workers", "'-2'"},
      {"augment: false", "augment: maybe", "data.augment", "'maybe'"},
      {"alphas: [0.05, 0.1]", "alphas: [0.05, 1.5]", "eval.alphas[1]", "'1.5'"},
      {"alphas: [0.05, 0.1]", "alphas: [0, 0.1]", "eval.alphas[0]", "'0'"},
      {"alphas: [0.05, 0.1]", "alphas: 0.1", "eval.alphas", "'0.1'"},
      {"decoder: heatmap", "decoder: argmax", "eval.decoder", "'argmax'"},
      {"heatmap_kind: mse", "heatmap_kind: l2", "phases[0].loss.heatmap_kind", "'l2'"},
      {"coord_kind: l1", "coord_kind: huber", "phases[0].loss.coord_kind", "'huber'"},
      {"mirrored: 0.5", "mirrored: -0.5", "phases[0].loss.mirrored", "'-0.5'"},
      {"type: sgd", "type: lamb", "phases[0].optimizer.type", "'lamb'"},
      {"type: cosine", "type: linear", "phases[0].schedule.type", "'linear'"},
      {"warp: opencv", "warp: cuda", "data.augmentation.warp", "'cuda'"},
      {"scale_max: 1.2", "scale_max: 0.5", "data.augmentation.scale_max", "scale_max 0.5"},
      {"flip_prob: 0.25", "flip_prob: 2", "data.augmentation.flip_prob", "'2'"},
      {"occlusion_max: 0.3", "occlusion_max: 0.1", "data.augmentation.occlusion_max", "occlusion_max 0.1"},
      {"seed: 42", "seed: -1", "seed", "'-1'"},
      {"seed: 42", "seed: [1]", "seed", "a list of 1"},
      {"name: regression", "name: heatmap", "phases[1].name", "'heatmap' (also phases[0].name)"},
      {"name: regression", "name: a/b", "phases[1].name", "'a/b'"},
      {"grad_clip: 5", "grad_clip: -5", "phases[0].grad_clip", "'-5'"},
      {"  options: {input_size: 128, width: 0.5, extra: {deep: [1, 2]}}", "  options: [1, 2]", "model.options",
       "a list of 2"},
      {"name: blazepose_full", "name: \"\"", "model.name", "''"},
      {"warmup_steps: 100", "warmup_steps: -1", "phases[0].schedule.warmup_steps", "'-1'"},
      {"min_lr_ratio: 0.01", "min_lr_ratio: 2", "phases[0].schedule.min_lr_ratio", "'2'"},
      {"loss: {heatmap: 1, coords: 0, visibility: 0, mirrored: 0.5", "loss: {heatmap: 0, coords: 0, visibility: 0, mirrored: 0",
       "phases[0].loss", "all weights 0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.to);
    std::string text = kFull;
    auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, c.from.size(), c.to);
    std::string path = write(dir, "exp.yaml", text);
    expect_error_with([&] { load_experiment(path); }, {path + ": " + c.key + ": expected", "found " + c.found});
  }
}

TEST(ExperimentErrors, MissingRequiredParts) {
  TempDir dir;
  struct Case {
    std::string from, to, key;
  };
  const std::vector<Case> cases = {
      {"  name: blazepose_lite\n", "  options: {a: 1}\n", "model.name"},
      {"  name: blazepose_lite\n", "", "model"},
      {"  cache: runs/x.h5\n", "", "data.cache"},
      {"  schema: datasets/lsp.yaml\n", "", "data.schema"},
      {"    trainable: [backbone, heatmap]\n", "    epochs: 2\n", "phases[0].trainable"},
      {"  - name: heatmap\n    trainable: [backbone, heatmap]\n", "", "phases"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    std::string text = kMinimal;
    text.replace(text.find(c.from), c.from.size(), c.to);
    std::string path = write(dir, "exp.yaml", text);
    expect_error_with([&] { load_experiment(path); }, {path + ": " + c.key + ": expected", "found nothing"});
  }
  std::string path = write(dir, "phaseless.yaml", std::string(kMinimal).replace(
                                                      std::string(kMinimal).find("phases:"), std::string::npos,
                                                      "phases: []\n"));
  expect_error_with([&] { load_experiment(path); }, {path, "phases", "at least one", "an empty list"});
  path = write(dir, "noname.yaml", std::string(kMinimal).replace(std::string(kMinimal).find("- name: heatmap"), 15,
                                                                 "- epochs: 2"));
  expect_error_with([&] { load_experiment(path); }, {path, "phases[0].name", "found nothing"});
  path = write(dir, "empty.yaml", "");
  expect_error_with([&] { load_experiment(path); }, {path, "top level", "a mapping"});
  path = write(dir, "list.yaml", "- 1\n");
  expect_error_with([&] { load_experiment(path); }, {path, "top level", "a mapping"});
  expect_error_with([&] { load_experiment(dir.file("absent.yaml")); }, {"absent.yaml", "no such file"});
  path = write(dir, "syntax.yaml", "model: [unclosed\n");
  expect_error_with([&] { load_experiment(path); }, {path, "syntax"});
}

// ---------------------------------------------------------------- effective config

TEST(ExperimentYaml, RoundTripGivesAnEqualExperiment) {
  TempDir dir;
  write(dir, "base.yaml", kFull);
  std::string child = write(dir, "child.yaml", "base: base.yaml\ndata:\n  augmentation: {rotate_deg: 7}\n");
  Experiment e = load_experiment(child, {"phases.1.epochs=4", "eval.alphas=[0.2]", "model.options.width=0.75"});
  std::string text = experiment_yaml(e);
  EXPECT_EQ(text.find("base:"), std::string::npos) << text;
  std::string saved = write(dir, "run/config.yaml", text);
  Experiment again = load_experiment(saved);
  EXPECT_EQ(again.path, saved);
  expect_same_experiment(e, again);
  EXPECT_EQ(experiment_yaml(again), text) << "saving twice gives the same text";

  // The minimal file too (defaults stay defaults).
  Experiment m = load_experiment(write(dir, "min.yaml", kMinimal));
  expect_same_experiment(m, load_experiment(write(dir, "min_saved.yaml", experiment_yaml(m))));
}

TEST(ExperimentYaml, ExperimentWithoutEffectiveIsWrittenFromItsFields) {
  TempDir dir;
  Experiment e = load_experiment(write(dir, "exp.yaml", kFull), {"phases.0.optimizer.lr=0.0003"});
  e.effective = YAML::Node();
  e.data.augmentation.rotate_deg = 12.3f;  // a float that has no short double spelling
  e.phases[1].optimizer.weight_decay = 1e-7;
  std::string text = experiment_yaml(e);
  Experiment again = load_experiment(write(dir, "saved.yaml", text));
  expect_same_experiment(e, again);
}

// ---------------------------------------------------------------- shipped experiments

TEST(ExperimentShipped, EveryShippedExperimentParses) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(KPLAB_SOURCE_DIR) / "experiments";
  std::vector<std::string> files;
  if (fs::is_directory(folder))
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  if (files.empty()) GTEST_SKIP() << "no experiments/*.yaml yet";
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    if (YAML::LoadFile(f)["variants"]) {
      // An ablation file: every variant's experiment loads and its model builds.
      AblationSpec spec;
      ASSERT_NO_THROW(spec = load_ablation(f));
      for (const auto& v : spec.variants) {
        SCOPED_TRACE(v.name);
        Experiment e;
        ASSERT_NO_THROW(e = load_experiment(v.experiment, v.overrides));
        EXPECT_NO_THROW(create_model(e.model, e.model_options));
      }
      continue;
    }
    Experiment e;
    ASSERT_NO_THROW(e = load_experiment(f));
    EXPECT_FALSE(e.model.empty());
    EXPECT_FALSE(e.phases.empty());
    expect_same_experiment(e, parse_experiment(YAML::Load(experiment_yaml(e)), "saved"));
  }
}

}  // namespace
}  // namespace kplab
