// Temporary outputs and their removal on interruption.
#include "core/tempfile.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "core/error.hpp"

namespace gantool {

namespace {

// The signal handler may only call async-signal-safe functions, so the live temporaries are
// kept in fixed buffers rather than std::strings.
constexpr int kSlots = 16;
constexpr size_t kPathMax = 4096;
char g_paths[kSlots][kPathMax];
std::atomic<bool> g_used[kSlots];
std::atomic<int> g_counter{0};

volatile std::sig_atomic_t g_interrupts = 0;

void on_signal(int sig) {
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i].load()) unlink(g_paths[i]);
  std::signal(sig, SIG_DFL);
  raise(sig);
}

void on_deferred_signal(int sig) {
  if (g_interrupts++ > 0) on_signal(sig);
}

int claim_slot(const std::string& path) {
  if (path.size() >= kPathMax) return -1;  // too long for the table: not cleaned on a signal
  for (int i = 0; i < kSlots; ++i) {
    if (g_used[i].load()) continue;
    std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
    g_used[i].store(true);
    return i;
  }
  return -1;  // more live outputs than slots: still correct, only not cleaned on a signal
}

}  // namespace

TempFile::TempFile(std::string target) : target_(std::move(target)) {
  const std::filesystem::path p(target_);
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    fail("{}: cannot write: folder '{}' does not exist", target_, dir.string());
  if (std::filesystem::is_directory(p, ec)) fail("{}: cannot write: it is a folder", target_);
  temp_ = (dir / fmt::format(".{}.tmp-{}-{}", p.filename().string(), getpid(),
                             g_counter.fetch_add(1)))
              .string();
  slot_ = claim_slot(temp_);
}

TempFile::~TempFile() {
  if (!committed_) std::remove(temp_.c_str());
  if (slot_ >= 0) g_used[slot_].store(false);
}

void TempFile::commit() {
  // On disk before the rename, so that a crash cannot leave a renamed but empty file.
  const int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    fail("{}: cannot write: {}", target_, std::strerror(errno));
  }
  ::close(fd);
  if (std::rename(temp_.c_str(), target_.c_str()) != 0)
    fail("{}: cannot write: {}", target_, std::strerror(errno));
  committed_ = true;
}

void refuse_overwrite(const std::string& output, const std::string& flag, const std::string& input) {
  std::error_code ec;
  if (std::filesystem::equivalent(output, input, ec))
    fail_usage("{} {} would overwrite the input; write to another file", flag, output);
}

void defer_interrupts() {
  for (int sig : {SIGINT, SIGTERM}) std::signal(sig, on_deferred_signal);
}

bool interrupt_requested() { return g_interrupts > 0; }

void install_cleanup_handlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_signal);
}

}  // namespace gantool
