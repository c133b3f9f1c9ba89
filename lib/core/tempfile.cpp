// Temporary outputs, their removal on interruption, and the signal-receiving thread.
#include "core/tempfile.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <system_error>
#include <thread>

#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <ucontext.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace gantool {

namespace fs = std::filesystem;

namespace {

// The live temporaries, in fixed buffers: the table is trivially destructible, so the
// signal thread may still use it while the process exits.
constexpr int kSlots = 64;
constexpr size_t kPathMax = 4096;
char g_paths[kSlots][kPathMax];
bool g_used[kSlots];
std::mutex g_mutex;  // guards the table, and makes a commit and a signal's cleanup exclusive
std::atomic<int> g_counter{0};

char g_input[kPathMax];  // the HDF5 file opened last, named when HDF5 crashes on it

std::atomic<bool> g_defer{false};
std::atomic<int> g_interrupts{0};

constexpr const char* kTempTag = ".gantool-tmp-";
constexpr size_t kNameMax = 255;  // NAME_MAX of Linux file systems

int claim_slot(const std::string& path) {
  if (path.size() >= kPathMax) return -1;  // too long for the table: not cleaned on a signal
  std::lock_guard<std::mutex> lock(g_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (g_used[i]) continue;
    std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
    g_used[i] = true;
    return i;
  }
  return -1;  // more live outputs than slots: still correct, only not cleaned on a signal
}

void release_slot(const std::string& path) {
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i] && path == g_paths[i]) g_used[i] = false;
}

// Removes every live temporary and dies of `sig`. The lock is kept: no commit can
// rename a temporary into place after its removal.
[[noreturn]] void die_of(int sig) {
  g_mutex.lock();
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i] && unlink(g_paths[i]) != 0 && errno == EISDIR) {  // a TempFolder (this is no signal handler)
      std::error_code ignored;
      fs::remove_all(g_paths[i], ignored);
    }
  std::signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  raise(sig);
  _exit(128 + sig);  // not reached: the default action of these signals ends the process
}

// True when code address `pc` lies in the HDF5 library.
bool in_hdf5(void* pc) {
  Dl_info info;
  return dladdr(pc, &info) && info.dli_fname && std::strstr(info.dli_fname, "libhdf5");
}

void say(const char* text) {
  if (write(STDERR_FILENO, text, std::strlen(text)) < 0) return;
}

// SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT. Inside the HDF5 library it means a damaged
// input file (HDF5 1.10 does not check every structure it reads): one error line and
// exit 1. Anywhere else it is a bug: the default action, a crash with its core dump.
void on_fatal(int sig, siginfo_t*, void* context) {
  bool hdf5 = false;
#if defined(__x86_64__)
  hdf5 = in_hdf5(reinterpret_cast<void*>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]));
#endif
  void* frames[64];
  const int n = hdf5 ? 0 : backtrace(frames, 64);  // aborts from free() start in libc
  for (int i = 0; i < n && !hdf5; ++i) hdf5 = in_hdf5(frames[i]);
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i]) unlink(g_paths[i]);
  if (hdf5) {
    say("gantool: error: ");
    say(g_input[0] ? g_input : "an input file");
    say(": the HDF5 library crashed reading it: the file is damaged; check it with h5dump or make it again\n");
    _exit(1);
  }
  std::signal(sig, SIG_DFL);  // on return the fault repeats (abort raises again) and ends the process
}

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  return set;
}

void receive_signals(sigset_t set) {
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (g_defer.load() && sig != SIGHUP && g_interrupts.fetch_add(1) == 0) continue;
    die_of(sig);
  }
}

// 64-bit FNV-1a: tags a shortened name so that two long names do not share temporaries.
uint64_t fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

// `path` with symbolic links followed to the file they finally name (which may not exist).
fs::path follow_links(const std::string& path) {
  fs::path p(path);
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) return p;
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) return p;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  fail("{}: cannot write: too many levels of symbolic links", path);
}

// True while the process that made a temporary may still be writing it: it runs and is a
// gantool (a reused process id of another program does not count).
bool writer_alive(pid_t pid) {
  if (pid == getpid()) return true;
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  return !(comm >> name) || name.rfind("gantool", 0) == 0;
}

// Removes the temporaries of `prefix` (a folder and name prefix) left by processes that
// are gone, e.g. killed by SIGKILL while writing.
void remove_stale(const std::string& prefix) {
  const fs::path p(prefix);
  const std::string start = p.filename().string();
  std::error_code ec;
  for (fs::directory_iterator it(p.parent_path().empty() ? "." : p.parent_path(), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, start.size(), start) != 0) continue;
    char* rest = nullptr;
    const long pid = std::strtol(name.c_str() + start.size(), &rest, 10);
    if (pid <= 0 || *rest != '-' || writer_alive(static_cast<pid_t>(pid))) continue;
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);  // a file, or a TempFolder with its files
  }
}

}  // namespace

std::string temp_prefix(const std::string& target) {
  const fs::path real = follow_links(target);
  std::string name = real.filename().string();
  // ".NAME" + tag + "PID-N" must fit in a file name: PIDs have at most 7 digits on Linux,
  // the counter at most 10.
  const size_t room = kNameMax - 1 - std::strlen(kTempTag) - 7 - 1 - 10;
  if (name.size() > room) name = fmt::format("{}~{:016x}", name.substr(0, room - 17), fnv1a(name));
  return (real.parent_path() / ("." + name + kTempTag)).string();
}

bool is_stream_target(const std::string& path) {
  std::error_code ec;
  const fs::file_status s = fs::status(path, ec);
  return !ec && (s.type() == fs::file_type::character || s.type() == fs::file_type::fifo ||
                 s.type() == fs::file_type::socket);
}

TempFile::TempFile(std::string target) : target_(std::move(target)) {
  const fs::path real = follow_links(target_);
  const fs::path dir = real.has_parent_path() ? real.parent_path() : ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail("{}: cannot write: folder '{}' does not exist", target_, dir.string());
  const fs::file_status s = fs::status(real, ec);
  if (s.type() == fs::file_type::directory) fail("{}: cannot write: it is a folder", target_);
  if (!ec && s.type() != fs::file_type::regular && s.type() != fs::file_type::not_found)
    fail("{}: cannot write: it is not a regular file (a device, pipe or socket), which the complete output "
         "would replace; write to a file",
         target_);
  if (real.filename().string().size() > kNameMax)
    fail("{}: cannot write: the file name is longer than {} bytes", target_, kNameMax);
  real_ = real.string();
  const std::string prefix = temp_prefix(target_);
  remove_stale(prefix);
  temp_ = fmt::format("{}{}-{}", prefix, getpid(), g_counter.fetch_add(1));
  claim_slot(temp_);
}

TempFile::~TempFile() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!committed_) std::remove(temp_.c_str());
  release_slot(temp_);
}

void TempFile::commit() {
  // On disk before the rename, so that a crash cannot leave a renamed but empty file.
  const int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw Error(write_error_message(target_, err));
  }
  ::close(fd);
  std::lock_guard<std::mutex> lock(g_mutex);  // a signal's cleanup waits for the rename
  if (std::rename(temp_.c_str(), real_.c_str()) != 0) throw Error(write_error_message(target_, errno));
  committed_ = true;
  release_slot(temp_);
}

TempFolder::TempFolder(std::string target) : target_(std::move(target)) {
  while (target_.size() > 1 && target_.back() == '/') target_.pop_back();
  const fs::path real(target_);
  const fs::path dir = real.has_parent_path() ? real.parent_path() : ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail("{}: cannot write: folder '{}' does not exist", target_, dir.string());
  if (fs::exists(fs::symlink_status(real, ec)) && !(fs::is_directory(real, ec) && fs::is_empty(real, ec)))
    fail("{}: exists{}; name a new folder (or remove it)", target_, fs::is_directory(real, ec) ? " and is not empty" : " and is not a folder");
  const std::string prefix = temp_prefix(target_);
  remove_stale(prefix);
  temp_ = fmt::format("{}{}-{}", prefix, getpid(), g_counter.fetch_add(1));
  if (!fs::create_directory(temp_, ec)) throw Error(write_error_message(target_, ec.value() ? ec.value() : EIO));
  claim_slot(temp_);
}

TempFolder::~TempFolder() {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::error_code ignored;
  if (!committed_) fs::remove_all(temp_, ignored);
  release_slot(temp_);
}

void TempFolder::commit() {
  // Its files on disk before the rename.
  const int fd = ::open(temp_.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0 || ::syncfs(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw Error(write_error_message(target_, err));
  }
  ::close(fd);
  std::lock_guard<std::mutex> lock(g_mutex);
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) throw Error(write_error_message(target_, errno));
  committed_ = true;
  release_slot(temp_);
}

void refuse_overwrite(const std::string& output, const std::string& flag, const std::string& input) {
  std::error_code ec;
  if (fs::equivalent(output, input, ec))
    fail_usage("{} {} would overwrite the input; write to another file", flag, output);
}

void note_input_file(const std::string& path) {
  const size_t n = std::min(path.size(), kPathMax - 1);
  std::memcpy(g_input, path.data(), n);
  g_input[n] = '\0';
}

void defer_interrupts() { g_defer.store(true); }

bool interrupt_requested() { return g_interrupts.load() > 0; }

void install_cleanup_handlers() {
  const sigset_t set = handled_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // inherited by every thread started from now on
  std::thread(receive_signals, set).detach();
#if !defined(__SANITIZE_ADDRESS__)  // the sanitizers report faults themselves
  // On a stack of its own, so that a stack overflow is reported too.
  static char stack[1 << 16];
  stack_t alt = {};
  alt.ss_sp = stack;
  alt.ss_size = sizeof stack;
  sigaltstack(&alt, nullptr);
  void* frames[1];
  backtrace(frames, 1);  // loads the unwinder now: loading it inside a handler is unsafe
  struct sigaction action = {};
  action.sa_sigaction = on_fatal;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &action, nullptr);
#endif
}

}  // namespace gantool
