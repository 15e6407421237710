// The jobs of `kplab serve`: one worker runs them one at a time (predict
// already uses the machine's cores); at most `capacity` wait behind it, and
// submit() says no past that, which the server answers with "busy" (503)
// instead of letting a queue grow without bound.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace kplab {

struct JobStatus {
  std::string state = "queued";  // queued, running, done or failed
  int64_t frames_done = 0;       // video: frames predicted so far
  int64_t frames_total = 0;      // video: the count its header states (0: unknown)
  std::string error;             // failed: why, in one line
  nlohmann::json result;         // done: what the page shows
  std::chrono::steady_clock::time_point finished;
};

class JobQueue {
 public:
  using Progress = std::function<void(int64_t done, int64_t total)>;
  // Runs job `id` and returns its result; throws to fail it (the message is shown).
  using Work = std::function<nlohmann::json(const std::string& id, const Progress& progress)>;

  JobQueue(size_t capacity, Work work);
  // Finishes the running job, drops the waiting ones, joins the worker.
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // False when `capacity` jobs already wait (the caller answers "busy").
  bool submit(const std::string& id);
  std::optional<JobStatus> status(const std::string& id) const;
  // Finished jobs (done or failed) that finished before `before`.
  std::vector<std::string> finished_before(std::chrono::steady_clock::time_point before) const;
  void forget(const std::string& id);

 private:
  void worker();
  void run_one(const std::string& id);

  size_t capacity_;
  Work work_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> waiting_;
  std::map<std::string, JobStatus> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kplab
