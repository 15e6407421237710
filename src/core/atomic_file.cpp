#include "core/atomic_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace fs = std::filesystem;

namespace kplab {

AtomicFile::AtomicFile(std::string target, bool overwrite) : target_(std::move(target)) {
  fs::path path(target_);
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw input_error(target_, "output folder", "an existing folder", "'" + dir.string() + "' does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw input_error(target_, "output folder", "a writable folder", "'" + dir.string() + "' is not writable");
  if (fs::exists(path, ec) && !overwrite)
    throw input_error(target_, "output", "a path that does not exist yet", "an existing file (pass --force to replace it)");
  temp_ = (dir / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  fs::remove(temp_, ec);
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) throw Error(str(target_, ": cannot rename the finished temporary file into place: ", ec.message()));
  committed_ = true;
}

void AtomicFile::commit_bytes(const std::string& bytes) {
  {
    std::ofstream out(temp_, std::ios::binary);
    out << bytes;
    out.flush();
    if (!out) throw Error(str(target_, ": writing the file failed (disk full or folder removed?)"));
  }
  commit();
}

}  // namespace kplab
