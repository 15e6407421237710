// One training per run folder: a second `kplab train` on a folder in use is
// refused naming the holder's pid, and the first run's files stay its own; a
// lock left by a killed process is taken over; a run that fails before its
// first checkpoint leaves no run folder behind.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "train/run_folder.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::has;
using test::quote;
using test::TempDir;

bool wait_for(const std::function<bool()>& ready, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ready();
}

TEST(RunFolderLock, ASecondHolderIsRefusedNamingThePidAndTheFolderIsFreeAfterwards) {
  TempDir dir;
  const std::string run = dir.file("run");
  {
    RunFolder first(run);
    EXPECT_TRUE(fs::is_directory(run + "/checkpoints"));
    test::expect_error_with([&] { RunFolder second(run); },
                            {run, "in use by kplab train (pid " + std::to_string(::getpid()) + ")"});
  }
  EXPECT_FALSE(fs::exists(run + "/.lock")) << "the lock file goes with its holder";
  EXPECT_NO_THROW(RunFolder again(run));
}

TEST(RunFolderLock, ALockLeftByAKilledProcessIsTakenOver) {
  TempDir dir;
  const std::string run = dir.file("run");
  fs::create_directories(run);
  const std::string lock = run + "/.lock";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // holds the lock as a training would, until killed
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(2);
    const std::string pid = std::to_string(::getpid());
    if (::write(fd, pid.data(), pid.size()) < 0) ::_exit(2);
    for (;;) ::pause();
  }
  ASSERT_TRUE(wait_for([&] { return fs::exists(lock) && fs::file_size(lock) > 0; }, 10));
  test::expect_error_with([&] { RunFolder busy(run); }, {"pid " + std::to_string(child)});
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_NO_THROW(RunFolder taken(run));
}

TEST(RunFolderLock, TwoTrainingsOnOneOutKeepTheFirstOnesResults) {
  TempDir dir;
  const std::string exp = test::tiny_experiment(dir, test::synthetic_cache(dir, "c.h5"));
  const std::string run = dir.file("run");
  // A: started in the background and frozen (SIGSTOP) once it holds the folder.
  const std::string a_log = dir.file("a.log");
  const std::string start = test::kplab_command("train " + quote(exp) + " --out " + quote(run), "OMP_NUM_THREADS=1") +
                            " >" + quote(a_log) + " 2>&1 & echo $!";
  FILE* p = ::popen(start.c_str(), "r");
  ASSERT_NE(p, nullptr);
  long a = 0;
  ASSERT_EQ(std::fscanf(p, "%ld", &a), 1);
  ::pclose(p);
  ASSERT_TRUE(wait_for([&] { return fs::exists(run + "/.lock") && fs::file_size(run + "/.lock") > 0; }, 60))
      << test::slurp(a_log);
  ::kill(static_cast<pid_t>(a), SIGSTOP);
  const test::CliResult b = test::run_kplab(dir, "train " + quote(exp) + " --out " + quote(run), "OMP_NUM_THREADS=1");
  ::kill(static_cast<pid_t>(a), SIGCONT);
  EXPECT_EQ(b.code, 1);
  EXPECT_TRUE(has(b.err, "in use by kplab train (pid " + std::to_string(a) + ")")) << b.err;
  EXPECT_EQ(test::lines(b.err).size(), 1u) << b.err;
  // A finishes normally and its run is whole.
  ASSERT_TRUE(wait_for([&] { return ::kill(static_cast<pid_t>(a), 0) != 0; }, 300)) << test::slurp(a_log);
  EXPECT_TRUE(has(test::slurp(a_log), "trained ")) << test::slurp(a_log);
  EXPECT_TRUE(fs::exists(run + "/checkpoints/last.pt"));
  EXPECT_EQ(test::lines(test::slurp(run + "/metrics.csv")).size(), 3u) << "header + 2 epochs of run A";
  EXPECT_FALSE(fs::exists(run + "/.lock"));
}

TEST(RunFolderLock, AFailedNewRunLeavesNoRunFolder) {
  TempDir dir;
  // No validation people: refused after the folder was made, before any checkpoint.
  const std::string exp = test::tiny_experiment(dir, test::synthetic_cache(dir, "noval.h5", 24, "0.5,0,0.5"));
  const std::string run = dir.file("run");
  const test::CliResult r = test::run_kplab(dir, "train " + quote(exp) + " --out " + quote(run), "OMP_NUM_THREADS=1");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, "validation split(s): expected at least one person")) << r.err;
  EXPECT_FALSE(fs::exists(run)) << "config.yaml, command.txt and checkpoints/ must not be left";
  // In a folder that existed, only what the run wrote goes.
  fs::create_directories(run);
  test::write_file(run + "/notes.txt", "mine");
  EXPECT_EQ(test::run_kplab(dir, "train " + quote(exp) + " --out " + quote(run), "OMP_NUM_THREADS=1").code, 1);
  EXPECT_EQ(test::list_dir(run), std::vector<std::string>{"notes.txt"});
}

}  // namespace
}  // namespace kplab
