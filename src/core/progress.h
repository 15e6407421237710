// Progress on long work: a redrawn bar on a terminal, a few plain lines
// otherwise (logs and CI stay readable).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kplab {

class Progress {
 public:
  // `total` units of work; `label` starts each line. Silent when `enabled` is false.
  Progress(std::string label, int64_t total, bool enabled = true);
  ~Progress();
  // Advances by `n` units; `extra` is shown after the counters (e.g. "loss 0.12").
  void step(int64_t n = 1, const std::string& extra = "");
  void finish();
  double elapsed_seconds() const;

 private:
  void draw(bool final_line);
  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  bool enabled_;
  bool tty_;
  bool finished_ = false;
  int last_decile_ = -1;
  std::string extra_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace kplab
