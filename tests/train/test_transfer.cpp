// Transfer learning (experiment key init:): weights load by name; the heads'
// per-joint rows load by joint name across schemas; what cannot load is
// named; a run started from another keeps the mapping (init.json) and a
// fresh history; bad init sources fail with one line.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/schema.h"
#include "models/registry.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "support/tiny_run.h"
#include "train/checkpoint.h"
#include "train/experiment.h"
#include "train/trainer.h"
#include "train/transfer.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::vector<std::string> joints_of(const std::string& schema) {
  return load_schema(test::source_dir() + "/datasets/" + schema).joints;
}

PoseModel model(const std::string& name, const std::string& options, uint64_t seed) {
  torch::manual_seed(seed);
  return create_model(name, YAML::Load(options));
}

// Saves `m` as a weights-only checkpoint with `joints`.
std::string save(const TempDir& dir, const std::string& file, const PoseModel& m, const std::vector<std::string>& joints) {
  Checkpoint c;
  YAML::Emitter e;
  e << m->describe();
  c.model = e.c_str();
  c.joint_names = joints;
  save_checkpoint(dir.file(file), c, *m, nullptr);
  return dir.file(file);
}

InitConfig from(const std::string& path, std::vector<std::string> load = {}) {
  InitConfig i;
  i.from = path;
  i.load = std::move(load);
  return i;
}

TEST(Transfer, KeypointParametersAreExactlyThoseWhoseShapeFollowsTheKeypointCount) {
  for (const std::string& name : model_registry().names()) {
    PoseModel a = create_model(name, YAML::Load("{num_keypoints: 14}"));
    PoseModel b = create_model(name, YAML::Load("{num_keypoints: 17}"));
    std::set<std::string> differ;
    const auto pb = b->named_parameters();
    for (const auto& p : a->named_parameters())
      if (p.value().sizes() != pb[p.key()].sizes()) differ.insert(p.key());
    std::set<std::string> declared;
    for (const auto& [param, rows] : a->keypoint_parameters()) {
      declared.insert(param);
      EXPECT_EQ(a->named_parameters()[param].size(0), rows * 14) << name << " " << param;
    }
    EXPECT_EQ(declared, differ) << name;
  }
}

TEST(Transfer, TheSameSchemaLoadsEveryTensor) {
  TempDir dir;
  const auto lsp = joints_of("lsp.yaml");
  PoseModel src = model("blazepose_lite", "{input_size: 64}", 1), dst = model("blazepose_lite", "{input_size: 64}", 2);
  const TransferReport r = transfer_weights(from(save(dir, "a.pt", src, lsp)), *dst, lsp, model_registry());
  EXPECT_TRUE(r.fresh.empty());
  const auto ps = src->named_parameters();
  for (const auto& p : dst->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), ps[p.key()])) << p.key();
}

TEST(Transfer, AnotherSchemaTakesTheJointsBothNameRowByRow) {
  TempDir dir;
  const auto lsp = joints_of("lsp.yaml"), coco = joints_of("coco.yaml");
  PoseModel src = model("blazepose_lite", "{input_size: 64}", 1);
  PoseModel dst = model("blazepose_lite", "{input_size: 64, num_keypoints: 17}", 2);
  const auto before = dst->named_parameters()["regression.coords.weight"].clone();
  const TransferReport r = transfer_weights(from(save(dir, "a.pt", src, lsp)), *dst, coco, model_registry());
  ASSERT_EQ(r.joint_map.size(), 17u);
  EXPECT_EQ(r.joint_map[0], -1) << "nose is not an LSP joint";
  const int left_wrist_coco = 9, left_wrist_lsp = 11;
  EXPECT_EQ(r.joint_map[left_wrist_coco], left_wrist_lsp);
  EXPECT_EQ(r.per_joint.size(), 6u) << "heatmap.out, regression.coords and .visibility: weight and bias";
  const auto s = src->named_parameters(), d = dst->named_parameters();
  EXPECT_TRUE(torch::equal(d["heatmap.out.weight"][left_wrist_coco], s["heatmap.out.weight"][left_wrist_lsp]));
  EXPECT_TRUE(torch::equal(d["regression.coords.weight"].narrow(0, 2 * left_wrist_coco, 2),
                           s["regression.coords.weight"].narrow(0, 2 * left_wrist_lsp, 2)));
  EXPECT_TRUE(torch::equal(d["regression.coords.weight"].narrow(0, 0, 2), before.narrow(0, 0, 2)))
      << "the nose keeps its fresh initialisation";
  EXPECT_GT(r.loaded.size(), 50u);
  for (const auto& name : r.loaded)
    if (d.contains(name)) EXPECT_TRUE(torch::equal(d[name], s[name])) << name;
  const std::string text = r.text();
  EXPECT_NE(text.find("joints: 12 of 17 from the source"), std::string::npos) << text;
  EXPECT_NE(text.find("fresh: nose, left_eye, right_eye, left_ear, right_ear"), std::string::npos) << text;
}

TEST(Transfer, WhatCannotLoadAfterAnInputSizeChangeIsNamed) {
  TempDir dir;
  const auto lsp = joints_of("lsp.yaml");
  PoseModel src = model("blazepose_lite", "{input_size: 64, regression_pool: flatten}", 1);
  PoseModel dst = model("blazepose_lite", "{input_size: 128, regression_pool: flatten}", 2);
  const TransferReport r = transfer_weights(from(save(dir, "a.pt", src, lsp)), *dst, lsp, model_registry());
  std::set<std::string> fresh;
  for (const auto& [name, why] : r.fresh) {
    fresh.insert(name);
    EXPECT_NE(why.find("shape "), std::string::npos) << name << ": " << why;
  }
  EXPECT_EQ(fresh, (std::set<std::string>{"regression.coords.weight", "regression.visibility.weight"}));
  EXPECT_GT(r.loaded.size(), 50u) << "the fully convolutional parts load";
}

TEST(Transfer, LoadPatternsChooseTheGroups) {
  TempDir dir;
  const auto lsp = joints_of("lsp.yaml");
  PoseModel src = model("blazepose_lite", "{input_size: 64}", 1), dst = model("blazepose_lite", "{input_size: 64}", 2);
  const auto before = dst->named_parameters()["heatmap.out.weight"].clone();
  const TransferReport r = transfer_weights(from(save(dir, "a.pt", src, lsp), {"backbone"}), *dst, lsp, model_registry());
  for (const auto& name : r.loaded) EXPECT_EQ(name.rfind("backbone.", 0), 0u) << name;
  EXPECT_TRUE(torch::equal(dst->named_parameters()["heatmap.out.weight"], before));
}

TEST(Transfer, BadSourcesFailWithOneLine) {
  TempDir dir;
  const auto lsp = joints_of("lsp.yaml");
  PoseModel dst = model("blazepose_lite", "{input_size: 64}", 2);
  test::expect_error_with([&] { transfer_weights(from(dir.file("nowhere")), *dst, lsp, model_registry()); },
                          {dir.file("nowhere"), "init.from", "no such file or folder"});
  fs::create_directories(dir.file("empty_run"));
  test::expect_error_with([&] { transfer_weights(from(dir.file("empty_run")), *dst, lsp, model_registry()); },
                          {dir.file("empty_run"), "checkpoints/best.pt or last.pt"});
  // A schema sharing no joint with the source.
  PoseModel src = model("blazepose_lite", "{input_size: 64}", 1);
  std::vector<std::string> other;
  for (int j = 0; j < 14; ++j) other.push_back("point" + std::to_string(j));
  const std::string ckpt = save(dir, "other.pt", src, other);
  test::expect_error_with([&] { transfer_weights(from(ckpt), *dst, lsp, model_registry()); },
                          {ckpt, "joint names", "at least one joint shared"});
  // Patterns that leave nothing to load.
  test::expect_error_with([&] { transfer_weights(from(save(dir, "a.pt", src, lsp), {"no_such_group"}), *dst, lsp,
                                                 model_registry()); },
                          {"weights", "match init.load"});
  test::write_file(dir.file("notes.pt"), "not a checkpoint");
  test::expect_error_with([&] { transfer_weights(from(dir.file("notes.pt")), *dst, lsp, model_registry()); },
                          {dir.file("notes.pt")});
}

TEST(Transfer, ARunStartedFromAnotherKeepsTheMappingAndAFreshHistory) {
  TempDir dir;
  const test::TinyRun& tiny = test::tiny_run();
  const std::string exp = dir.file("finetune.yaml");
  std::ofstream(exp) << "base: " << tiny.experiment << "\ninit: {from: " << tiny.run << ", load: [backbone, heatmap]}\n";
  TrainOptions t;
  t.run_dir = dir.file("run");
  t.progress = false;
  train(load_experiment(exp), t, model_registry());
  const auto init = nlohmann::json::parse(test::slurp(dir.file("run/init.json")));
  EXPECT_EQ(init["checkpoint"], tiny.run + "/checkpoints/best.pt");
  EXPECT_EQ(init["joints"].size(), 14u);
  EXPECT_FALSE(init["loaded"].empty());
  EXPECT_EQ(test::lines(test::slurp(dir.file("run/metrics.csv"))).size(), 3u) << "header + this run's 2 epochs only";
  EXPECT_NE(test::slurp(dir.file("run/config.yaml")).find("init:"), std::string::npos);
}

}  // namespace
}  // namespace kplab
