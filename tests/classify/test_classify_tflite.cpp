// classify train --tflite: classifier.tflite converted by onnx2tf and proven
// in LiteRT (builtin kernels and XNNPACK) against LibTorch before the
// folder appears. Needs the venv's onnx2tf and LiteRT: fails without them.
#include <gtest/gtest.h>

#include <filesystem>

#include "classify/classify_fixtures.h"
#include "classify/classify_run.h"
#include "export/tflite_export.h"
#include "support/temp_dir.h"

namespace kplab::classify {
namespace {

namespace fs = std::filesystem;

TEST(ClassifyTflite, TheFileIsWrittenOnlyAfterLiteRtAgreesWithLibTorch) {
  test::TempDir dir;
  test::write_side_schema(dir.file("side.yaml"));
  test::write_table(dir.file("train.csv"), test::make_people(20, 20, 4));
  for (const char* kind : {"logistic", "mlp"}) {
    ClassifyTrainOptions o;
    o.keypoints = dir.file("train.csv");
    o.schema = dir.file("side.yaml");
    o.out = dir.file(std::string("clf_") + kind);
    o.train.kind = kind;
    o.train.epochs = 100;
    o.train.folds = 2;
    o.tflite = true;
    const RunOutput r = classify_train(o);
    EXPECT_TRUE(fs::is_regular_file(o.out + "/classifier.tflite")) << kind;
    const auto& t = r.json.at("tflite");
    EXPECT_LE(t.at("max_abs_diff_builtin").get<double>(), 1e-5) << kind;
    EXPECT_LE(t.at("max_abs_diff_xnnpack").get<double>(), 1e-5) << kind;
    EXPECT_GT(t.at("bytes").get<int64_t>(), 0);
    // The metadata says what the input is: raw features, not an image.
    const auto meta = onnx_export::read_tflite_metadata(o.out + "/classifier.tflite");
    EXPECT_NE(meta["input"]["normalisation"].get<std::string>().find("raw features"), std::string::npos) << meta.dump();
    EXPECT_TRUE(r.text.find("classifier.tflite") != std::string::npos) << r.text;
  }
}

}  // namespace
}  // namespace kplab::classify
