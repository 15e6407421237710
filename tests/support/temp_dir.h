// A fresh folder per test, removed afterwards; tests make their own fixtures there.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kplab::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `bytes` to `path` (creating parent folders).
void write_file(const std::string& path, const std::string& bytes);

// Writes a w x h JPEG of smooth noise (seeded) to `path` (creating parent folders).
void write_test_jpeg(const std::string& path, int w, int h, unsigned seed = 0);

// Names of the files directly in `dir` (to prove nothing half-written was left).
std::vector<std::string> list_dir(const std::filesystem::path& dir);

}  // namespace kplab::test
