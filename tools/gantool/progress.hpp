// The one status line of a long command (train, sample, score, eval-jsd): redrawn in place
// on a terminal (stderr) at most every 200 ms, nothing in a pipe or with --quiet, and cleared
// when the command ends (also before an error message) unless kept.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace gantool {

class ProgressLine {
 public:
  explicit ProgressLine(bool quiet) : live_(!quiet && isatty(STDERR_FILENO)) {}
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // True on a terminal without --quiet: the line is drawn.
  bool live() const { return live_; }

  // True when a throttled show() would draw: live, and 200 ms after the last draw.
  bool due() const { return live_ && clock::now() - last_ >= std::chrono::milliseconds(200); }

  double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

  // Shows `text`; `now` bypasses the 200 ms throttle.
  void show(const std::string& text, bool now = true) {
    if (!live_) return;
    const auto t = clock::now();
    if (!now && t - last_ < std::chrono::milliseconds(200)) return;
    last_ = t;
    fmt::print(stderr, "\r{}\033[K", text);
    std::fflush(stderr);
  }

  // "WHAT done/total rows  R rows/s  ETA S s", throttled.
  void rows(const char* what, int64_t done, int64_t total) {
    if (!live_) return;
    const double rate = double(done) / std::max(seconds(), 1e-9);
    show(fmt::format("{} {}/{} rows  {:.3g} rows/s  ETA {:.0f}s", what, done, total, rate,
                     rate > 0 ? double(total - done) / rate : 0.0),
         done == total);
  }

  void clear() {
    if (live_) fmt::print(stderr, "\r\033[K");
  }

  // Ends the line where it is, keeping it on screen (a newline); nothing is drawn after.
  void keep() {
    if (live_) fmt::print(stderr, "\n");
    live_ = false;
  }

 private:
  using clock = std::chrono::steady_clock;
  bool live_;
  clock::time_point start_ = clock::now(), last_;
};

}  // namespace gantool
