#include "classify/classifier_tflite.h"

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/subprocess.h"
#include "export/python_tools.h"
#include "export/runtimes.h"

namespace kplab::classify {

namespace fs = std::filesystem;

nlohmann::json save_classifier_tflite(const SavedClassifier& c, const std::string& onnx_path,
                                      const std::string& tflite_path, const torch::Tensor& features, double tolerance) {
  AtomicFile out(tflite_path, false);
  ScratchDir work("kplab-classifier-tflite");
  onnx_export::run_python_tool("onnx_to_tflite.py", {onnx_path, work.path()}, work.path(), str(tflite_path, ": onnx2tf"));
  const nlohmann::json conv = onnx_export::read_helper_json(work.file("report.json"));
  const auto foreign = conv.at("non_builtin_operators").get<std::vector<std::string>>();
  if (!foreign.empty())
    throw Error(str(tflite_path, ": onnx2tf produced ", foreign.size(),
                    " non-builtin (Flex or custom) operator(s); expected builtin TFLite operators only: refused"));
  const std::string float_file = conv.at("files").at("float32").at("path");
  torch::Tensor want;
  {
    torch::NoGradGuard no_grad;
    want = c.model.probabilities(features).reshape({-1, 1});
  }
  nlohmann::json report = {{"converter", "onnx2tf " + conv.at("onnx2tf_version").get<std::string>()},
                           {"operators", conv.at("builtin_operators")}};
  for (const auto kernels : {onnx_export::LiteRtKernels::builtin, onnx_export::LiteRtKernels::xnnpack}) {
    const auto got = onnx_export::run_litert(float_file, features, {"probability"}, work.path(), 1, kernels);
    const double diff = (got.at("probability").reshape({-1, 1}) - want).abs().max().item<double>();
    const bool builtin = kernels == onnx_export::LiteRtKernels::builtin;
    report[builtin ? "max_abs_diff_builtin" : "max_abs_diff_xnnpack"] = diff;
    // The gate is the converted graph (builtin kernels); XNNPACK's own float
    // sums are reported, as kplab export --tflite does.
    if (builtin && !(diff <= tolerance))
      throw Error(str(tflite_path, ": LiteRT parity: expected probabilities within ", tolerance,
                      " of LibTorch, found a max abs difference of ", diff, "; refused, nothing written"));
  }
  fs::copy_file(float_file, out.temp_path(), fs::copy_options::overwrite_existing);
  report["bytes"] = static_cast<int64_t>(fs::file_size(out.temp_path()));
  out.commit();
  return report;
}

}  // namespace kplab::classify
