#include "core/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace fs = std::filesystem;

namespace kplab {

namespace {

fs::path folder_of(const std::string& target) {
  fs::path dir = fs::path(target).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

bool process_running(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

}  // namespace

std::string write_failure_reason(const std::string& path, int err, const std::string& fallback) {
  const fs::path dir = folder_of(path);
  struct statvfs fsinfo {};
  if (::statvfs(dir.c_str(), &fsinfo) == 0) {
    const unsigned long long free_bytes = static_cast<unsigned long long>(fsinfo.f_bavail) * fsinfo.f_frsize;
    if (err == ENOSPC || free_bytes < 64 * 1024)
      return str("the disk is full (", free_bytes / 1024, " KiB free on the filesystem of ", dir.string(), ")");
  }
  return err ? std::string(std::strerror(err)) : fallback;
}

void write_whole_file(const std::string& path, const void* data, size_t size, const std::string& name_in_errors) {
  const std::string& name = name_in_errors.empty() ? path : name_in_errors;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(str(name, ": cannot create the file: ", write_failure_reason(path, errno)));
  const char* p = static_cast<const char*>(data);
  size_t left = size;
  int err = 0;
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0 && !err) err = errno;  // NFS and quotas report late
  if (err) {
    std::error_code ec;
    fs::remove(path, ec);
    throw Error(str(name, ": writing ", size, " bytes failed: ", write_failure_reason(path, err)));
  }
}

void remove_stale_temporaries(const std::string& target) {
  const fs::path dir = folder_of(target);
  const std::string prefix = "." + fs::path(target).filename().string() + ".tmp-";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const long owner = std::stol(pid);
    if (owner == ::getpid() || process_running(owner)) continue;
    std::error_code rec;
    fs::remove_all(it->path(), rec);
  }
}

AtomicFile::AtomicFile(std::string target, bool overwrite) : target_(std::move(target)) {
  fs::path path(target_);
  fs::path dir = folder_of(target_);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw input_error(target_, "output folder", "an existing folder", "'" + dir.string() + "' does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw input_error(target_, "output folder", "a writable folder", "'" + dir.string() + "' is not writable");
  if (fs::exists(path, ec) && !overwrite)
    throw input_error(target_, "output", "a path that does not exist yet", "an existing file (pass --force to replace it)");
  remove_stale_temporaries(target_);
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
  write_whole_file(temp_, bytes.data(), bytes.size(), target_);
  commit();
}

}  // namespace kplab
