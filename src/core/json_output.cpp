#include "core/json_output.h"

#include <fstream>

#include "core/error.h"

namespace kplab {

JsonOutput::JsonOutput(const std::string& path) {
  if (!path.empty()) file_ = std::make_unique<AtomicFile>(path, true);
}

void JsonOutput::write(const nlohmann::json& j) {
  stage(j);
  commit();
}

void JsonOutput::stage(const nlohmann::json& j) {
  if (!file_) return;
  const std::string text = j.dump(2) + "\n";
  write_whole_file(file_->temp_path(), text.data(), text.size(), file_->target());
}

void JsonOutput::commit() {
  if (file_) file_->commit();
}

}  // namespace kplab
