// A run that writes several outputs (overlays, a CSV, a video) makes them
// appear all together or not at all: each is written to a temporary beside
// its target and renamed into place only after the whole run succeeded, so a
// bad image halfway through a folder, a crash or an error leaves neither half
// files nor half a set. The folders the run created go again when it fails.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/atomic_file.h"

namespace kplab {

class StagedOutputs {
 public:
  // Where to write `target` now. `suffix` extends the temporary's name for
  // writers that choose the format by extension (cv::VideoWriter: ".avi").
  std::string add(const std::string& target, const std::string& suffix = "");
  // The targets added so far.
  std::vector<std::string> targets() const;
  // Renames every temporary onto its target; returns the targets.
  std::vector<std::string> commit_all();
  ~StagedOutputs();

 private:
  struct Staged {
    std::unique_ptr<AtomicFile> file;
    std::string path;  // written here; the AtomicFile's temporary unless suffixed
  };
  std::vector<Staged> files_;
};

// Folders this run created; removed again (when still empty) unless kept.
class CreatedFolders {
 public:
  // Creates `dir` and its missing parents; errors name it (as --out).
  void make(std::filesystem::path dir);
  void keep() { keep_ = true; }
  ~CreatedFolders();

 private:
  std::vector<std::filesystem::path> made_;
  bool keep_ = false;
};

}  // namespace kplab
