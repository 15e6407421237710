// TFLite for real (src/export/tflite_export.h): kplab's ONNX converted by
// onnx2tf and run in LiteRT from the venv (tools/setup.sh), against LibTorch.
// These need the venv's converter and runtime; without them they fail with
// the reason (no skip: CI must prove TFLite, not assume it).
//  - blazepose and one attention variant convert to builtin operators only,
//    match LibTorch (1e-3 px on coordinates, 1e-4 on probabilities) and carry their NHWC layout in the file;
//  - the lint's verdict equals the converter's on every registered model, on
//    a graph the converter can only map to a Flex operator, and on both
//    spellings of GELU (one fused to the builtin, one left as FlexErf);
//  - Flex operators, converter failures, corrupt files and files whose input
//    disagrees with the model are refused by name, leaving nothing behind;
//  - fp16 and int8 files are smaller and still run.

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "export/export_model.h"
#include "export/onnx_graph.h"
#include "export/runtimes.h"
#include "export/tflite_export.h"
#include "export/tflite_lint.h"
#include "models/registry.h"
#include "core/subprocess.h"
#include "export/python_tools.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/onnx_by_hand.h"
#include "support/temp_dir.h"

namespace kplab::onnx_export {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

constexpr double kTolerance = 1e-4;

PoseModel small_model(const std::string& name, int size = 128) {
  torch::manual_seed(5);
  YAML::Node o;
  o["input_size"] = size;
  PoseModel m = create_model(name, o);
  m->eval();
  return m;
}

std::string onnx_of(PoseModelImpl& m, const TempDir& dir, const std::string& name, bool heatmaps = true) {
  ExportOptions eo;
  eo.with_heatmap = heatmaps;
  eo.overwrite = true;
  return export_onnx(m, dir.file(name + ".onnx"), eo).path;
}

std::string saved(const onnx::ModelProto& m, const TempDir& dir, const std::string& name) {
  const std::string path = dir.file(name + ".onnx");
  save_model(m, path, true);
  return path;
}

void expect_no_tflite_left(const TempDir& dir, const std::string& target) {
  EXPECT_FALSE(fs::exists(target)) << target;
  for (const auto& name : test::list_dir(dir.path()))
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "left behind: " << name;
}

// One conversion per model, shared by the checks on it (each costs seconds).
void check_converts_with_parity(const std::string& name) {
  TempDir dir;
  PoseModel m = small_model(name);
  const std::string onnx = onnx_of(*m, dir, name);
  const std::string out = dir.file(name + ".tflite");
  const std::string onnx_bytes = test::slurp(onnx);
  TfliteReport rep = export_tflite(*m, onnx, out, TfliteOptions());
  ASSERT_TRUE(fs::exists(out));
  // onnx2tf simplifies its input in place: kplab hands it a copy, the ONNX file stays as exported.
  EXPECT_TRUE(test::slurp(onnx) == onnx_bytes) << onnx << " was modified by the conversion";
  EXPECT_EQ(rep.bytes, static_cast<int64_t>(fs::file_size(out)));
  EXPECT_FALSE(rep.operators.empty());
  for (const auto& op : rep.operators) EXPECT_EQ(op.rfind("Flex", 0), std::string::npos) << op;
  ASSERT_EQ(rep.max_abs_diff.size(), 3u);
  for (const auto& [output, diff] : rep.max_abs_diff) {
    std::printf("[tflite] %-16s %-10s max|LiteRT - LibTorch| = %.3g builtin kernels, %.3g XNNPACK\n", name.c_str(),
                output.c_str(), diff, rep.max_abs_diff_xnnpack.at(output));
    EXPECT_LE(diff, kTolerance) << output;
    // XNNPACK reorders float sums: a few float32 ulps of a 128 px coordinate, far below a pixel.
    EXPECT_LE(rep.max_abs_diff_xnnpack.at(output), 10 * kTolerance) << output;
  }
  // The layout travels inside the file and reads back.
  const nlohmann::json meta = read_tflite_metadata(out);
  EXPECT_EQ(meta, rep.metadata);
  EXPECT_EQ(meta["input"]["layout"], "NHWC");
  EXPECT_EQ(meta["input"]["tflite_shape"], (std::vector<int64_t>{1, 128, 128, 3}));
  EXPECT_EQ(meta["outputs"]["heatmaps"]["tflite_shape"], (std::vector<int64_t>{1, 64, 64, 14}));
  EXPECT_NE(meta["input"]["normalisation"].get<std::string>().find("[0, 1]"), std::string::npos);
  // An input the parity check never saw: LiteRT still agrees with LibTorch.
  torch::manual_seed(99);
  const torch::Tensor x = torch::rand({1, 3, 128, 128});
  const auto ref = reference_outputs(*m, x, true);
  const auto got = run_litert(out, x, {"coords", "visibility", "heatmaps"}, dir.path().string(), 2, LiteRtKernels::builtin);
  for (const auto& [output, want] : ref) EXPECT_LE((got.at(output) - want).abs().max().item<double>(), kTolerance) << output;
  // A file whose input disagrees with the model it claims to serve is refused by name.
  test::expect_error_with([&] { check_tflite_matches(meta, out, 256, 14); },
                          {out, "expected [1, 3, 256, 256]", "found [1, 3, 128, 128]"});
  test::expect_error_with([&] { check_tflite_matches(meta, out, 128, 16); }, {out, "16 keypoints"});
  check_tflite_matches(meta, out, 128, 14);
}

TEST(TfliteExport, BlazePoseConvertsToBuiltinsAndMatchesLibTorch) { check_converts_with_parity("blazepose"); }

TEST(TfliteExport, VitVariantConvertsToBuiltinsAndMatchesLibTorch) { check_converts_with_parity("blazepose_vit"); }

// The soft-argmax of coords_from: heatmap converts to builtin operators and
// passes the LiteRT parity gate (1e-3 px on coordinates).
TEST(TfliteExport, CoordsFromHeatmapConvertToBuiltinsAndMatchLibTorch) {
  TempDir dir;
  torch::manual_seed(5);
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64, coords_from: heatmap}"));
  m->eval();
  const std::string onnx = onnx_of(*m, dir, "integral", false);
  const std::string out = dir.file("integral.tflite");
  TfliteReport rep = export_tflite(*m, onnx, out, TfliteOptions());
  ASSERT_TRUE(fs::exists(out));
  for (const auto& op : rep.operators) EXPECT_EQ(op.rfind("Flex", 0), std::string::npos) << op;
  EXPECT_LE(rep.max_abs_diff.at("coords"), 1e-3);
  EXPECT_LE(rep.max_abs_diff.at("visibility"), kTolerance);
  std::printf("[tflite] coords_from heatmap: max|LiteRT - LibTorch| coords %.3g px builtin, %.3g XNNPACK\n",
              rep.max_abs_diff.at("coords"), rep.max_abs_diff_xnnpack.at("coords"));
}

TEST(TfliteExport, FlexOperatorsAreRefusedByNameLeavingNoFile) {
  TempDir dir;
  PoseModel m = small_model("blazepose_lite", 64);
  const std::string det = saved(test::onnx_by_hand::determinant_model(), dir, "det");
  const std::string out = dir.file("det.tflite");
  test::expect_error_with([&] { export_tflite(*m, det, out, TfliteOptions()); },
                          {out, "FlexMatrixDeterminant", "non-builtin", "nothing written"});
  expect_no_tflite_left(dir, out);
  // The lint says the same before any converter runs.
  EXPECT_FALSE(lint_tflite(*load_model(det)).empty());
}

// GELU spelled with a Mul by 1/sqrt 2 is left as FlexErf by onnx2tf; the
// Div-by-sqrt 2 chain (what kplab and PyTorch write) becomes the builtin
// GELU. The lint must say exactly that, before any converter runs.
TEST(TfliteExport, LintAndConverterAgreeOnBothGeluSpellings) {
  TempDir dir;
  PoseModel m = small_model("blazepose_lite", 64);
  for (const bool div_form : {true, false}) {
    const std::string name = div_form ? "gelu_div" : "gelu_mul";
    const std::string onnx = saved(test::onnx_by_hand::gelu_model(div_form), dir, name);
    const bool lint_clean = lint_tflite(*load_model(onnx)).empty();
    EXPECT_EQ(lint_clean, div_form) << name;
    // The converter's verdict alone: these graphs are not the model, so parity is not asked.
    ScratchDir work;
    run_python_tool("onnx_to_tflite.py", {onnx, work.path()}, work.path(), "onnx2tf");
    const std::string report = test::slurp(work.file("report.json"));
    const bool converter_clean = report.find("FlexErf") == std::string::npos;
    EXPECT_EQ(converter_clean, div_form) << name << ": " << report;
    EXPECT_EQ(lint_clean, converter_clean) << name;
    if (div_form) EXPECT_NE(report.find("GELU"), std::string::npos) << report;
  }
}

TEST(TfliteExport, ConverterFailureCarriesItsOneLineReason) {
  TempDir dir;
  PoseModel m = small_model("blazepose_lite", 64);
  const std::string bad = dir.file("bad.onnx");
  test::write_file(bad, "not an onnx file");
  const std::string out = dir.file("bad.tflite");
  test::expect_error_with([&] { export_tflite(*m, bad, out, TfliteOptions()); }, {out, "onnx2tf"});
  expect_no_tflite_left(dir, out);
  // An existing target is refused before any work.
  test::write_file(out, "keep me");
  test::expect_error_with([&] { export_tflite(*m, bad, out, TfliteOptions()); }, {out});
  EXPECT_TRUE(fs::exists(out));
}

// The parity gate itself: a file converted from one model's graph, checked
// against another model's weights, is refused and nothing is written.
TEST(TfliteExport, ParityFailureIsRefusedLeavingNoFile) {
  TempDir dir;
  PoseModel exported_from = small_model("blazepose_lite", 64);
  const std::string onnx = onnx_of(*exported_from, dir, "lite", false);
  torch::manual_seed(123);
  YAML::Node o;
  o["input_size"] = 64;
  PoseModel other = create_model("blazepose_lite", o);
  other->eval();
  const std::string out = dir.file("lite.tflite");
  test::expect_error_with([&] { export_tflite(*other, onnx, out, TfliteOptions()); },
                          {out, "LiteRT parity", "expected the float32 TFLite file within", "of LibTorch", "nothing written"});
  expect_no_tflite_left(dir, out);
}

TEST(TfliteExport, CorruptOrForeignFilesAreRefusedByName) {
  TempDir dir;
  const std::string garbage = dir.file("garbage.tflite");
  test::write_file(garbage, "definitely not a flatbuffer");
  test::expect_error_with([&] { read_tflite_metadata(garbage); }, {garbage, "not a TFLite file"});
  test::expect_error_with([&] { run_litert(garbage, torch::zeros({1, 3, 8, 8}), {}, dir.path().string()); },
                          {garbage, "not a TFLite file"});
  const std::string missing = dir.file("missing.tflite");
  test::expect_error_with([&] { read_tflite_metadata(missing); }, {missing, "no such file"});
}

TEST(TfliteExport, QuantisedFilesAreSmallerAndRun) {
  TempDir dir;
  PoseModel m = small_model("blazepose_lite", 64);
  const std::string onnx = onnx_of(*m, dir, "lite", false);
  TfliteOptions fp16;
  fp16.quantize = "fp16";
  TfliteReport h = export_tflite(*m, onnx, dir.file("lite_fp16.tflite"), fp16);
  EXPECT_EQ(h.metadata["quantize"], "fp16");
  EXPECT_LT(h.bytes, h.float32_bytes * 0.6);
  ASSERT_EQ(h.max_abs_diff_written.size(), 2u);
  for (const auto& [output, diff] : h.max_abs_diff) EXPECT_LE(diff, kTolerance) << output;  // float32 proven first
  TfliteOptions int8;
  int8.quantize = "int8";
  torch::manual_seed(3);
  int8.calibration = torch::rand({8, 3, 64, 64});
  TfliteReport q = export_tflite(*m, onnx, dir.file("lite_int8.tflite"), int8);
  EXPECT_LT(q.bytes, q.float32_bytes * 0.4);
  EXPECT_EQ(read_tflite_metadata(dir.file("lite_int8.tflite"))["quantize"], "int8");
  ASSERT_EQ(q.max_abs_diff_written.size(), 2u);
  // int8 needs images to calibrate on.
  int8.calibration = torch::Tensor();
  test::expect_error_with([&] { export_tflite(*m, onnx, dir.file("none.tflite"), int8); }, {"calibration"});
}

// The lint (`kplab lint-onnx`) and the converter agree on every registered
// model: clean for the lint <=> builtins only (and parity) for onnx2tf.
class LintMatchesConverter : public ::testing::TestWithParam<std::string> {};

TEST_P(LintMatchesConverter, OnEveryRegisteredModel) {
  TempDir dir;
  PoseModel m = small_model(GetParam());
  const std::string onnx = onnx_of(*m, dir, GetParam(), false);
  const bool lint_clean = lint_tflite(*load_model(onnx)).empty();
  bool converter_clean = true;
  std::string why;
  try {
    export_tflite(*m, onnx, dir.file("m.tflite"), TfliteOptions());
  } catch (const Error& e) {
    converter_clean = false;
    why = e.what();
  }
  EXPECT_EQ(lint_clean, converter_clean) << GetParam() << ": " << why;
}

INSTANTIATE_TEST_SUITE_P(Registry, LintMatchesConverter, ::testing::ValuesIn(model_registry().names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kplab::onnx_export
