// kplab's Python helpers (tools/py/*.py), run as subprocesses from the
// project venv: ONNX Runtime (the independent ONNX oracle), onnx2tf (ONNX ->
// TFLite) and LiteRT (the TFLite runtime). The kplab binary needs none of
// them to train, evaluate or export ONNX; only the features that prove a file
// in those runtimes do, and they fail with one line naming the install
// command when the venv is missing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kplab::onnx_export {

// The venv: $KPLAB_VENV, else the source tree's .venv (made by tools/setup.sh).
std::string python_venv();
// The helper scripts: $KPLAB_PY_TOOLS, else the source tree's tools/py.
std::string python_tools_dir();
// The source tree this kplab was built from (where datasets/ ships its schemas).
std::string source_tree();

// True when the venv's python and `script` exist; otherwise false with the
// reason (naming tools/setup.sh) in *why. Packages inside the venv are checked
// by the scripts themselves.
bool python_tool_available(const std::string& script, std::string* why = nullptr);

// Runs `VENV/bin/python TOOLS/script args...`, stdout and stderr into
// work_dir (an existing folder). Throws kplab::Error "WHAT: <the script's
// one-line reason>" when it fails or cannot start.
void run_python_tool(const std::string& script, const std::vector<std::string>& args, const std::string& work_dir,
                     const std::string& what);

// A JSON file a helper wrote (a result index, a converter report). Throws
// kplab::Error naming the file when it is missing or not JSON.
nlohmann::json read_helper_json(const std::string& path);

}  // namespace kplab::onnx_export
