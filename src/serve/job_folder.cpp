#include "serve/job_folder.h"

#include <cstdio>

#include "core/error.h"

namespace kplab {

namespace fs = std::filesystem;

bool is_job_id(const std::string& id) {
  if (id.size() != 16) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

JobFolders::JobFolders(fs::path root) : root_(std::move(root)), random_(std::random_device{}()) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec || !fs::is_directory(root_))
    throw input_error(root_.string(), "--temp-dir", "a folder kplab serve can create", ec ? ec.message() : "not a folder");
  if (!fs::is_empty(root_))
    throw input_error(root_.string(), "--temp-dir", "an empty or missing folder (its entries get removed)",
                      "a folder with files in it");
}

JobFolders::~JobFolders() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

std::string JobFolders::create() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (;;) {
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(random_()));
    std::error_code ec;
    // create_directory is false for an existing folder: a (rare) repeat draws again.
    if (fs::create_directory(root_ / id, ec)) return id;
    if (ec) throw Error(str((root_ / id).string(), ": cannot create a job folder: ", ec.message()));
  }
}

fs::path JobFolders::folder(const std::string& id) const {
  KP_CHECK(is_job_id(id), "job id: expected 16 hex digits, found '", id, "'");
  return root_ / id;
}

void JobFolders::remove(const std::string& id) noexcept {
  if (!is_job_id(id)) return;
  std::error_code ec;
  fs::remove_all(root_ / id, ec);
}

}  // namespace kplab
