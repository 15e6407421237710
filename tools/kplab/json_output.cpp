#include "json_output.h"

#include <fstream>

#include "core/error.h"

namespace kplab::cli {

JsonOutput::JsonOutput(const std::string& path) {
  if (!path.empty()) file_ = std::make_unique<AtomicFile>(path, true);
}

void JsonOutput::write(const nlohmann::json& j) {
  if (!file_) return;
  file_->commit_bytes(j.dump(2) + "\n");
}

}  // namespace kplab::cli
