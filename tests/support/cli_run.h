// Running the kplab binary (KPLAB_BINARY) from a test, with stdout and stderr
// captured: the one helper every CLI test shares.
#pragma once

#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace kplab::test {

struct CliResult {
  int code = -1;    // exit status, -1 when killed by a signal
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `ENV kplab ARGS </dev/null`, capturing both streams into files in
// `dir` (`env` e.g. "OMP_NUM_THREADS=1", may be empty).
CliResult run_kplab(const TempDir& dir, const std::string& args, const std::string& env = "");

// The shell command run_kplab runs, without its redirections: `ENV 'kplab'
// ARGS`, for the tests that start kplab in the background or beside another
// rank (they add their own redirections and `&`).
std::string kplab_command(const std::string& args, const std::string& env = "");

// The kplab binary and the source tree the tests use: the build's, unless
// $KPLAB_TEST_BINARY / $KPLAB_TEST_SOURCE_DIR say otherwise (the GPU
// machine runs binaries built here from another folder: tools/gpu/build.sh).
std::string kplab_binary();
std::string source_dir();

std::string slurp(const std::string& path);                  // a whole file ("" when missing)
std::string quote(const std::string& s);                     // single-quoted for the shell
std::vector<std::string> lines(const std::string& text);     // non-empty lines
bool has(const std::string& text, const std::string& part);  // substring test

}  // namespace kplab::test
