#include "serve/job_queue.h"

#include <exception>

#include "core/error.h"

namespace kplab {

JobQueue::JobQueue(size_t capacity, Work work) : capacity_(capacity), work_(std::move(work)) {
  thread_ = std::thread([this] { worker(); });
}

JobQueue::~JobQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool JobQueue::submit(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiting_.size() >= capacity_) return false;
    waiting_.push_back(id);
    jobs_[id] = JobStatus{};
  }
  wake_.notify_one();
  return true;
}

std::optional<JobStatus> JobQueue::status(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> JobQueue::finished_before(std::chrono::steady_clock::time_point before) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, s] : jobs_)
    if ((s.state == "done" || s.state == "failed") && s.finished < before) out.push_back(id);
  return out;
}

void JobQueue::forget(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  jobs_.erase(id);
}

void JobQueue::worker() {
  for (;;) {
    std::string id;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (stopping_) return;
      id = waiting_.front();
      waiting_.pop_front();
      jobs_[id].state = "running";
    }
    run_one(id);
  }
}

void JobQueue::run_one(const std::string& id) {
  const Progress progress = [this, id](int64_t done, int64_t total) {
    std::lock_guard<std::mutex> lock(mutex_);
    JobStatus& s = jobs_[id];
    s.frames_done = done;
    s.frames_total = total;
  };
  JobStatus finished;
  try {
    finished.result = work_(id, progress);
    finished.state = "done";
  } catch (const std::exception& e) {
    // Every failure is the job's own: the worker goes on with the next one.
    finished.state = "failed";
    finished.error = one_line(e.what());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  JobStatus& s = jobs_[id];
  s.state = finished.state;
  s.error = finished.error;
  s.result = std::move(finished.result);
  s.finished = std::chrono::steady_clock::now();
}

}  // namespace kplab
