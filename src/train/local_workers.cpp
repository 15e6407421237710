// The local launcher of `kplab train --nproc N` (run_local_workers in
// train/distributed.h): one process per rank on this machine, watched until
// all end or one fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "train/distributed.h"

extern char** environ;

namespace kplab {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  KP_CHECK(fd >= 0, "distributed: socket(): ", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  KP_CHECK(ok, "distributed: no free TCP port on 127.0.0.1: ", std::strerror(errno));
  return ntohs(addr.sin_port);
}

namespace {

constexpr int kMaxRanks = 1024;
pid_t g_children[kMaxRanks];
volatile sig_atomic_t g_num_children = 0;
volatile sig_atomic_t g_interrupted = 0;

// Passes Ctrl-C / SIGTERM on to every rank (kill() is async-signal-safe).
// Ranks in the terminal's process group get Ctrl-C twice: harmless, it only
// asks them to stop after their current step.
void forward_signal(int sig) {
  if (sig == SIGINT) g_interrupted = 1;
  for (int i = 0; i < g_num_children; ++i)
    if (g_children[i] > 0) ::kill(g_children[i], sig);
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return str("exited with code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return str("was killed by signal ", WTERMSIG(status), " (", strsignal(WTERMSIG(status)), ")");
  return "ended";
}

// Everything execve needs, built before fork (the child only calls execve):
// each rank's environment (the launcher's, less any rendezvous variables,
// plus its own) and the argument vector. Built in place and never copied:
// the char* arrays point into the strings.
class WorkerExec {
 public:
  WorkerExec(const std::vector<std::string>& command, int nproc, int port, const char* omp, int threads)
      : envs_(nproc, base_env(nproc, port, omp, threads)), envps_(nproc), args_(command) {
    for (int r = 0; r < nproc; ++r) {
      envs_[r].push_back(str("RANK=", r));
      envs_[r].push_back(str("LOCAL_RANK=", r));
      for (auto& s : envs_[r]) envps_[r].push_back(s.data());
      envps_[r].push_back(nullptr);
    }
    for (auto& a : args_) argv_.push_back(a.data());
    argv_.push_back(nullptr);
  }
  WorkerExec(const WorkerExec&) = delete;
  WorkerExec& operator=(const WorkerExec&) = delete;

  // Replaces the calling (child) process with rank r.
  void exec(int r) const { ::execve(argv_[0], argv_.data(), envps_[r].data()); }

 private:
  static std::vector<std::string> base_env(int nproc, int port, const char* omp, int threads) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string kv = *e;
      const std::string name = kv.substr(0, kv.find('='));
      if (name == "RANK" || name == "WORLD_SIZE" || name == "LOCAL_RANK" || name == "LOCAL_WORLD_SIZE" ||
          name == "MASTER_ADDR" || name == "MASTER_PORT")
        continue;
      env.push_back(kv);
    }
    env.push_back(str("WORLD_SIZE=", nproc));
    env.push_back(str("LOCAL_WORLD_SIZE=", nproc));
    env.push_back("MASTER_ADDR=127.0.0.1");
    env.push_back(str("MASTER_PORT=", port));
    if (!omp || !*omp) env.push_back(str("OMP_NUM_THREADS=", threads));
    return env;
  }

  std::vector<std::vector<std::string>> envs_;
  std::vector<std::vector<char*>> envps_;
  std::vector<std::string> args_;
  std::vector<char*> argv_;
};

// Forks one process per rank; each is recorded in g_children for
// forward_signal as soon as it exists.
std::vector<pid_t> spawn_ranks(const WorkerExec& exec, int nproc) {
  const pid_t parent = ::getpid();
  g_num_children = 0;
  g_interrupted = 0;
  std::vector<pid_t> pids(nproc, -1);
  for (int r = 0; r < nproc; ++r) {
    pid_t pid = ::fork();
    if (pid < 0) {
      forward_signal(SIGTERM);
      throw Error(str("--nproc: fork() failed for rank ", r, ": ", std::strerror(errno)));
    }
    if (pid == 0) {
      // A rank must not outlive its launcher (killed with SIGKILL, say).
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(1);
      exec.exec(r);
      ::_exit(127);
    }
    pids[r] = pid;
    g_children[r] = pid;
    g_num_children = r + 1;
  }
  return pids;
}

// The running ranks as they end: the first that failed, and whether any
// stopped on Ctrl-C (which is not a failure).
class RankWatch {
 public:
  explicit RankWatch(std::vector<pid_t> pids) : pids_(std::move(pids)), running_(static_cast<int>(pids_.size())) {}

  // Waits until every rank has ended or one has failed.
  void wait_for_end_or_failure() {
    while (running_ > 0 && failed_rank < 0) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, 0);
      if (pid < 0) {
        if (errno == EINTR) continue;
        break;
      }
      reap(pid, status);
    }
  }

  // After a failure: SIGTERM to the ranks still running, SIGKILL to those
  // still there 10 s later.
  void stop_the_others() {
    if (failed_rank < 0 || running_ == 0) return;
    signal_running(SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (running_ > 0) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid > 0) {
        reap(pid, status);
        continue;
      }
      if (pid < 0 && errno != EINTR) break;
      if (std::chrono::steady_clock::now() > deadline) {
        signal_running(SIGKILL);
        while (running_ > 0 && (pid = ::waitpid(-1, &status, 0)) > 0) reap(pid, status);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  int failed_rank = -1, failed_status = 0;
  bool interrupted = false;

 private:
  void signal_running(int sig) const {
    for (pid_t pid : pids_)
      if (pid > 0) ::kill(pid, sig);
  }

  void reap(pid_t pid, int status) {
    for (size_t r = 0; r < pids_.size(); ++r) {
      if (pids_[r] != pid) continue;
      pids_[r] = -1;
      g_children[r] = -1;
      --running_;
      const bool stopped_on_ctrl_c = WIFEXITED(status) && WEXITSTATUS(status) == 130;
      const bool ok = (WIFEXITED(status) && WEXITSTATUS(status) == 0) || stopped_on_ctrl_c ||
                      (g_interrupted && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
      interrupted = interrupted || stopped_on_ctrl_c || (g_interrupted && !WIFEXITED(status));
      if (!ok && failed_rank < 0) {
        failed_rank = static_cast<int>(r);
        failed_status = status;
      }
    }
  }

  std::vector<pid_t> pids_;
  int running_;
};

}  // namespace

int run_local_workers(const std::vector<std::string>& command, int nproc) {
  KP_CHECK(nproc >= 1 && nproc <= kMaxRanks, "--nproc: expected 1 to ", kMaxRanks, ", found ", nproc);
  KP_CHECK(!command.empty(), "distributed: empty worker command");
  const int port = free_port();
  const char* omp = std::getenv("OMP_NUM_THREADS");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int threads = std::max(1, static_cast<int>(cores) / nproc);
  const WorkerExec exec(command, nproc, port, omp, threads);

  std::fprintf(stderr, "kplab: starting %d ranks on 127.0.0.1:%d (%s OMP threads each)\n", nproc, port,
               omp && *omp ? omp : std::to_string(threads).c_str());
  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {}, old_term {};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  // A failed fork throws with these handlers still installed (forward_signal
  // has stopped the ranks started so far).
  RankWatch ranks(spawn_ranks(exec, nproc));

  // Wait for every rank; on the first failure stop the others.
  ranks.wait_for_end_or_failure();
  ranks.stop_the_others();
  g_num_children = 0;
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (ranks.failed_rank >= 0)
    throw Error(str("rank ", ranks.failed_rank, " of ", nproc, " ", describe_status(ranks.failed_status),
                    "; the other ranks were stopped (see rank ", ranks.failed_rank, "'s message above)"));
  return ranks.interrupted ? 130 : 0;
}

}  // namespace kplab
