#include "export/tflite_export.h"

#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/subprocess.h"
#include "core/text.h"
#include "export/export_model.h"
#include "export/python_tools.h"
#include "export/runtimes.h"

namespace kplab::onnx_export {

namespace fs = std::filesystem;

namespace {

// Worst |LiteRT - LibTorch| per output of `file` over the parity inputs.
std::map<std::string, double> litert_parity(PoseModelImpl& model, const std::string& file,
                                            const std::vector<std::string>& names, const std::string& work,
                                            int threads, LiteRtKernels kernels) {
  const bool heatmaps = std::find(names.begin(), names.end(), "heatmaps") != names.end();
  // One LiteRT process for all parity inputs (it runs them one by one at the
  // file's batch of 1); LibTorch's reference is taken per input at batch 1 too.
  const std::vector<torch::Tensor> inputs = parity_inputs(model.input_size(), 1);
  std::map<std::string, std::vector<torch::Tensor>> refs;
  for (const torch::Tensor& image : inputs)
    for (const auto& [name, value] : reference_outputs(model, image, heatmaps)) refs[name].push_back(value);
  const auto got = run_litert(file, torch::cat(inputs), names, work, threads, kernels);
  std::map<std::string, double> worst;
  for (const auto& name : names) {
    const torch::Tensor ref = torch::cat(refs.at(name));
    KP_CHECK(got.at(name).sizes() == ref.sizes(), file, ": output ", name, ": expected shape ", ref.sizes(),
             " (LibTorch), found ", got.at(name).sizes());
    worst[name] = (got.at(name) - ref).abs().max().item<double>();
  }
  return worst;
}

}  // namespace

nlohmann::json TfliteReport::to_json() const {
  nlohmann::json j = {{"path", path},
                      {"quantize", quantize},
                      {"converter", converter},
                      {"bytes", bytes},
                      {"float32_bytes", float32_bytes},
                      {"operators", operators},
                      {"max_abs_diff_litert_float32", max_abs_diff},
                      {"parity_bound", parity_bound},
                      {"max_abs_diff_litert_float32_xnnpack", max_abs_diff_xnnpack},
                      {"metadata", metadata}};
  if (!max_abs_diff_written.empty()) j["max_abs_diff_litert_written"] = max_abs_diff_written;
  return j;
}

void write_npy_nhwc(const torch::Tensor& images, const std::string& path) {
  KP_CHECK(images.defined() && images.dim() == 4 && images.size(1) == 3, path,
           ": calibration images: expected N x 3 x S x S, found ", images.defined() ? images.sizes() : at::IntArrayRef{});
  const torch::Tensor nhwc = images.detach().to(torch::kCPU, torch::kFloat32).permute({0, 2, 3, 1}).contiguous();
  std::string header = str("{'descr': '<f4', 'fortran_order': False, 'shape': (", nhwc.size(0), ", ", nhwc.size(1),
                           ", ", nhwc.size(2), ", ", nhwc.size(3), "), }");
  // NPY 1.0: magic, version, a little-endian uint16 header length; the header
  // is padded with spaces and ends in '\n' so the data starts 64-byte aligned.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const uint16_t len = static_cast<uint16_t>(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(static_cast<char>(len & 0xff));
  out.put(static_cast<char>(len >> 8));
  out << header;
  out.write(static_cast<const char*>(nhwc.data_ptr()), static_cast<std::streamsize>(nhwc.numel() * sizeof(float)));
  KP_CHECK(out, path, ": write failed");
}

nlohmann::json read_tflite_metadata(const std::string& tflite_path) {
  KP_CHECK(fs::is_regular_file(tflite_path), tflite_path, ": no such file");
  ScratchDir work("kplab-tflite-info");
  run_python_tool("tflite_info.py", {tflite_path, work.file("info.json")}, work.path(), "LiteRT");
  nlohmann::json info = read_helper_json(work.file("info.json"));
  KP_CHECK(info["metadata"].is_object(), tflite_path,
           ": no 'kplab' metadata: expected a file written by kplab export --tflite (it records the layout), found none");
  return info["metadata"];
}

void check_tflite_matches(const nlohmann::json& metadata, const std::string& tflite_path, int input_size,
                          int num_keypoints) {
  const std::vector<int64_t> want = {1, 3, input_size, input_size};
  std::vector<int64_t> found;
  try {
    found = metadata.at("input").at("onnx_shape").get<std::vector<int64_t>>();
  } catch (const std::exception&) {
    throw Error(str(tflite_path, ": kplab metadata: input.onnx_shape: expected a list of 4 integers, found none"));
  }
  KP_CHECK(found == want, tflite_path, ": input shape: expected ", c10::IntArrayRef(want), " (the model card: ",
           input_size, " px input), found ", c10::IntArrayRef(found));
  if (metadata.contains("outputs") && metadata["outputs"].contains("coords")) {
    const auto coords = metadata["outputs"]["coords"].at("onnx_shape").get<std::vector<int64_t>>();
    KP_CHECK(coords.size() == 3 && coords[1] == num_keypoints, tflite_path, ": output coords: expected ",
             num_keypoints, " keypoints (the model card), found shape ", c10::IntArrayRef(coords));
  }
}

BatchPredictor litert_predictor(const std::string& tflite_path, const nlohmann::json& metadata,
                                const std::string& work_dir, int threads) {
  std::vector<std::string> names = {"coords"};
  if (metadata.at("outputs").contains("heatmaps")) names.push_back("heatmaps");
  return [=](const torch::Tensor& images) {
    auto out = run_litert(tflite_path, images, names, work_dir, threads);
    return BatchPrediction{out.at("coords"), out.count("heatmaps") ? out.at("heatmaps") : torch::Tensor()};
  };
}

TfliteReport export_tflite(PoseModelImpl& model, const std::string& onnx_path, const std::string& tflite_path,
                           const TfliteOptions& o) {
  KP_CHECK(o.quantize == "none" || o.quantize == "fp16" || o.quantize == "int8",
           "--quantize: expected fp16 or int8 (or none), found '", o.quantize, "'");
  KP_CHECK(o.quantize != "int8" || (o.calibration.defined() && o.calibration.size(0) > 0),
           tflite_path, ": --quantize int8: expected calibration images (a cache), found none");
  AtomicFile out(tflite_path, o.overwrite);  // refuses a bad target before the work
  ScratchDir work("kplab-tflite");
  std::vector<std::string> args = {onnx_path, work.path(), "--quantize", o.quantize};
  if (o.quantize == "int8") {
    write_npy_nhwc(o.calibration, work.file("calibration.npy"));
    args.insert(args.end(), {"--calibration", work.file("calibration.npy")});
  }
  run_python_tool("onnx_to_tflite.py", args, work.path(), str(tflite_path, ": onnx2tf"));
  const nlohmann::json conv = read_helper_json(work.file("report.json"));

  const auto foreign = conv.at("non_builtin_operators").get<std::vector<std::string>>();
  KP_CHECK(foreign.empty(), tflite_path, ": onnx2tf produced ", foreign.size(),
           " non-builtin (Flex or custom) operator(s): ", join(foreign, ", "),
           "; expected builtin TFLite operators only: refused, nothing written");

  TfliteReport rep;
  rep.path = tflite_path;
  rep.quantize = o.quantize;
  rep.converter = "onnx2tf " + conv.at("onnx2tf_version").get<std::string>();
  rep.operators = conv.at("builtin_operators").get<std::vector<std::string>>();
  rep.metadata = conv.at("metadata");
  std::vector<std::string> names;
  for (const auto& kv : rep.metadata.at("outputs").items()) names.push_back(kv.key());

  const std::string float_file = conv.at("files").at("float32").at("path");
  rep.float32_bytes = conv.at("files").at("float32").at("bytes").get<int64_t>();
  // The gate: what the converted graph computes (TFLite's builtin kernels).
  rep.max_abs_diff = litert_parity(model, float_file, names, work.path(), o.threads, LiteRtKernels::builtin);
  for (const auto& [name, diff] : rep.max_abs_diff) {
    const double bound = name == "coords" ? coords_parity_bound(model, o.coords_tolerance) : o.tolerance;
    rep.parity_bound[name] = bound;
    KP_CHECK(diff <= bound, tflite_path, ": LiteRT parity: output ", name, ": expected the float32 TFLite file within ",
             bound, " of LibTorch, found a max abs difference of ", diff, "; refused, nothing written");
  }
  // Reported: XNNPACK's own float arithmetic on top (what a phone's CPU runs).
  rep.max_abs_diff_xnnpack = litert_parity(model, float_file, names, work.path(), o.threads, LiteRtKernels::xnnpack);

  const std::string model_file = conv.at("files").at("model").at("path");
  if (o.quantize != "none")
    rep.max_abs_diff_written = litert_parity(model, model_file, names, work.path(), o.threads, LiteRtKernels::xnnpack);
  fs::copy_file(model_file, out.temp_path(), fs::copy_options::overwrite_existing);
  rep.bytes = static_cast<int64_t>(fs::file_size(out.temp_path()));
  out.commit();
  return rep;
}

}  // namespace kplab::onnx_export
