#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace kplab {

Progress::Progress(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled), tty_(::isatty(STDERR_FILENO) != 0) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  if (!finished_ && tty_ && enabled_ && done_ > 0) std::fputc('\n', stderr);
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::step(int64_t n, const std::string& extra) {
  done_ += n;
  extra_ = extra;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    // Redraw at most 10 times a second: printing must not cost throughput.
    if (now - last_draw_ > std::chrono::milliseconds(100) || done_ >= total_) {
      last_draw_ = now;
      draw(false);
    }
  } else {
    int decile = total_ > 0 ? static_cast<int>(10 * done_ / total_) : 0;
    if (decile != last_decile_ && decile < 10) {
      last_decile_ = decile;
      draw(true);
    }
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) draw(true);
}

void Progress::draw(bool final_line) {
  double secs = elapsed_seconds();
  double rate = secs > 0 ? done_ / secs : 0.0;
  double eta = rate > 0 && total_ > done_ ? (total_ - done_) / rate : 0.0;
  double frac = total_ > 0 ? static_cast<double>(done_) / total_ : 1.0;
  char bar[31];
  int filled = static_cast<int>(frac * 30);
  for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
  bar[30] = 0;
  std::fprintf(stderr, "%s%s [%s] %lld/%lld %.0f/s %.1fs eta %.0fs%s%s%s", tty_ ? "\r" : "",
               label_.c_str(), bar, static_cast<long long>(done_), static_cast<long long>(total_), rate,
               secs, eta, extra_.empty() ? "" : " ", extra_.c_str(), (final_line || !tty_) ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace kplab
