// --json FILE, the same for every verb: the path is checked before the work
// (a bad folder fails in a second, not after a long run) and the file is
// written whole or not at all.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace kplab {

class JsonOutput {
 public:
  explicit JsonOutput(const std::string& path);  // empty path: no output
  bool enabled() const { return file_ != nullptr; }
  void write(const nlohmann::json& j);           // no-op when not enabled
  // Two steps, for verbs whose other outputs must not outlive a failed JSON
  // write: stage() writes the temporary (a full disk fails here, before the
  // other outputs are renamed into place), commit() renames it.
  void stage(const nlohmann::json& j);
  void commit();

 private:
  std::unique_ptr<AtomicFile> file_;
};

}  // namespace kplab
