// --json FILE, the same for every verb: the path is checked before the work
// (a bad folder fails in a second, not after a long run) and the file is
// written whole or not at all.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace kplab::cli {

class JsonOutput {
 public:
  explicit JsonOutput(const std::string& path);  // empty path: no output
  bool enabled() const { return file_ != nullptr; }
  void write(const nlohmann::json& j);           // no-op when not enabled

 private:
  std::unique_ptr<AtomicFile> file_;
};

}  // namespace kplab::cli
