// Non-finite numbers never pass silently: a loss that turns NaN stops the
// run naming the step and the loss term (or, with --skip-nonfinite N, after N
// skipped steps), nothing non-finite is saved or loaded, a NaN
// label in a cache is refused by row and joint, and a checkpoint holding
// NaN weights is refused by eval, export and release (they all load through
// load_checkpoint).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "data/cache.h"
#include "model/weights_check.h"
#include "models/registry.h"
#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "train/checkpoint.h"
#include "train/experiment.h"
#include "train/trainer.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

TrainResult train_tiny(const TempDir& dir, const std::string& experiment, const std::string& out, int64_t skip = 0) {
  TrainOptions t;
  t.run_dir = dir.file(out);
  t.progress = false;
  t.max_nonfinite_steps = skip;
  return train(load_experiment(experiment), t, model_registry());
}

TEST(NonFinite, AHugeLearningRateStopsAtTheFirstNonFiniteLossNamingStepAndTerm) {
  TempDir dir;
  const std::string exp = test::tiny_experiment(dir, test::synthetic_cache(dir, "c.h5"), "{type: adam, lr: 1.0e+30}");
  const std::string msg = test::expect_error_with([&] { train_tiny(dir, exp, "run"); },
                                                  {"phase 'heatmap' epoch 1 step ", "loss term 'heatmap' is ",
                                                   "training stopped", "no checkpoint was saved yet"});
  EXPECT_TRUE(msg.find("nan") != std::string::npos || msg.find("inf") != std::string::npos) << msg;
  // Nothing was saved before the first epoch ended: a new run leaves no folder.
  EXPECT_FALSE(fs::exists(dir.file("run")));
}

TEST(NonFinite, SkippedStepsAreBounded) {
  TempDir dir;
  const std::string exp = test::tiny_experiment(dir, test::synthetic_cache(dir, "c.h5"), "{type: adam, lr: 1.0e+30}");
  // Steps 2 and 3 (epoch 1) are skipped; the third bad step, in epoch 2, stops the run.
  test::expect_error_with([&] { train_tiny(dir, exp, "run", 2); },
                          {"phase 'heatmap' epoch 2 step 4: loss term 'heatmap' is ", "2 non-finite step(s) were allowed"});
  EXPECT_TRUE(fs::exists(dir.file("run/checkpoints/last.pt"))) << "epoch 1 ended and was saved";
}

TEST(NonFinite, NonFiniteParametersAreFoundByName) {
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  EXPECT_EQ(first_nonfinite_parameter(*m), "");
  torch::NoGradGuard no_grad;
  const auto params = m->named_parameters();
  const auto& last = params[params.size() - 1];
  last.value().view(-1)[0] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(first_nonfinite_parameter(*m), last.key());
}

TEST(NonFinite, ARunThatGoesBadLaterKeepsItsLastFiniteCheckpoint) {
  TempDir dir;
  const std::string cache = test::synthetic_cache(dir, "c.h5");
  // Epoch 1 trains normally, then a resume with a huge learning rate goes bad.
  const std::string good = test::tiny_experiment(dir, cache);
  TrainOptions t;
  t.run_dir = dir.file("run");
  t.progress = false;
  t.stop_after_steps = 4;  // epochs of 3 steps: stopped after the first step of epoch 2, last.pt saved
  train(load_experiment(good), t, model_registry());
  const std::string saved = test::slurp(dir.file("run/checkpoints/last.pt"));
  ASSERT_FALSE(saved.empty());
  t.stop_after_steps = -1;
  t.resume = true;
  test::expect_error_with(
      [&] { train(load_experiment(good, {"phases.0.optimizer.lr=1.0e+30"}), t, model_registry()); },
      {"step ", "training stopped", dir.file("run/checkpoints/last.pt")});
  // The failed resume changed nothing: last.pt is still the finite state it started from.
  EXPECT_EQ(test::slurp(dir.file("run/checkpoints/last.pt")), saved);
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  YAML::Emitter e;
  e << m->describe();
  EXPECT_NO_THROW(load_checkpoint(dir.file("run/checkpoints/last.pt"), m.get(), e.c_str(), nullptr));
}

TEST(NonFinite, ANanLabelInACacheIsRefusedByRowAndJoint) {
  TempDir dir;
  const std::string path = test::synthetic_cache(dir, "c.h5");
  CacheData d = read_cache(path);
  d.keypoints[2 * 14 * 5 + 2 * 3 + 1] = std::nanf("");  // person 5, joint 3, y
  write_cache(dir.file("nan.h5"), d);
  test::expect_error_with([&] { read_cache(dir.file("nan.h5")); }, {dir.file("nan.h5"), "keypoints[5][3]", "finite", "nan"});
}

TEST(NonFinite, ACheckpointWithNanWeightsIsRefusedOnLoad) {
  TempDir dir;
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  YAML::Emitter e;
  e << m->describe();
  {
    torch::NoGradGuard no_grad;
    m->named_parameters().begin()->value().view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
  }
  Checkpoint c;
  c.model = e.c_str();
  save_checkpoint(dir.file("nan.pt"), c, *m, nullptr);
  PoseModel fresh = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  test::expect_error_with([&] { load_checkpoint(dir.file("nan.pt"), fresh.get(), e.c_str(), nullptr); },
                          {dir.file("nan.pt"), "model weight '", "NaN or infinity"});
}

}  // namespace
}  // namespace kplab
