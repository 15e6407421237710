#include "release/git_state.h"

#include <array>
#include <cstdio>
#include <ctime>

namespace kplab {

namespace {

// First line a shell command prints, or "" when it fails.
std::string command_output(const std::string& command) {
  std::array<char, 512> buf{};
  std::string out;
  FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!p) return "";
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  if (::pclose(p) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

std::string git_commit() { return command_output("git rev-parse HEAD"); }

bool git_has_local_changes() { return !command_output("git status --porcelain --untracked-files=no").empty(); }

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace kplab
