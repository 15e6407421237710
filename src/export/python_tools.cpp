#include "export/python_tools.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/error.h"
#include "core/subprocess.h"

#ifndef KPLAB_SOURCE_DIR
#error "KPLAB_SOURCE_DIR must name the source tree (CMakeLists.txt defines it)"
#endif

namespace kplab::onnx_export {

namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// The last non-empty line of a file: the helpers' one-line reason.
std::string last_line(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

}  // namespace

std::string python_venv() { return env_or("KPLAB_VENV", std::string(KPLAB_SOURCE_DIR) + "/.venv"); }
std::string source_tree() { return KPLAB_SOURCE_DIR; }
std::string python_tools_dir() { return env_or("KPLAB_PY_TOOLS", std::string(KPLAB_SOURCE_DIR) + "/tools/py"); }

bool python_tool_available(const std::string& script, std::string* why) {
  const std::string python = python_venv() + "/bin/python";
  const std::string path = python_tools_dir() + "/" + script;
  std::string reason;
  if (::access(python.c_str(), X_OK) != 0)
    reason = python + " not found: the project venv is missing (run tools/setup.sh, or set KPLAB_VENV)";
  else if (!fs::is_regular_file(path))
    reason = path + " not found (set KPLAB_PY_TOOLS to kplab's tools/py)";
  if (why) *why = reason;
  return reason.empty();
}

void run_python_tool(const std::string& script, const std::vector<std::string>& args, const std::string& work_dir,
                     const std::string& what) {
  std::string why;
  KP_CHECK(python_tool_available(script, &why), what, ": ", why);
  KP_CHECK(fs::is_directory(work_dir), what, ": ", work_dir, ": work folder does not exist");
  std::vector<std::string> argv = {python_venv() + "/bin/python", python_tools_dir() + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string out_log = (fs::path(work_dir) / (script + ".stdout")).string();
  const std::string err_log = (fs::path(work_dir) / (script + ".stderr")).string();
  const int rc = run_process(argv, out_log, err_log);
  if (rc == 0) return;
  std::string reason = last_line(err_log);
  if (reason.empty()) reason = rc < 0 ? "it did not start or was killed" : str("exit code ", rc, ", no message");
  throw Error(str(what, ": ", reason));
}

nlohmann::json read_helper_json(const std::string& path) {
  std::ifstream in(path);
  KP_CHECK(in, path, ": missing: the helper wrote no result");
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw Error(str(path, ": unreadable JSON: ", e.what()));
  }
}

}  // namespace kplab::onnx_export
