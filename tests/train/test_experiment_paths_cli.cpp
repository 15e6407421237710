// Paths in an experiment follow the file that names them (#14): a project laid
// out as project/{data,datasets,experiments}/ trains from any working
// directory, and the run's config.yaml names its data relative to the run, so
// eval works on the run from another working directory again.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::quote;
using test::TempDir;

TEST(ExperimentPathsCli, ATrainFromAnotherFolderAndAnEvalFromAThirdFindTheData) {
  TempDir dir;
  fs::create_directories(dir.file("project/data"));
  test::synthetic_cache(dir, "project/data/people.h5", 16);
  fs::create_directories(dir.file("project/datasets"));
  fs::copy_file(test::source_dir() + "/datasets/lsp.yaml", dir.file("project/datasets/lsp.yaml"));
  test::write_file(dir.file("project/experiments/tiny.yaml"),
                   "model: {name: blazepose_lite, options: {input_size: 64}}\n"
                   "data: {cache: ../data/people.h5, schema: ../datasets/lsp.yaml, workers: 1}\n"
                   "phases:\n"
                   "  - {name: heatmap, epochs: 1, trainable: [backbone, heatmap], batch_size: 4,\n"
                   "     loss: {heatmap: 1, coords: 0, visibility: 0}}\n");
  fs::create_directories(dir.file("elsewhere"));

  const test::CliResult train = test::run_kplab(
      dir, "train ../project/experiments/tiny.yaml --out run --threads 1", "cd " + quote(dir.file("elsewhere")) + " &&");
  ASSERT_EQ(train.code, 0) << train.err;
  EXPECT_FALSE(test::has(train.err, "warning")) << train.err;
  const YAML::Node config = YAML::LoadFile(dir.file("elsewhere/run/config.yaml"));
  EXPECT_EQ(config["data"]["cache"].as<std::string>(), "../../project/data/people.h5");
  EXPECT_EQ(config["data"]["schema"].as<std::string>(), "../../project/datasets/lsp.yaml");

  const test::CliResult eval = test::run_kplab(dir, "eval elsewhere/run --split test", "cd " + quote(dir.path().string()) + " &&");
  ASSERT_EQ(eval.code, 0) << eval.err;
  EXPECT_TRUE(test::has(eval.out, "people.h5")) << eval.out;
}

TEST(ExperimentPathsCli, AMissingCacheIsNamedWhereItWasLookedFor) {
  TempDir dir;
  test::write_file(dir.file("project/experiments/tiny.yaml"),
                   "model: {name: blazepose_lite, options: {input_size: 64}}\n"
                   "data: {cache: ../data/none.h5, schema: " + test::source_dir() + "/datasets/lsp.yaml}\n"
                   "phases: [{name: a, epochs: 1, trainable: [all]}]\n");
  const test::CliResult r = test::run_kplab(dir, "train " + quote(dir.file("project/experiments/tiny.yaml")) + " --out " +
                                                     quote(dir.file("run")));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(test::has(r.err, dir.file("project/data/none.h5"))) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("run")));
}

}  // namespace
}  // namespace kplab
