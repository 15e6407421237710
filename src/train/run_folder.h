// The run folder of one training: created and locked for the whole run, so a
// second `kplab train` on the same --out is refused instead of mixing its
// files into the first one's; removed again when a new run fails before it
// saved anything, so a failed start leaves no half-made run behind.
#pragma once

#include <string>

namespace kplab {

class RunFolder {
 public:
  // Creates `dir` (and dir/checkpoints) if missing and takes an advisory lock
  // (flock on dir/.lock, which holds the owner's pid). A folder locked by a
  // live process is refused naming its pid; a lock left by a killed process
  // is free again (the kernel drops it with the process).
  explicit RunFolder(const std::string& dir);
  // Releases the lock and removes dir/.lock. When the run is leaving by an
  // exception and no checkpoint was ever saved: removes the folder if this
  // run created it, else the files a start writes (config.yaml, command.txt,
  // init.json, metrics.csv, TensorBoard events, an empty checkpoints/).
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

 private:
  std::string dir_;
  std::string lock_path_;
  int fd_ = -1;
  bool created_ = false;
  int exceptions_at_start_ = 0;
};

}  // namespace kplab
