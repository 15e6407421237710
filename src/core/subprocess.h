// Running another program and waiting for it: what kplab needs of the Python
// helpers it drives (tools/py: ONNX Runtime, onnx2tf, LiteRT), with no shell
// in between (arguments pass as they are, whatever characters they hold).
#pragma once

#include <string>
#include <vector>

namespace kplab {

// Runs argv (argv[0] a path) with stdin from /dev/null and stdout/stderr into
// the given files; returns its exit status, or -1 when it could not start or
// was killed by a signal.
int run_process(const std::vector<std::string>& argv, const std::string& stdout_file, const std::string& stderr_file);

// A fresh, private folder under $TMPDIR (else /tmp), removed with everything
// in it when the object goes: scratch space for converter and runtime
// exchanges, never where results land.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "kplab");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace kplab
