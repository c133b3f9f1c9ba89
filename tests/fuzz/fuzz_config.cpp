// libFuzzer target: the --config reader. Each input is written to a file and read as
// `gantool train --config FILE --print-config` does, through run_gantool (the whole
// command line: CLI11's TOML reader, gantool's checks of every option). gantool's stdout
// goes to /dev/null and its stderr to a buffer that must meet the error contract: nothing
// on success, else one line "gantool: error: ..." (never an internal error). Sanitizer
// reports still reach the real stderr.
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../../tools/gantool/commands.hpp"
#include "fuzz_util.hpp"

namespace {

// The real stdout and stderr, /dev/null, and the in-memory file gantool's stderr goes to.
int g_stdout = -1, g_stderr = -1, g_null = -1, g_captured = -1;

// Sends gantool's stdout to /dev/null and its stderr to g_captured (emptied), or back.
void redirect(bool on) {
  std::fflush(stdout);
  std::fflush(stderr);
  if (on && (ftruncate(g_captured, 0) != 0 || lseek(g_captured, 0, SEEK_SET) != 0)) std::abort();
  dup2(on ? g_null : g_stdout, STDOUT_FILENO);
  dup2(on ? g_captured : g_stderr, STDERR_FILENO);
}

std::string captured_stderr() {
  std::string text(static_cast<size_t>(lseek(g_captured, 0, SEEK_END)), '\0');
  if (pread(g_captured, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) std::abort();
  return text;
}

// True when `err` is what gantool may print for exit code `status`.
bool meets_error_contract(int status, const std::string& err) {
  if (status == 0) return err.empty();
  if (status != 1 && status != 2) return false;  // 3 a gate, 130 interrupted: not here
  return err.rfind("gantool: error: ", 0) == 0 && err.find('\n') == err.size() - 1 &&
         err.find("internal error") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_stdout = dup(STDOUT_FILENO);
  g_stderr = dup(STDERR_FILENO);
  g_null = open("/dev/null", O_WRONLY);
  g_captured = memfd_create("gantool-stderr", 0);
  if (g_stdout < 0 || g_stderr < 0 || g_null < 0 || g_captured < 0) return 1;
  __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<intptr_t>(g_stderr)));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string file = gantool_fuzz::input_file(data, size, ".toml");
  std::vector<std::string> args = {"gantool", "train", "--config", file, "--print-config"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  redirect(true);
  const int status = gantool::run_gantool(static_cast<int>(args.size()), argv.data());
  redirect(false);
  const std::string err = captured_stderr();
  if (!meets_error_contract(status, err)) {
    std::fprintf(stderr, "finding: exit code %d with stderr:\n%s\n", status, err.c_str());
    std::abort();
  }
  return 0;
}
