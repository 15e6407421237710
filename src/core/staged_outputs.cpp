#include "core/staged_outputs.h"

#include "core/error.h"

namespace fs = std::filesystem;

namespace kplab {

std::string StagedOutputs::add(const std::string& target, const std::string& suffix) {
  auto file = std::make_unique<AtomicFile>(target, true);
  const std::string path = file->temp_path() + suffix;
  if (!suffix.empty()) {
    std::error_code ec;
    fs::remove(path, ec);
  }
  files_.push_back({std::move(file), path});
  return path;
}

std::vector<std::string> StagedOutputs::targets() const {
  std::vector<std::string> t;
  for (const auto& f : files_) t.push_back(f.file->target());
  return t;
}

std::vector<std::string> StagedOutputs::commit_all() {
  std::vector<std::string> written;
  for (auto& f : files_) {
    if (f.path != f.file->temp_path()) {
      std::error_code ec;
      fs::rename(f.path, f.file->temp_path(), ec);
      if (ec) throw Error(str(f.file->target(), ": cannot move the finished temporary file into place: ", ec.message()));
    }
    f.file->commit();
    written.push_back(f.file->target());
  }
  return written;
}

StagedOutputs::~StagedOutputs() {
  std::error_code ec;
  for (auto& f : files_)
    if (f.path != f.file->temp_path()) fs::remove(f.path, ec);  // the AtomicFile removes its own
}

void CreatedFolders::make(fs::path dir) {
  if (!dir.has_filename()) dir = dir.parent_path();  // "out/" -> "out"
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (fs::exists(dir, ec)) throw input_error(dir.string(), "--out", "a folder", "an existing file");
  if (!dir.parent_path().empty()) make(dir.parent_path());
  if (!fs::create_directory(dir, ec) && !fs::is_directory(dir))
    throw input_error(dir.string(), "--out", "a folder that can be created", ec.message());
  made_.push_back(dir);
}

CreatedFolders::~CreatedFolders() {
  if (keep_) return;
  std::error_code ec;
  for (auto it = made_.rbegin(); it != made_.rend(); ++it)
    if (fs::is_empty(*it, ec)) fs::remove(*it, ec);
}

}  // namespace kplab
