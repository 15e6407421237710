#include "support/cli_run.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace kplab::test {

std::string kplab_binary() {
  const char* env = std::getenv("KPLAB_TEST_BINARY");
  return env && *env ? env : KPLAB_BINARY;
}

std::string source_dir() {
  const char* env = std::getenv("KPLAB_TEST_SOURCE_DIR");
  return env && *env ? env : KPLAB_SOURCE_DIR;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string kplab_command(const std::string& args, const std::string& env) {
  return (env.empty() ? "" : env + " ") + quote(kplab_binary()) + " " + args;
}

CliResult run_kplab(const TempDir& dir, const std::string& args, const std::string& env) {
  const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
  const std::string cmd = kplab_command(args, env) + " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace kplab::test
