// Outputs are written under a temporary name beside their target and renamed when complete,
// so that a failure or Ctrl-C never leaves a partial file nor clobbers the last good one.
#pragma once

#include <string>

namespace gantool {

// Owns a temporary file "DIR/.NAME.tmp-PID-N" for the output `target`. The temporary is
// removed on destruction unless commit() renamed it to the target, and also when the
// process is killed by SIGINT, SIGTERM or SIGHUP (see install_cleanup_handlers).
class TempFile {
 public:
  explicit TempFile(std::string target);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return temp_; }
  const std::string& target() const { return target_; }

  // Atomically renames the temporary to the target; throws Error on failure.
  void commit();

 private:
  std::string target_, temp_;
  int slot_ = -1;  // index in the signal handler's table
  bool committed_ = false;
};

// Throws UsageError when writing `output` (named by `flag`) would replace the existing file
// `input`, e.g. `-o data.csv` when importing data.csv.
void refuse_overwrite(const std::string& output, const std::string& flag, const std::string& input);

// Installs handlers for SIGINT, SIGTERM and SIGHUP that delete every live TempFile and then
// die of the same signal (exit status 128 + signal in a shell).
void install_cleanup_handlers();

// From now on the first SIGINT or SIGTERM only sets interrupt_requested(), so that long work
// can stop at a safe point and save its state; a second one removes the temporaries and
// kills the process at once (the last complete output stays intact).
void defer_interrupts();

// True once a deferred SIGINT or SIGTERM arrived.
bool interrupt_requested();

}  // namespace gantool
