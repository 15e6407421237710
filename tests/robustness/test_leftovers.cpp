// Temporaries carry their owner's pid (".NAME.tmp-PID"); the next output to
// the same target removes the ones whose process is gone (killed runs of
// prepare, export, release, train) and leaves a live process's alone.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "models/registry.h"
#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/temp_dir.h"
#include "train/checkpoint.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// The pid of a process that has exited (and been reaped).
std::string dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return std::to_string(child);
}

TEST(Leftovers, ANewOutputRemovesDeadProcessesTemporariesOfTheSameTargetOnly) {
  TempDir dir;
  const std::string dead = dead_pid(), live = std::to_string(::getppid());
  test::write_file(dir.file(".c.h5.tmp-" + dead), "half a cache");
  test::write_file(dir.file(".c.h5.tmp-" + live), "a cache being written right now");
  test::write_file(dir.file(".other.h5.tmp-" + dead), "another target's");
  test::write_file(dir.file(".c.h5.tmp-notapid"), "not ours");
  test::synthetic_cache(dir, "c.h5", 8);
  EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{".c.h5.tmp-" + live, ".c.h5.tmp-notapid",
                                                                  ".other.h5.tmp-" + dead, "c.h5"}));
}

TEST(Leftovers, AKilledReleasesStagingFolderIsRemoved) {
  TempDir dir;
  const std::string stage = dir.file(".zoo_model.tmp-" + dead_pid());
  test::write_file(stage + "/model.onnx", "half a release");
  remove_stale_temporaries(dir.file("zoo_model"));
  EXPECT_FALSE(fs::exists(stage));
}

TEST(Leftovers, ACheckpointSaveRemovesAKilledSavesTemporary) {
  TempDir dir;
  const std::string stale = dir.file(".last.pt.tmp-" + dead_pid());
  test::write_file(stale, std::string(1 << 20, 'x'));
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  Checkpoint c;
  save_checkpoint(dir.file("last.pt"), c, *m, nullptr);
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{"last.pt"});
}

}  // namespace
}  // namespace kplab
