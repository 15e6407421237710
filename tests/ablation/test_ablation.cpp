// The ablation runner: the file's validation, the tables, and a two-variant
// ablation on synthetic data through `kplab ablate` (rows, columns, resume).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ablation/ablation_run.h"
#include "ablation/ablation_spec.h"
#include "ablation/results_table.h"
#include "core/error.h"
#include "data/prepare.h"
#include "models/registry.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

using test::TempDir;

using test::slurp;

std::string error_of(const std::string& path) {
  try {
    load_ablation(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(AblationSpec, VariantsInheritTheBaseAndTheSharedOverridesComeFirst) {
  TempDir dir;
  std::ofstream(dir.file("exp.yaml")) << "seed: 0\n";
  std::ofstream(dir.file("other.yaml")) << "seed: 1\n";
  std::ofstream(dir.file("a.yaml")) << "name: demo\nbase: exp.yaml\nset: [phases.0.epochs=1]\n"
                                       "eval: {split: val, decoder: heatmap}\nbench: {threads: 1, repeats: 7}\n"
                                       "variants:\n  - {name: base}\n  - {name: cbam, set: [model.name=blazepose_cbam]}\n"
                                       "  - {name: own, experiment: other.yaml}\n";
  AblationSpec s = load_ablation(dir.file("a.yaml"), {"seed=5"});
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.eval_split, "val");
  EXPECT_EQ(s.eval_decoder, "heatmap");
  EXPECT_EQ(s.bench_threads, 1);
  EXPECT_EQ(s.bench_repeats, 7);
  ASSERT_EQ(s.variants.size(), 3u);
  EXPECT_EQ(s.variants[0].experiment, dir.file("exp.yaml"));
  EXPECT_EQ(s.variants[0].overrides, (std::vector<std::string>{"phases.0.epochs=1", "seed=5"}));
  EXPECT_EQ(s.variants[1].overrides,
            (std::vector<std::string>{"phases.0.epochs=1", "seed=5", "model.name=blazepose_cbam"}));
  EXPECT_EQ(s.variants[2].experiment, dir.file("other.yaml"));
}

TEST(AblationSpec, BadFilesNameTheKey) {
  TempDir dir;
  auto write = [&](const std::string& text) {
    std::ofstream(dir.file("a.yaml")) << text;
    return dir.file("a.yaml");
  };
  EXPECT_NE(error_of(write("base: e.yaml\nvariantz: []\n")).find("variantz"), std::string::npos);
  EXPECT_NE(error_of(write("base: e.yaml\nvariants: []\n")).find("variants"), std::string::npos);
  EXPECT_NE(error_of(write("base: e.yaml\nvariants: [{name: a}, {name: a}]\n")).find("variants[1].name"),
            std::string::npos);
  EXPECT_NE(error_of(write("base: e.yaml\nvariants: [{name: ../up}]\n")).find("names a folder"), std::string::npos);
  EXPECT_NE(error_of(write("variants: [{name: a}]\n")).find("variants[0].experiment"), std::string::npos);
  EXPECT_NE(error_of(write("base: e.yaml\neval: {decoder: argmax}\nvariants: [{name: a}]\n")).find("eval.decoder"),
            std::string::npos);
  EXPECT_NE(error_of(write("base: e.yaml\nvariants: [{name: a, sett: [x=1]}]\n")).find("sett"), std::string::npos);
}

// --variants: the rows named, in the file's order; an unknown name fails
// listing the file's variants.
TEST(AblationSpec, SelectVariantsKeepsTheFilesOrderAndRefusesUnknownNames) {
  TempDir dir;
  std::ofstream(dir.file("exp.yaml")) << "seed: 0\n";
  std::ofstream(dir.file("a.yaml")) << "base: exp.yaml\nvariants: [{name: base}, {name: cbam}, {name: vit2}]\n";
  AblationSpec s = load_ablation(dir.file("a.yaml"));
  select_variants(s, {});
  EXPECT_EQ(s.variants.size(), 3u);
  select_variants(s, {"vit2", "base"});
  ASSERT_EQ(s.variants.size(), 2u);
  EXPECT_EQ(s.variants[0].name, "base");
  EXPECT_EQ(s.variants[1].name, "vit2");
  AblationSpec all = load_ablation(dir.file("a.yaml"));
  test::expect_error_with([&] { select_variants(all, {"base", "vit"}); },
                          {"a.yaml", "variants", "vit", "base, cbam, vit2"});
  EXPECT_EQ(all.variants.size(), 3u);
}

TEST(ResultsTable, CsvAndMarkdownHaveOneLinePerVariantAndEveryColumn) {
  nlohmann::json results = {{"name", "t"},
                             {"split", "test"},
                             {"decoder", "regression"},
                             {"hardware", {{"cpu", "Some CPU, 2 GHz"}, {"threads", 2}, {"device", "cpu"}}},
                             {"rows",
                              {{{"variant", "base"}, {"status", "done"}, {"params", 100}, {"macs", 2000000},
                                {"pck@0.2", 0.5}, {"pckh@0.5", nullptr}, {"auc", 0.25}, {"latency_torch_ms", 3.0},
                                {"latency_onnx_ms", 2.0}, {"latency_kplab_ms", 0.75}, {"train_seconds", 120.0}},
                               {{"variant", "next"}, {"status", "pending"}}}}};
  std::istringstream csv(results_csv(results));
  std::vector<std::string> lines;
  for (std::string l; std::getline(csv, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(std::count(lines[0].begin(), lines[0].end(), ','), static_cast<long>(kAblationColumns.size() - 1));
  EXPECT_EQ(lines[1].rfind("base,done,,100,2000000,0.5,,0.25,", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("\"Some CPU, 2 GHz, 2 threads, cpu\""), std::string::npos) << lines[1];  // quoted comma
  const std::string md = results_markdown(results);
  EXPECT_NE(md.find("| base | 100 | 0.002 | 50.0% | – | 25.0% | – | 3.00 | 2.00 | 0.75 | 2.0 | done |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| next | – |"), std::string::npos) << md;
  EXPECT_NE(md.find("`test` split"), std::string::npos);
}

// Two variants (blazepose_lite and a narrower decoder) on a 24-person
// synthetic cache, one epoch a phase.
TEST(AblateCli, TwoVariantsTrainEvaluateBenchmarkAndResume) {
  TempDir dir;
  PrepareOptions o;
  o.format = "synthetic";
  o.synthetic_count = 24;
  o.size = 64;
  o.schema_path = std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml";
  o.out = dir.file("tiny.h5");
  o.progress = false;
  o.split = "16,4,4";
  prepare(o);
  std::ofstream(dir.file("exp.yaml")) << "seed: 1\n"
                                         "model: {name: blazepose_lite, options: {input_size: 64}}\n"
                                         "data: {cache: " << o.out << ", schema: " << o.schema_path << "}\n"
                                         "phases:\n"
                                         "  - {name: heatmap, epochs: 1, trainable: [backbone, heatmap], batch_size: 8,\n"
                                         "     loss: {heatmap: 1, coords: 0, visibility: 0}, optimizer: {type: adam, lr: 0.001}}\n"
                                         "  - {name: regression, epochs: 1, trainable: [regression], batch_size: 8,\n"
                                         "     loss: {heatmap: 0, coords: 1, visibility: 1}, optimizer: {type: adam, lr: 0.001}}\n";
  std::ofstream(dir.file("abl.yaml")) << "name: tiny\nbase: exp.yaml\nbench: {threads: 1, warmup: 1, repeats: 3}\n"
                                         "variants:\n  - {name: avg}\n"
                                         "  - {name: narrow, set: [model.options.decoder=16]}\n";
  const std::string out = dir.file("abl");
  const std::string args = "ablate " + dir.file("abl.yaml") + " --out " + out + " --threads 1";
  test::CliResult run = test::run_kplab(dir, args);
  ASSERT_EQ(run.code, 0) << run.out << run.err;

  nlohmann::json r = nlohmann::json::parse(slurp(out + "/results.json"));
  ASSERT_EQ(r["rows"].size(), 2u);
  EXPECT_EQ(r["split"], "test");
  for (const auto& row : r["rows"]) {
    EXPECT_EQ(row["status"], "done") << row.dump();
    for (const char* key : {"params", "macs", "pck@0.2", "pckh@0.5", "auc", "latency_torch_ms", "latency_onnx_ms",
                            "train_seconds"})
      EXPECT_TRUE(row[key].is_number()) << key << " in " << row.dump();
    EXPECT_GT(row["latency_onnx_ms"].get<double>(), 0);
    EXPECT_GT(row["latency_kplab_ms"].get<double>(), 0);
    EXPECT_TRUE(std::filesystem::exists(out + "/" + row["variant"].get<std::string>() + "/eval.json"));
  }
  EXPECT_EQ(r["rows"][0]["variant"], "avg");
  EXPECT_EQ(r["rows"][1]["variant"], "narrow");
  EXPECT_LT(r["rows"][1]["params"].get<int64_t>(), r["rows"][0]["params"].get<int64_t>());
  const std::string csv = slurp(out + "/results.csv"), md = slurp(out + "/results.md");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  EXPECT_NE(md.find("| avg |"), std::string::npos);
  EXPECT_NE(md.find("| narrow |"), std::string::npos);

  // Again: both rows are kept, nothing retrains.
  const auto before = std::filesystem::last_write_time(out + "/avg/checkpoints/last.pt");
  run = test::run_kplab(dir, args);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("avg: done before, kept"), std::string::npos) << run.err;
  EXPECT_EQ(std::filesystem::last_write_time(out + "/avg/checkpoints/last.pt"), before);
}

// An ablation whose variant b trains on another cache than a (refused).
void write_ablation_on_two_caches(const TempDir& dir) {
  std::ofstream(dir.file("exp.yaml")) << "seed: 1\nmodel: {name: blazepose_lite, options: {input_size: 64}}\n"
                                         "data: {cache: a.h5, schema: "
                                      << KPLAB_SOURCE_DIR << "/datasets/lsp.yaml}\n"
                                         "phases: [{name: p, epochs: 1, trainable: [backbone], batch_size: 4,\n"
                                         "          loss: {heatmap: 1, coords: 0, visibility: 0}, optimizer: {type: adam, lr: 0.001}}]\n";
  std::ofstream(dir.file("abl.yaml")) << "base: exp.yaml\nvariants: [{name: a}, {name: b, set: [data.cache=b.h5]}]\n";
}

TEST(AblateCli, VariantsOnDifferentDataAreRefusedBeforeTraining) {
  TempDir dir;
  write_ablation_on_two_caches(dir);
  const test::CliResult r = test::run_kplab(dir, "ablate " + dir.file("abl.yaml") + " --out " + dir.file("out"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("same data"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
}

TEST(AblateCli, UnknownVariantIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  std::ofstream(dir.file("exp.yaml")) << "seed: 0\n";
  std::ofstream(dir.file("a.yaml")) << "base: exp.yaml\nvariants: [{name: base}, {name: cbam}]\n";
  const test::CliResult r =
      test::run_kplab(dir, "ablate " + dir.file("a.yaml") + " --variants base,vit2 --out " + dir.file("out"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("vit2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("base, cbam"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
}

// The runner is a library call (src/ablation/ablation_run.h): the same
// refusal, in-process, with nothing written.
TEST(AblationRun, VariantsOnDifferentDataAreRefusedInProcessBeforeAnythingIsWritten) {
  TempDir dir;
  write_ablation_on_two_caches(dir);
  AblationRunOptions o;
  o.ablation = dir.file("abl.yaml");
  o.out = dir.file("out");
  test::expect_error_with([&] { run_ablation(o, model_registry()); }, {"same data"});
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
}

TEST(BenchCli, RegistryModelJsonHasBothRuntimesAtEachBatch) {
  TempDir dir;
  const std::string json = dir.file("b.json");
  const test::CliResult run = test::run_kplab(
      dir, "bench blazepose_lite --size 64 --batch 1,2 --threads 1 --warmup 1 --repeats 3 --json " + json);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["model"], "blazepose_lite");
  EXPECT_GT(j["parameters"].get<int64_t>(), 0);
  EXPECT_GT(j["macs"].get<int64_t>(), 0);
  EXPECT_EQ(j["hardware"]["threads"], 1);
  ASSERT_EQ(j["results"].size(), 8u);
  EXPECT_EQ(j["kplab_xnnpack"], "covered");
  std::set<std::pair<std::string, int>> seen;
  for (const auto& r : j["results"]) {
    seen.insert({r["runtime"].get<std::string>(), r["batch"].get<int>()});
    EXPECT_GT(r["median_ms"].get<double>(), 0);
    EXPECT_LE(r["median_ms"].get<double>(), r["p99_ms"].get<double>());
    EXPECT_EQ(r["repeats"], 3);
  }
  EXPECT_EQ(seen, (std::set<std::pair<std::string, int>>{{"libtorch_eager", 1},
                                                          {"libtorch_eager", 2},
                                                          {"libtorch_channels_last", 1},
                                                          {"libtorch_channels_last", 2},
                                                          {"opencv_dnn", 1},
                                                          {"opencv_dnn", 2},
                                                          {"kplab_xnnpack", 1},
                                                          {"kplab_xnnpack", 2}}));
}

// --runtimes times only the rows named (the paired rounds of
// tools/bench_runtimes.sh time the runner alone); an unknown name is refused.
TEST(BenchCli, RuntimesSelectsTheRowsAndRefusesUnknownNames) {
  TempDir dir;
  const std::string json = dir.file("b.json");
  const test::CliResult run = test::run_kplab(
      dir, "bench blazepose_lite --size 64 --batch 1 --threads 1 --warmup 1 --repeats 3 --runtimes kplab_xnnpack --profile "
           "--json " + json);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json j = nlohmann::json::parse(slurp(json));
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["runtime"], "kplab_xnnpack");
  EXPECT_GT(j["kplab_xnnpack_profile"]["median_ms"]["convolution"].get<double>(), 0);
  const test::CliResult bad = test::run_kplab(dir, "bench blazepose_lite --size 64 --runtimes tflite");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("'tflite'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace kplab
