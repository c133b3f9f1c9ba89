// Outputs are written under a temporary name beside their target and renamed when complete,
// so that a failure, Ctrl-C or a kill never leaves a partial file nor clobbers the last good
// one. Signals are received on a thread of their own (never on a compute thread's stack).
#pragma once

#include <string>

namespace gantool {

// Owns a temporary file "DIR/.NAME.gantool-tmp-PID-N" for the output `target` (NAME is
// shortened and tagged with a hash when the whole would exceed the file-name limit). The
// temporary is removed on destruction unless commit() renamed it to the target, and also
// when the process is stopped by SIGINT, SIGTERM or SIGHUP (see install_cleanup_handlers).
// A SIGKILL can still leave one behind: creating a TempFile for the same target removes
// the temporaries of that target whose process is gone.
// A target that is a symbolic link is followed: the file it points to is replaced and the
// link stays. A target that exists but is not a regular file (a device, pipe or socket) is
// refused: renaming over it would replace it (see is_stream_target for writing through).
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
  std::string target_;  // as the user named it (for messages)
  std::string real_;    // the file to replace: target_ with symbolic links followed
  std::string temp_;
  bool committed_ = false;
};

// A temporary folder for the output folder `target` (e.g. `export -o pictures/`), named and
// cleaned up as TempFile's temporaries are (a signal removes it with what it holds): the
// target appears complete or not at all. commit() renames it to the target, which must not
// exist by then, or be an empty folder.
class TempFolder {
 public:
  explicit TempFolder(std::string target);
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::string& path() const { return temp_; }
  const std::string& target() const { return target_; }

  // Flushes the folder's files to disk and renames it to the target; throws Error on failure.
  void commit();

 private:
  std::string target_;
  std::string temp_;
  bool committed_ = false;
};

// The prefix every temporary of `target` starts with (its folder included).
std::string temp_prefix(const std::string& target);

// True when `path` exists and is a character device, pipe or socket (e.g. /dev/null,
// /dev/stdout, a FIFO): text outputs are written straight to it, as to stdout, since
// there is no file to replace atomically.
bool is_stream_target(const std::string& path);

// Throws UsageError when writing `output` (named by `flag`) would replace the existing file
// `input`, e.g. `-o data.csv` when importing data.csv.
void refuse_overwrite(const std::string& output, const std::string& flag, const std::string& input);

// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread it starts later, and
// receives them with sigwait on a thread of its own, which deletes every live TempFile and
// then dies of the same signal (exit status 128 + signal in a shell). Call it first in
// main(), before any other thread exists. No signal handler ever runs on a compute
// thread's stack (oneDNN's JIT kernels keep data below the stack pointer).
// Also catches a crash inside the HDF5 library (SIGSEGV, SIGBUS, SIGABRT, ... on a damaged
// file): the temporaries are deleted and one error line names the file (see
// note_input_file), exit 1. A crash elsewhere stays a crash.
void install_cleanup_handlers();

// Records the HDF5 file being opened for reading, named if HDF5 crashes on it.
void note_input_file(const std::string& path);

// From now on the first SIGINT or SIGTERM only sets interrupt_requested(), so that long work
// can stop at a safe point and save its state; a second one removes the temporaries and
// kills the process at once (the last complete output stays intact).
void defer_interrupts();

// True once a deferred SIGINT or SIGTERM arrived.
bool interrupt_requested();

}  // namespace gantool
