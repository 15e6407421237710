#include "json_output.h"

#include <fstream>

#include "core/error.h"

namespace kplab::cli {

JsonOutput::JsonOutput(const std::string& path) {
  if (!path.empty()) file_ = std::make_unique<AtomicFile>(path, true);
}

void JsonOutput::write(const nlohmann::json& j) {
  if (!file_) return;
  {
    std::ofstream out(file_->temp_path());
    out << j.dump(2) << "\n";
    if (!out) throw Error(str(file_->target(), ": writing the JSON output failed"));
  }
  file_->commit();
}

}  // namespace kplab::cli
