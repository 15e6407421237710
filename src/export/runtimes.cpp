#include "export/runtimes.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <sstream>

#include "core/error.h"
#include "export/onnx_graph.h"

extern char** environ;

namespace kplab::onnx_export {

namespace fs = std::filesystem;

namespace {

std::string shape_str(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

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

std::string find_on_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream ss(path);
  for (std::string dir; std::getline(ss, dir, ':');) {
    if (dir.empty()) dir = ".";
    const fs::path p = fs::path(dir) / exe;
    if (::access(p.c_str(), X_OK) == 0 && !fs::is_directory(p)) return p.string();
  }
  return "";
}

// Runs argv with stdout/stderr to files; returns the exit status (-1: killed or not started).
int spawn(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  // The onnxruntime-node library leaves an empty /tmp/mat-debug-PID.log per
  // process; remove it so the test-time oracle leaves nothing behind.
  const std::string debug_log = "/tmp/mat-debug-" + std::to_string(pid) + ".log";
  struct stat st;
  if (::stat(debug_log.c_str(), &st) == 0 && st.st_size == 0) ::unlink(debug_log.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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

std::string resolve_ort_dir(const std::string& ort_dir) {
  if (!ort_dir.empty()) return ort_dir;
  if (const char* env = std::getenv("KPLAB_ORT_DIR"); env && *env) return env;
  return "tools/ort";
}

bool onnxruntime_available(const std::string& ort_dir, std::string* why) {
  const std::string dir = resolve_ort_dir(ort_dir);
  std::string reason;
  if (find_on_path("node").empty())
    reason = "node is not on PATH";
  else if (!fs::exists(fs::path(dir) / "run_onnx.js"))
    reason = (fs::path(dir) / "run_onnx.js").string() + " not found";
  else if (!fs::exists(fs::path(dir) / "node_modules" / "onnxruntime-node" / "package.json"))
    reason = (fs::path(dir) / "node_modules" / "onnxruntime-node").string() + " missing (run " +
             (fs::path(dir) / "install.sh").string() + ")";
  if (why) *why = reason;
  return reason.empty();
}

std::map<std::string, torch::Tensor> run_onnxruntime(const std::string& onnx_path, const torch::Tensor& input,
                                                     const std::vector<std::string>& outputs,
                                                     const std::string& work_dir, const std::string& ort_dir) {
  const std::string dir = resolve_ort_dir(ort_dir);
  std::string why;
  KP_CHECK(onnxruntime_available(dir, &why), "onnxruntime-node not available: ", why);
  KP_CHECK(fs::is_directory(work_dir), work_dir, ": work folder does not exist");

  const torch::Tensor x = float_input(input);
  const std::string in_file = (fs::path(work_dir) / "ort_input.bin").string();
  {
    std::ofstream out(in_file, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(x.data_ptr()), static_cast<std::streamsize>(x.numel() * sizeof(float)));
    KP_CHECK(out, in_file, ": write failed");
  }
  std::string shape;
  for (int64_t i = 0; i < x.dim(); ++i) shape += (i ? "," : "") + std::to_string(x.size(i));
  const std::string out_dir = (fs::path(work_dir) / "ort_outputs").string();
  std::error_code ec;
  fs::remove_all(out_dir, ec);

  std::vector<std::string> argv = {find_on_path("node"), (fs::path(dir) / "run_onnx.js").string(), onnx_path,
                                   in_file, shape, out_dir};
  argv.insert(argv.end(), outputs.begin(), outputs.end());
  const std::string out_log = (fs::path(work_dir) / "ort_stdout.txt").string();
  const std::string err_log = (fs::path(work_dir) / "ort_stderr.txt").string();
  const int rc = spawn(argv, out_log, err_log);
  KP_CHECK(rc == 0, onnx_path, ": onnxruntime (node run_onnx.js) failed",
           rc < 0 ? std::string(" to start or was killed") : str(" with exit code ", rc), ": ", trim(slurp(err_log)));

  const std::string index_file = (fs::path(out_dir) / "outputs.json").string();
  nlohmann::json index;
  try {
    index = nlohmann::json::parse(slurp(index_file));
  } catch (const std::exception& e) {
    throw Error(str(index_file, ": unreadable result index: ", e.what()));
  }
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
  for (const auto& name : outputs) KP_CHECK(result.count(name), onnx_path, ": onnxruntime returned no output '", name, "'");
  return result;
}

}  // namespace kplab::onnx_export
