// Output files appear whole or not at all: write to a temporary path beside
// the target, then rename over it. A failure (exception, Ctrl-C unwinding)
// removes the temporary, so no half-written cache or checkpoint is left.
#pragma once

#include <string>

namespace kplab {

class AtomicFile {
 public:
  // Checks that the target's folder exists and is writable, and that the
  // target does not exist unless `overwrite`. Throws kplab::Error otherwise.
  AtomicFile(std::string target, bool overwrite);
  ~AtomicFile();  // removes the temporary unless commit() ran
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Where to write now.
  const std::string& temp_path() const { return temp_; }
  const std::string& target() const { return target_; }
  // Renames the temporary onto the target (atomic on one filesystem).
  void commit();
  // Writes `bytes` to the temporary, checks the write, and commits: the whole
  // life of a small text output (config, JSON, CSV, HTML) in one call.
  void commit_bytes(const std::string& bytes);

 private:
  std::string target_;
  std::string temp_;
  bool committed_ = false;
};

// Writes `size` bytes to `path` (created or truncated) with checked writes
// and a checked close. A failure throws kplab::Error naming the path and the
// reason, "the disk is full" when it is; the partial file is removed.
// `name_in_errors`: the name to report (e.g. an AtomicFile's target), default `path`.
void write_whole_file(const std::string& path, const void* data, size_t size, const std::string& name_in_errors = "");

// Why a write into `path` failed, for a message: "the disk is full (N KiB
// free on the filesystem of DIR)" when `err` is ENOSPC or the filesystem has
// (nearly) no room left, else strerror(err) (or `fallback` for err = 0, when
// a library did not keep errno).
std::string write_failure_reason(const std::string& path, int err, const std::string& fallback = "write failed");

// Removes what killed kplab processes left beside `target`: the hidden
// temporaries ".NAME.tmp-PID" (files or staging folders) whose PID is no
// longer running. Runs whenever a new AtomicFile is made for that target.
void remove_stale_temporaries(const std::string& target);

}  // namespace kplab
