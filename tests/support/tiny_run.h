// A tiny trained run for the CLI tests of the verbs that read runs (report,
// release): a 24-person synthetic cache at 64 px and blazepose_lite trained
// on it for one epoch in each of two phases. Built once per test binary and
// shared read-only: tests that write into a run work on copy_tiny_run().
#pragma once

#include <string>

#include "support/temp_dir.h"

namespace kplab::test {

struct TinyRun {
  std::string cache;       // the synthetic cache (split 12/6/6)
  std::string run;         // the run folder
  std::string experiment;  // the experiment file it was trained from
};

const TinyRun& tiny_run();

// A copy of the tiny run at dir/name (its report.html left out).
std::string copy_tiny_run(const TempDir& dir, const std::string& name);

}  // namespace kplab::test
