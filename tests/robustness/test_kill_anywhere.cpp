// Killed anywhere, resumed, the same result: a two-phase training killed with
// SIGKILL at several moments (at start-up, and a few milliseconds after each
// of the first epochs' metrics rows: in validation, a checkpoint write or the
// next steps), each time continued with --resume (or started again when no
// last.pt was saved yet), ends with the same weights and metrics as an
// uninterrupted run, and leaves no temporary or lock behind.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/run_fixtures.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::quote;
using test::TempDir;

struct Attempt {
  bool killed = false;
  int code = -1;
  double seconds = 0;
};

// Runs `command` (through sh, exec'd so the pid is kplab's) and kills it with
// SIGKILL `delay` seconds after `ready()` first holds, unless it ended first
// (no `ready`: never killed).
Attempt run_and_kill(const std::string& command, const std::function<bool()>& ready = nullptr, double delay = 0) {
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  Attempt a;
  int status = 0;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  for (;;) {
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    const auto now = std::chrono::steady_clock::now();
    if (ready && !kill_at && ready()) kill_at = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                          std::chrono::duration<double>(delay));
    if (kill_at && now >= *kill_at) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  a.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  a.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return a;
}

// metrics.csv without its two timing columns.
std::vector<std::string> metrics(const std::string& run) {
  std::vector<std::string> rows;
  for (std::string line : test::lines(test::slurp(run + "/metrics.csv"))) {
    for (int i = 0; i < 2; ++i) line = line.substr(0, line.rfind(','));
    rows.push_back(line);
  }
  return rows;
}

TEST(KillAnywhere, AKilledAndResumedTrainingEndsWithTheUninterruptedWeights) {
  TempDir dir;
  const std::string cache = test::synthetic_cache(dir, "c.h5", 32);
  const std::string exp = dir.file("two_phases.yaml");
  std::ofstream(exp) << "seed: 4\n"
                        "model: {name: blazepose_lite, options: {input_size: 64}}\n"
                        "data: {cache: " << cache << ", schema: " << test::source_dir() << "/datasets/lsp.yaml, workers: 1}\n"
                        "phases:\n"
                        "  - {name: heatmap, epochs: 3, trainable: [backbone, heatmap], batch_size: 4,\n"
                        "     loss: {heatmap: 1, coords: 0, visibility: 0}, optimizer: {type: adam, lr: 0.001}}\n"
                        "  - {name: regression, epochs: 2, trainable: [regression], batch_size: 4,\n"
                        "     loss: {heatmap: 0, coords: 1, visibility: 1}, optimizer: {type: adam, lr: 0.001}}\n"
                        "eval: {alphas: [0.2]}\n";
  const std::string bin = test::kplab_command("train " + quote(exp), "env OMP_NUM_THREADS=1");
  const std::string whole = dir.file("whole"), parts = dir.file("parts");
  const Attempt reference = run_and_kill(bin + " --out " + quote(whole) + " >/dev/null 2>&1");
  ASSERT_EQ(reference.code, 0);

  // Kill points tied to the run's progress, not the clock (a loaded machine
  // moves the clock): the first attempt dies 0.3 s in, before any checkpoint;
  // then attempt i dies a few milliseconds after epoch i's metrics row
  // appears (in validation's aftermath, in a checkpoint write, or in the next
  // epoch's first steps, wherever the delay lands); the last one finishes.
  const double delays[] = {0.0, 0.004, 0.02, 0.06, 0.15};
  auto rows = [&] { return test::lines(test::slurp(parts + "/metrics.csv")).size(); };
  int kills = 0, resumed = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const bool resume = fs::exists(parts + "/checkpoints/last.pt");
    resumed += resume;
    const std::string cmd = bin + " --out " + quote(parts) + (resume ? " --resume" : "") + " >>" +
                            quote(dir.file("parts.log")) + " 2>&1";
    Attempt a;
    if (attempt == 0) {
      a = run_and_kill(cmd, [] { return true; }, 0.3);
    } else if (attempt <= 4) {
      const size_t want = static_cast<size_t>(attempt) + 1;  // header + `attempt` epochs
      a = run_and_kill(cmd, [&] { return rows() >= want; }, delays[attempt]);
    } else {
      a = run_and_kill(cmd);
    }
    if (a.killed) {
      ++kills;
      continue;
    }
    ASSERT_EQ(a.code, 0) << test::slurp(dir.file("parts.log"));
    break;
  }
  EXPECT_GE(kills, 4) << test::slurp(dir.file("parts.log"));
  EXPECT_GE(resumed, 3) << "kills after a checkpoint, so that --resume continues it";
  EXPECT_EQ(metrics(whole), metrics(parts));
  const auto w = test::last_weights(whole, "blazepose_lite", "{input_size: 64}");
  const auto p = test::last_weights(parts, "blazepose_lite", "{input_size: 64}");
  for (const auto& kv : w) EXPECT_TRUE(torch::equal(kv.second, p.at(kv.first))) << kv.first;
  for (const auto& e : fs::recursive_directory_iterator(parts)) {
    const std::string name = e.path().filename().string();
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << e.path();
    EXPECT_NE(name, ".lock") << e.path();
  }
}

}  // namespace
}  // namespace kplab
