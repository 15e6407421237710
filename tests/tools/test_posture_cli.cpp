// The posture workflow through the kplab binary, on a tiny synthetic
// side-view set: to-yolo writes the set and truth.csv, classify trains,
// scores and predicts, posture-report writes its page, predict --measures
// picks measures; bad input is one line, a non-zero exit and nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/cli_run.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::has;
using test::lines;
using test::quote;
using test::TempDir;

test::CliResult kplab(const TempDir& dir, const std::string& args) { return test::run_kplab(dir, args); }

std::string side_schema() { return test::source_dir() + "/datasets/posture_side.yaml"; }

TEST(PostureCli, SetClassifierAndReportFromTheCommandLine) {
  TempDir dir;
  auto r = kplab(dir, "to-yolo --format synthetic_side --count 40 --seed 2 --split 30,0,10 --schema " +
                          quote(side_schema()) + " --out " + quote(dir.file("set")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "truth.csv       40 people")) << r.out;

  r = kplab(dir, "classify train --keypoints " + quote(dir.file("set/truth.csv")) + " --split train --schema " +
                     quote(side_schema()) + " --model mlp --folds 3 --out " + quote(dir.file("clf")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "3-fold cross-validation (mlp)")) << r.out;
  EXPECT_TRUE(fs::exists(dir.file("clf/classifier.onnx")));

  r = kplab(dir, "classify eval " + quote(dir.file("clf")) + " --keypoints " + quote(dir.file("set/truth.csv")) +
                     " --split test --json " + quote(dir.file("eval.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "accuracy")) << r.out;
  EXPECT_TRUE(has(test::slurp(dir.file("eval.json")), "\"confusion\""));

  r = kplab(dir, "classify predict " + quote(dir.file("clf")) + " --keypoints " + quote(dir.file("set/truth.csv")) +
                     " --split test --out " + quote(dir.file("verdicts.csv")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines(test::slurp(dir.file("verdicts.csv"))).size(), 11u) << "header + the 10 test people";

  r = kplab(dir, "posture-report --truth " + quote(dir.file("set/truth.csv")) + " --classifier " +
                     quote(dir.file("clf")) + " --out " + quote(dir.file("report.html")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(test::slurp(dir.file("report.html")), "Good or bad posture"));
}

TEST(PostureCli, BadInputIsOneLineAndWritesNothing) {
  TempDir dir;
  test::write_file(dir.file("no_nose.csv"), "source,label,left_ear_x\na.jpg,good,1\n");
  auto r = kplab(dir, "classify train --keypoints " + quote(dir.file("no_nose.csv")) + " --schema " +
                          quote(side_schema()) + " --out " + quote(dir.file("clf")));
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(has(r.err, "no_nose.csv")) << r.err;
  EXPECT_TRUE(has(r.err, "nose_x")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("clf")));

  // A measure asked of a schema without the joints it needs (LSP has no ears).
  fs::create_directories(dir.file("photos"));
  r = kplab(dir, "predict " + quote(test::source_dir() + "/models/zoo/blazepose_lspet_128") + " --input " +
                     quote(dir.file("photos")) + " --out " + quote(dir.file("out")) + " --measures cva_deg");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(has(r.err, "cva_deg")) << r.err;
  EXPECT_TRUE(has(r.err, "lsp")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("out")));

  r = kplab(dir, "posture-report --truth " + quote(dir.file("missing.csv")) + " --predicted nameless --out " +
                     quote(dir.file("r.html")));
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(has(r.err, "NAME=KEYPOINTS.csv")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("r.html")));
}

}  // namespace
}  // namespace kplab
