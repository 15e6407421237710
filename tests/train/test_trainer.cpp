// The phased trainer: frozen parameters stay bit-identical, training is
// reproducible on CPU, an interrupted run resumes to the same weights as an
// uninterrupted one, and a resume with another architecture is refused.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "data/prepare.h"
#include "models/registry.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/run_fixtures.h"
#include "support/temp_dir.h"
#include "train/checkpoint.h"
#include "train/experiment.h"
#include "train/freeze.h"
#include "train/trainer.h"
#include "train/metrics_log.h"

namespace kplab {
namespace {

using test::TempDir;

// A 24-image synthetic cache at 64 px and a two-phase experiment on it.
struct TinyRun {
  TempDir dir;
  std::string cache, experiment;

  explicit TinyRun(const std::string& extra_phase_keys = "") {
    PrepareOptions o;
    o.format = "synthetic";
    o.synthetic_count = 24;
    o.size = 64;
    o.schema_path = std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml";
    o.out = cache = dir.file("tiny.h5");
    o.progress = false;
    prepare(o);
    experiment = dir.file("tiny.yaml");
    std::ofstream(experiment) << "seed: 3\n"
                                 "model: {name: blazepose_lite, options: {input_size: 64}}\n"
                                 "data: {cache: " << cache << ", schema: " << o.schema_path << ", workers: 2}\n"
                                 "phases:\n"
                                 "  - {name: heatmap, epochs: 2, trainable: [backbone, heatmap], batch_size: 4,\n"
                                 "     loss: {heatmap: 1, coords: 0, visibility: 0},\n"
                                 "     optimizer: {type: adam, lr: 0.001}" << extra_phase_keys << "}\n"
                                 "  - {name: regression, epochs: 2, trainable: [regression], batch_size: 4,\n"
                                 "     loss: {heatmap: 0, coords: 1, visibility: 1},\n"
                                 "     optimizer: {type: adamw, lr: 0.001, weight_decay: 0.01},\n"
                                 "     schedule: {type: cosine, warmup_steps: 2}}\n"
                                 "eval: {alphas: [0.2, 0.5]}\n";
  }

  TrainResult run(const std::string& out, bool resume = false, int64_t stop_after = -1,
                  const std::vector<std::string>& sets = {}, const std::string& precision = "fp32") const {
    TrainOptions t;
    t.precision = precision;
    t.run_dir = dir.file(out);
    t.resume = resume;
    t.progress = false;
    t.stop_after_steps = stop_after;
    return train(load_experiment(experiment, sets), t, model_registry());
  }

  // The weights saved in a run's last.pt, by parameter name.
  std::map<std::string, torch::Tensor> weights(const std::string& out) const {
    return test::last_weights(dir.file(out), "blazepose_lite", "{input_size: 64}");
  }
};

using test::slurp;

// metrics.csv without the two timing columns (images/s, seconds).
std::vector<std::string> metrics_without_timing(const std::string& path) {
  std::vector<std::string> rows;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) {
    for (int i = 0; i < 2; ++i) line = line.substr(0, line.rfind(','));
    rows.push_back(line);
  }
  return rows;
}

TEST(FreezePatterns, PrefixGlobAndExactMatches) {
  EXPECT_TRUE(matches_pattern("backbone.conv1.weight", "backbone"));
  EXPECT_TRUE(matches_pattern("backbone.conv1.weight", "backbone.conv1"));
  EXPECT_FALSE(matches_pattern("backbone2.conv1.weight", "backbone"));
  EXPECT_TRUE(matches_pattern("regression.tail.0.down.dw.weight", "regression.tail.*"));
  EXPECT_FALSE(matches_pattern("regression.blocks.0.down.dw.weight", "regression.tail.*"));
  EXPECT_TRUE(matches_pattern("heatmap.out.bias", "heatmap.out.bias"));
}

TEST(FreezePatterns, APatternMatchingNothingFailsNamingItAndTheGroups) {
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  try {
    set_trainable(*m, {"backbone", "regresion"}, "exp.yaml: phases[1].trainable");
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'regresion'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("backbone, heatmap, regression"), std::string::npos) << msg;
  }
}

TEST(Trainer, EachPhaseChangesOnlyItsGroupsAndFrozenOnesStayBitIdentical) {
  TinyRun tiny;
  PoseModel init = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  tiny.run("phase1", false, 10);  // all of phase 1: 2 epochs x 5 steps (20 train people / 4)
  // Seeded initialisation: rebuild the run's starting point to compare against.
  torch::manual_seed(3);
  init = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  auto start = init->named_parameters();
  auto after1 = tiny.weights("phase1");
  int64_t changed_trainable = 0;
  for (const auto& p : start) {
    bool same = torch::equal(p.value(), after1.at(p.key()));
    if (p.key().rfind("regression.", 0) == 0) EXPECT_TRUE(same) << p.key() << " changed while frozen";
    else changed_trainable += !same;
  }
  EXPECT_GT(changed_trainable, 0);

  tiny.run("phase1", true);  // the regression phase
  auto after2 = tiny.weights("phase1");
  int64_t changed_regression = 0;
  for (const auto& kv : after1) {
    bool same = torch::equal(kv.second, after2.at(kv.first));
    if (kv.first.rfind("regression.", 0) == 0) changed_regression += !same;
    else EXPECT_TRUE(same) << kv.first << " changed while frozen";
  }
  EXPECT_GT(changed_regression, 0);
}

TEST(Trainer, TwoRunsGiveTheSameLossesAndWeights) {
  TinyRun tiny;
  tiny.run("a");
  tiny.run("b");
  EXPECT_EQ(metrics_without_timing(tiny.dir.file("a/metrics.csv")), metrics_without_timing(tiny.dir.file("b/metrics.csv")));
  auto wa = tiny.weights("a"), wb = tiny.weights("b");
  for (const auto& kv : wa) EXPECT_TRUE(torch::equal(kv.second, wb.at(kv.first))) << kv.first;
}

// The loss table (train/loss_terms.h) is the one place a term is added: a
// term the experiment weights is read, trained and logged by its name.
TEST(Trainer, AWeightedFocalTermIsReadTrainedAndLoggedByItsName) {
  TinyRun tiny;
  tiny.run("plain");
  EXPECT_EQ(slurp(tiny.dir.file("plain/metrics.csv")).find("loss_focal"), std::string::npos)
      << "a term no phase weights adds no column (older metrics.csv readers see the same file)";
  tiny.run("focal", false, -1, {"phases.0.loss.heatmap=0", "phases.0.loss.focal=1"});
  const MetricsLog log = read_metrics_log(tiny.dir.file("focal/metrics.csv"));
  const std::vector<double> focal = log.column("loss_focal"), heatmap = log.column("loss_heatmap");
  ASSERT_EQ(focal.size(), 4u);
  for (size_t i = 0; i < 2; ++i) {  // phase 0 weights focal only; phase 1 weights neither
    EXPECT_GT(focal[i], 0.0) << "epoch " << i;
    EXPECT_EQ(heatmap[i], 0.0) << "epoch " << i;
    EXPECT_EQ(focal[i + 2], 0.0) << "epoch " << i + 2;
  }
  EXPECT_LT(focal[1], focal[0]) << "the focal term trains";
  EXPECT_NE(slurp(tiny.dir.file("focal/config.yaml")).find("focal: 1"), std::string::npos);
}

TEST(Trainer, AnInterruptedRunResumesToTheSameWeightsAsAnUninterruptedOne) {
  TinyRun tiny;
  tiny.run("whole");
  // Stop mid-epoch in phase 1 (step 7 = epoch 2, batch 2), then in phase 2 (epoch 1, batch 3).
  TrainResult first = tiny.run("parts", false, 7);
  EXPECT_TRUE(first.interrupted);
  TrainResult second = tiny.run("parts", true, 6);
  EXPECT_TRUE(second.interrupted);
  TrainResult third = tiny.run("parts", true);
  EXPECT_FALSE(third.interrupted);
  EXPECT_EQ(first.steps + second.steps + third.steps, 20);
  auto whole = tiny.weights("whole"), parts = tiny.weights("parts");
  for (const auto& kv : whole) EXPECT_TRUE(torch::equal(kv.second, parts.at(kv.first))) << kv.first;
  EXPECT_EQ(metrics_without_timing(tiny.dir.file("whole/metrics.csv")),
            metrics_without_timing(tiny.dir.file("parts/metrics.csv")));
  EXPECT_TRUE(std::filesystem::exists(tiny.dir.file("parts/checkpoints/best.pt")));
  EXPECT_TRUE(std::filesystem::exists(tiny.dir.file("parts/config.yaml")));
}

TEST(Trainer, BestCheckpointOfAHeatmapDecoderRunHoldsTheTrainedRegressionBranch) {
  // Scored by the heatmap decoder, whose branch the regression phase keeps
  // frozen: its validation PCK cannot rise in phase 2, yet best.pt must be a
  // phase-2 epoch (the later of equal ones), not phase 1's untrained head.
  TinyRun tiny;
  TrainResult r = tiny.run("heat", false, -1, {"eval.decoder=heatmap"});
  ASSERT_FALSE(r.interrupted);
  const std::string best = tiny.dir.file("heat/checkpoints/best.pt");
  Checkpoint meta = load_checkpoint(best, nullptr, "", nullptr);
  EXPECT_EQ(meta.progress.phase, 1) << "best.pt comes from the last phase";
  EXPECT_EQ(meta.progress.epoch, 2) << "ties go to the later epoch";
  PoseModel from_best = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  YAML::Emitter description;
  description << from_best->describe();
  load_checkpoint(best, from_best.get(), description.c_str(), nullptr);
  auto last = tiny.weights("heat");
  for (const auto& kv : from_best->named_parameters())
    EXPECT_TRUE(torch::equal(kv.value(), last.at(kv.key()))) << kv.key();
}

TEST(Trainer, Bf16AutocastOnCpuTrainsWithFiniteLossesCloseToFp32) {
  TinyRun tiny;
  TrainResult full = tiny.run("fp32");
  TrainResult half = tiny.run("bf16", false, -1, {}, "bf16");
  EXPECT_EQ(half.steps, full.steps);
  auto w32 = tiny.weights("fp32"), w16 = tiny.weights("bf16");
  double changed = 0;
  for (const auto& kv : w16) {
    ASSERT_TRUE(torch::isfinite(kv.second).all().item<bool>()) << kv.first;
    ASSERT_EQ(kv.second.scalar_type(), torch::kFloat) << kv.first << ": master weights must stay float32";
    changed += (kv.second - w32.at(kv.first)).abs().max().item<double>();
  }
  EXPECT_GT(changed, 0) << "bf16 gave bit-identical weights: autocast did nothing";
  // Same data, same seed: the epoch losses agree to bf16 precision.
  const std::vector<double> loss32 = test::epoch_losses(tiny.dir.file("fp32/metrics.csv"));
  const std::vector<double> loss16 = test::epoch_losses(tiny.dir.file("bf16/metrics.csv"));
  ASSERT_EQ(loss32.size(), loss16.size());
  for (size_t i = 0; i < loss32.size(); ++i)
    EXPECT_NEAR(loss32[i], loss16[i], 0.05 * loss32[i] + 1e-3) << "epoch row " << i + 1;
}

TEST(Trainer, ResumingWithAnotherArchitectureIsRefused) {
  TinyRun tiny;
  tiny.run("run", false, 3);
  try {
    tiny.run("run", true, -1, {"model.options.head=16"});
    FAIL() << "expected kplab::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another architecture"), std::string::npos) << e.what();
  }
}

TEST(Trainer, AnExistingRunIsNotOverwrittenWithoutResume) {
  TinyRun tiny;
  tiny.run("run", false, 2);
  EXPECT_THROW(tiny.run("run"), Error);
}

TEST(Trainer, ResumeTrainsTheRaisedEpochsOfThePhaseItStoppedIn) {
  TinyRun tiny;
  const TrainResult first = tiny.run("run", false, 2);  // stopped in phase 1 (2 epochs of 5 steps)
  ASSERT_TRUE(first.interrupted);
  const TrainResult rest = tiny.run("run", true, -1, {"phases.0.epochs=3"});
  EXPECT_FALSE(rest.interrupted);
  EXPECT_EQ(first.steps + rest.steps, 25) << "3 + 2 epochs of 5 steps";
  EXPECT_EQ(test::epoch_losses(tiny.dir.file("run/metrics.csv")).size(), 5u);
}

TEST(Trainer, ResumeRefusesToReopenAFinishedPhase) {
  TinyRun tiny;
  tiny.run("run");
  // The last phase finished: more epochs there would train nothing. Refused, naming the key and init:.
  test::expect_error_with([&] { tiny.run("run", true, -1, {"phases.1.epochs=4"}); },
                          {tiny.experiment, "phases[1].epochs", "at most 2", "finished", "init: {from: " + tiny.dir.file("run")});
  EXPECT_EQ(test::epoch_losses(tiny.dir.file("run/metrics.csv")).size(), 4u) << "the run is untouched";
}

TEST(Trainer, CacheAndModelMustAgree) {
  TinyRun tiny;
  try {
    tiny.run("run", false, -1, {"model.options.input_size=128"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--size 128"), std::string::npos) << e.what();
  }
}

TEST(TrainCli, TrainsWritesItsSummaryAndTheRunExports) {
  TinyRun tiny;
  const std::string run = tiny.dir.file("cli"), json = tiny.dir.file("train.json");
  test::CliResult r = test::run_kplab(tiny.dir, "train " + tiny.experiment + " --out " + run +
                                                  " --set phases.0.epochs=1 --set phases.1.epochs=1 --json " + json);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["steps"].get<int>(), 10);
  EXPECT_GT(j["images_per_s"].get<double>(), 0.0);
  EXPECT_TRUE(j["last_validation"].contains("pck@0.2"));
  EXPECT_NE(slurp(run + "/config.yaml").find("blazepose_lite"), std::string::npos);
  // The run's best checkpoint exports with parity (the architecture comes from the checkpoint).
  r = test::run_kplab(tiny.dir, "export " + run + " --onnx " + tiny.dir.file("run.onnx"));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(std::filesystem::exists(tiny.dir.file("run.onnx")));
  // And evaluates: the JSON carries the documented keys.
  r = test::run_kplab(tiny.dir, "eval " + run + " --split val --json " + tiny.dir.file("eval.json"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  nlohmann::json ev = nlohmann::json::parse(slurp(tiny.dir.file("eval.json")));
  for (const char* key : {"pck@0.2", "pckh@0.5", "auc", "per_joint", "mean_px", "n_samples", "n_joints", "decoder",
                          "split", "checkpoint"})
    EXPECT_TRUE(ev.contains(key)) << key;
  EXPECT_EQ(ev["split"], "val");
  // best.pt was chosen by validation PCK@0.2 (regression decoder): eval recomputes that number.
  EXPECT_NEAR(ev["pck@0.2"].get<double>(), j["best_metric"].get<double>(), 1e-9);
}

}  // namespace
}  // namespace kplab
