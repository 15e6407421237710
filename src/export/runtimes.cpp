#include "export/runtimes.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "core/error.h"
#include "export/onnx_graph.h"
#include "core/subprocess.h"
#include "export/python_tools.h"
#include "export/static_shapes.h"

namespace kplab::onnx_export {

namespace fs = std::filesystem;

namespace {

torch::Tensor float_input(const torch::Tensor& input) {
  KP_CHECK(input.defined() && input.dim() >= 1, "runtime input: a defined tensor expected");
  return input.detach().to(torch::kCPU, torch::kFloat32).contiguous();
}

// Declared static shape of a graph output (or value_info) in `model`.
std::vector<int64_t> declared_shape(const onnx::ModelProto& model, const std::string& path, const std::string& name) {
  const auto& g = model.graph();
  for (const auto* list : {&g.output(), &g.value_info()})
    for (const auto& vi : *list)
      if (vi.name() == name && vi.type().has_tensor_type() && vi.type().tensor_type().has_shape()) {
        std::vector<int64_t> s;
        for (const auto& d : vi.type().tensor_type().shape().dim()) {
          KP_CHECK(d.has_dim_value() && d.dim_value() > 0, path, ": output '", name, "' has a dynamic dimension");
          s.push_back(d.dim_value());
        }
        return s;
      }
  throw Error(str(path, ": no graph output or value_info named '", name, "' with a shape"));
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';  // one-line errors
  return s;
}

}  // namespace

std::map<std::string, torch::Tensor> run_opencv_dnn(const std::string& onnx_path, const torch::Tensor& input,
                                                    const std::vector<std::string>& outputs) {
  KP_CHECK(!outputs.empty(), "run_opencv_dnn: no outputs requested");
  const auto model = load_model(onnx_path);
  const torch::Tensor x = float_input(input);
  std::vector<int> sizes(x.sizes().begin(), x.sizes().end());
  cv::Mat blob(static_cast<int>(sizes.size()), sizes.data(), CV_32F);
  std::memcpy(blob.ptr<float>(), x.data_ptr<float>(), x.numel() * sizeof(float));

  std::vector<cv::Mat> outs;
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx_path);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    net.setInput(blob);
    std::vector<cv::String> names(outputs.begin(), outputs.end());
    net.forward(outs, names);
  } catch (const cv::Exception& e) {
    throw Error(str(onnx_path, ": OpenCV DNN: ", trim(e.what())));
  }
  KP_CHECK(outs.size() == outputs.size(), onnx_path, ": OpenCV DNN returned ", outs.size(), " outputs for ",
           outputs.size(), " names");

  std::map<std::string, torch::Tensor> result;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const std::vector<int64_t> shape = declared_shape(*model, onnx_path, outputs[i]);
    cv::Mat m = outs[i].isContinuous() ? outs[i] : outs[i].clone();
    KP_CHECK(m.depth() == CV_32F, onnx_path, ": OpenCV DNN output '", outputs[i], "' is not float32");
    const int64_t count = static_cast<int64_t>(m.total()) * m.channels();
    int64_t want = 1;
    for (int64_t d : shape) want *= d;
    KP_CHECK(count == want, onnx_path, ": OpenCV DNN output '", outputs[i], "' has ", count,
             " values, the model declares ", shape_str(shape));
    result[outputs[i]] = torch::from_blob(m.ptr<float>(), {count}, torch::kFloat32).clone().reshape(shape);
  }
  return result;
}

namespace {

// One run of tools/py/run_model.py: input.bin in, out_i.bin + outputs.json back.
std::map<std::string, torch::Tensor> run_in_python(const std::string& model_path, const torch::Tensor& input,
                                                   const std::vector<std::string>& outputs, const std::string& work_dir,
                                                   const std::string& runtime, std::vector<std::string> options = {}) {
  KP_CHECK(fs::is_directory(work_dir), work_dir, ": work folder does not exist");
  const torch::Tensor x = float_input(input);
  const std::string in_file = (fs::path(work_dir) / "runtime_input.bin").string();
  {
    std::ofstream out(in_file, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(x.data_ptr()), static_cast<std::streamsize>(x.numel() * sizeof(float)));
    KP_CHECK(out, in_file, ": write failed");
  }
  std::string shape;
  for (int64_t i = 0; i < x.dim(); ++i) shape += (i ? "," : "") + std::to_string(x.size(i));
  const std::string out_dir = (fs::path(work_dir) / "runtime_outputs").string();
  std::error_code ec;
  fs::remove_all(out_dir, ec);

  std::vector<std::string> args = std::move(options);
  args.insert(args.end(), {model_path, in_file, shape, out_dir});
  args.insert(args.end(), outputs.begin(), outputs.end());
  run_python_tool("run_model.py", args, work_dir, runtime);

  const nlohmann::json index = read_helper_json((fs::path(out_dir) / "outputs.json").string());
  std::map<std::string, torch::Tensor> result;
  for (const auto& entry : index) {
    const std::string name = entry.at("name").get<std::string>();
    const std::vector<int64_t> dims = entry.at("shape").get<std::vector<int64_t>>();
    const std::string file = (fs::path(out_dir) / entry.at("file").get<std::string>()).string();
    const std::string bytes = slurp(file);
    int64_t count = 1;
    for (int64_t d : dims) count *= d;
    KP_CHECK(static_cast<int64_t>(bytes.size()) == count * static_cast<int64_t>(sizeof(float)), file, ": expected ",
             count * sizeof(float), " bytes for ", shape_str(dims), ", found ", bytes.size());
    torch::Tensor t = torch::empty(dims, torch::kFloat32);
    std::memcpy(t.data_ptr<float>(), bytes.data(), bytes.size());
    result[name] = t;
  }
  for (const auto& name : outputs)
    KP_CHECK(result.count(name), model_path, ": ", runtime, " returned no output '", name, "'");
  return result;
}

}  // namespace

std::map<std::string, torch::Tensor> run_onnxruntime(const std::string& onnx_path, const torch::Tensor& input,
                                                     const std::vector<std::string>& outputs,
                                                     const std::string& work_dir) {
  return run_in_python(onnx_path, input, outputs, work_dir, "ONNX Runtime");
}

std::map<std::string, torch::Tensor> run_litert(const std::string& tflite_path, const torch::Tensor& input,
                                                const std::vector<std::string>& outputs, const std::string& work_dir,
                                                int threads, LiteRtKernels kernels) {
  KP_CHECK(threads >= 1, "run_litert: threads: expected >= 1, found ", threads);
  const bool xnnpack = kernels == LiteRtKernels::xnnpack;
  return run_in_python(tflite_path, input, outputs, work_dir, xnnpack ? "LiteRT" : "LiteRT (builtin kernels)",
                       {"--threads", std::to_string(threads), "--kernels", xnnpack ? "xnnpack" : "builtin"});
}

nlohmann::json time_in_runtime(const std::string& model_path, int threads, int warmup, int repeats) {
  ScratchDir work("kplab-time");
  run_python_tool("time_model.py",
                  {model_path, std::to_string(threads), std::to_string(warmup), std::to_string(repeats)}, work.path(),
                  str(model_path, ": latency"));
  const std::string out = slurp(work.file("time_model.py.stdout"));
  try {
    return nlohmann::json::parse(out);
  } catch (const std::exception& e) {
    throw Error(str(model_path, ": latency: unreadable result '", trim(out), "': ", e.what()));
  }
}

}  // namespace kplab::onnx_export
