#include "train/run_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>

#include "core/error.h"

namespace fs = std::filesystem;

namespace kplab {

namespace {

std::string read_small_file(int fd) {
  char buf[64] = {0};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s(buf, n > 0 ? n : 0);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

RunFolder::RunFolder(const std::string& dir) : dir_(dir), lock_path_((fs::path(dir) / ".lock").string()) {
  std::error_code ec;
  created_ = !fs::exists(dir, ec);
  fs::create_directories(fs::path(dir) / "checkpoints", ec);
  if (ec) throw input_error(dir, "run folder", "a folder kplab can create", ec.message());
  // Take the lock; if the file was unlinked by its previous holder between
  // our open and our flock, we locked a stale inode: open again.
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw input_error(lock_path_, "run folder lock", "a file kplab can create", std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string holder = read_small_file(fd_);
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK)
        throw input_error(dir, "run folder", "a folder no other training is writing",
                          str("one in use by kplab train (pid ", holder.empty() ? "unknown" : holder,
                              "); wait for it, stop it, or choose another --out"));
      throw input_error(lock_path_, "run folder lock", "a lockable file", std::strerror(err));
    }
    struct stat held {}, now {};
    if (::fstat(fd_, &held) == 0 && ::stat(lock_path_.c_str(), &now) == 0 && held.st_ino == now.st_ino) break;
    ::close(fd_);
    fd_ = -1;
  }
  KP_CHECK(fd_ >= 0, lock_path_, ": run folder lock: expected to take it, found it replaced 100 times in a row");
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    throw input_error(lock_path_, "run folder lock", "room to write the owner's pid", std::strerror(errno));
  exceptions_at_start_ = std::uncaught_exceptions();
}

RunFolder::~RunFolder() {
  std::error_code ec;
  if (std::uncaught_exceptions() > exceptions_at_start_ && fs::is_empty(fs::path(dir_) / "checkpoints", ec) && !ec) {
    if (created_) {
      fs::remove_all(dir_, ec);
    } else {
      for (const char* f : {"config.yaml", "command.txt", "init.json", "metrics.csv", "checkpoints"})
        fs::remove(fs::path(dir_) / f, ec);
      for (const auto& e : fs::directory_iterator(dir_, ec))  // this run's TensorBoard events file
        if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) fs::remove(e.path(), ec);
    }
  }
  // Unlink before unlocking: whoever opens the path next makes a new file
  // (the constructor's inode check handles one that opened the old one).
  fs::remove(lock_path_, ec);
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace kplab
