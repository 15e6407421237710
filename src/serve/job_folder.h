// The temporary folders of `kplab serve`: one per upload, named by a random
// id, under one root the server owns. A request names a job only by its id,
// which is checked against [0-9a-f]{16} before any path is made from it, and
// a file only from a fixed list (serve_app.cpp): nothing a request sends
// reaches the file system unchecked.
#pragma once

#include <filesystem>
#include <mutex>
#include <random>
#include <string>

namespace kplab {

// True for exactly 16 lowercase hex digits.
bool is_job_id(const std::string& id);

class JobFolders {
 public:
  // Creates `root` if missing (it must be empty or missing: every entry in
  // it is the server's and may be removed).
  explicit JobFolders(std::filesystem::path root);
  // Removes the root and everything in it.
  ~JobFolders();
  JobFolders(const JobFolders&) = delete;
  JobFolders& operator=(const JobFolders&) = delete;

  // A new job's id, its folder created.
  std::string create();
  // The folder of job `id`; throws unless is_job_id(id).
  std::filesystem::path folder(const std::string& id) const;
  // Removes job `id`'s folder (no error when already gone).
  void remove(const std::string& id) noexcept;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  std::mutex mutex_;
  std::mt19937_64 random_;
};

// Removes job `id`'s folder when it goes out of scope, unless keep() was
// called: a refused upload leaves nothing behind whatever the reason.
class FolderGuard {
 public:
  FolderGuard(JobFolders& folders, std::string id) : folders_(folders), id_(std::move(id)) {}
  ~FolderGuard() {
    if (!kept_) folders_.remove(id_);
  }
  void keep() { kept_ = true; }

 private:
  JobFolders& folders_;
  std::string id_;
  bool kept_ = false;
};

}  // namespace kplab
