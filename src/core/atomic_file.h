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

}  // namespace kplab
