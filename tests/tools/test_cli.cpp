// The kplab command itself (KPLAB_BINARY): exit codes, help, and prepare's
// one-line errors on stderr.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/cache.h"
#include "support/cli_run.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::has;
using test::lines;
using test::quote;
using test::slurp;
using Result = test::CliResult;

Result kplab(const TempDir& dir, const std::string& args) { return test::run_kplab(dir, args); }

std::string lsp_schema() { return quote(std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml"); }

std::string synthetic_args(const std::string& out, int count = 5) {
  return "prepare --format synthetic --count " + std::to_string(count) + " --size 32 --schema " + lsp_schema() +
         " --out " + quote(out);
}

// The verbs `kplab --help` lists under "verbs:", one "  NAME summary" line
// each: the command's own table, so a new verb is tested without editing here.
std::vector<std::string> listed_verbs(const std::string& help) {
  std::vector<std::string> verbs;
  bool in_table = false;
  for (const std::string& line : lines(help)) {
    if (in_table && line.rfind("  ", 0) == 0) verbs.push_back(line.substr(2, line.find(' ', 2) - 2));
    in_table = in_table || line == "verbs:";
  }
  return verbs;
}

// ---------------------------------------------------------------- verbs

TEST(CliVerbs, NoVerbExitsTwoWithUsageOnStderr) {
  TempDir dir;
  Result r = kplab(dir, "");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "usage: kplab VERB")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CliVerbs, HelpExitsZeroAndListsTheVerbs) {
  TempDir dir;
  Result r = kplab(dir, "--help");
  EXPECT_EQ(r.code, 0);
  const std::vector<std::string> verbs = listed_verbs(r.out);
  EXPECT_FALSE(verbs.empty()) << r.out;
  for (const char* verb : {"prepare", "train", "eval", "predict"})  // the table's first rows, as a sanity check of the parse
    EXPECT_NE(std::find(verbs.begin(), verbs.end(), verb), verbs.end()) << verb << " not in:\n" << r.out;
}

TEST(CliVerbs, PrepareHelpExitsZeroAndListsItsOptions) {
  TempDir dir;
  Result r = kplab(dir, "prepare --help");
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* opt : {"--format", "--root", "--schema", "--from-schema", "--out", "--split", "--force", "--json"})
    EXPECT_TRUE(has(r.out, opt)) << opt << " not in:\n" << r.out;
}

TEST(CliVerbs, EveryListedVerbHasHelp) {
  TempDir dir;
  const std::vector<std::string> verbs = listed_verbs(kplab(dir, "--help").out);
  ASSERT_FALSE(verbs.empty());
  for (const std::string& verb : verbs) {
    Result r = kplab(dir, verb + " --help");
    EXPECT_EQ(r.code, 0) << verb << ": " << r.err;
    EXPECT_TRUE(has(r.out, "kplab " + verb)) << verb << ": " << r.out;
    EXPECT_TRUE(has(r.out, "--help")) << verb << ": " << r.out;
  }
}

TEST(CliVerbs, UnknownVerbExitsTwo) {
  TempDir dir;
  Result r = kplab(dir, "frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "unknown verb 'frobnicate'")) << r.err;
}

// ---------------------------------------------------------------- prepare

TEST(CliPrepare, SyntheticWritesACacheAndRefusesToOverwriteWithoutForce) {
  TempDir dir;
  const std::string out = dir.file("synthetic.h5");
  Result r = kplab(dir, synthetic_args(out));
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::is_regular_file(out));
  EXPECT_TRUE(has(r.out, "people written  5")) << r.out;
  EXPECT_EQ(read_cache(out).size(), 5);
  const auto size = fs::file_size(out);

  Result again = kplab(dir, synthetic_args(out, 6));
  EXPECT_NE(again.code, 0);
  auto err = lines(again.err);
  ASSERT_EQ(err.size(), 1u) << "one error line expected, got:\n" << again.err;
  EXPECT_TRUE(has(err[0], "--force")) << err[0];
  EXPECT_TRUE(has(err[0], out)) << err[0];
  EXPECT_EQ(fs::file_size(out), size);

  Result forced = kplab(dir, synthetic_args(out, 6) + " --force");
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(read_cache(out).size(), 6);
}

TEST(CliPrepare, BadFormatNamesTheExpectedFormats) {
  TempDir dir;
  const std::string out = dir.file("c.h5");
  Result r = kplab(dir, "prepare --format lspp --root " + quote(dir.path().string()) + " --schema " + lsp_schema() +
                         " --out " + quote(out));
  EXPECT_NE(r.code, 0);
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_TRUE(has(err[0], "lsp, yolo, coco, synthetic or synthetic_side")) << err[0];
  EXPECT_TRUE(has(err[0], "'lspp'")) << err[0];
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliPrepare, MisspelledSyntheticFormatNamesTheFormatsNotRoot) {
  // Synthetic data needs no --root; a typo in --format must be reported as
  // a bad format, not as a missing --root.
  TempDir dir;
  const std::string out = dir.file("c.h5");
  Result r = kplab(dir, "prepare --format synthetc --count 5 --schema " + lsp_schema() + " --out " + quote(out));
  EXPECT_NE(r.code, 0);
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_TRUE(has(err[0], "lsp, yolo, coco, synthetic or synthetic_side")) << err[0];
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliPrepare, JsonSummaryIsParseable) {
  TempDir dir;
  const std::string out = dir.file("c.h5"), json = dir.file("summary.json");
  Result r = kplab(dir, synthetic_args(out) + " --json " + quote(json));
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::is_regular_file(json));
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(slurp(json))) << slurp(json);
  EXPECT_EQ(j["people_written"], 5);
  EXPECT_EQ(j["images_read"], 5);
  EXPECT_EQ(j["schema"], "lsp");
  EXPECT_EQ(j["out"], out);
  EXPECT_EQ(j["split"]["train"].get<int>() + j["split"]["val"].get<int>() + j["split"]["test"].get<int>(), 5);
}

TEST(CliPrepare, JsonInAMissingFolderFailsBeforeTheWork) {
  TempDir dir;
  const std::string out = dir.file("c.h5");
  Result r = kplab(dir, synthetic_args(out) + " --json " + quote(dir.file("nope/summary.json")));
  EXPECT_NE(r.code, 0);
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_TRUE(has(err[0], "summary.json")) << err[0];
  EXPECT_FALSE(fs::exists(out)) << "the cache must not be written when --json cannot be";
}

TEST(CliPrepare, MissingOrUnknownOptions) {
  TempDir dir;
  Result missing = kplab(dir, "prepare --format synthetic --schema " + lsp_schema());
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(has(missing.err, "missing --out")) << missing.err;
  EXPECT_EQ(lines(missing.err).size(), 1u) << missing.err;

  Result unknown = kplab(dir, synthetic_args(dir.file("c.h5")) + " --bogus 3");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_TRUE(has(unknown.err, "bogus")) << unknown.err;
  EXPECT_EQ(lines(unknown.err).size(), 1u) << unknown.err;
  EXPECT_FALSE(fs::exists(dir.file("c.h5")));
}

}  // namespace
}  // namespace kplab
