// Errors that gantool reports to a person, and the one always-on assertion.
//
// Library code throws; only main() turns an error into a message and an exit code
// (0 ok, 1 runtime error, 2 usage error, 3 a failed quality gate).
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace gantool {

// Something outside the program is wrong (a file, its contents): exit code 1.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The command was called wrongly (flags, arguments): exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Work stopped by Ctrl-C or SIGTERM after saving what it could: exit code 130.
struct Interrupted : Error {
  using Error::Error;
};

// A quality gate failed (eval-jsd --fail-above) after the result was printed: exit code 3.
struct GateFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws Error with a formatted message.
template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

// Throws UsageError with a formatted message.
template <typename... Args>
[[noreturn]] void fail_usage(fmt::format_string<Args...> format, Args&&... args) {
  throw UsageError(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace gantool

// An internal invariant; a failure is a bug in gantool, reported with its place.
#define GANTOOL_ASSERT(cond)                                                          \
  do {                                                                                \
    if (!(cond))                                                                      \
      throw std::logic_error(fmt::format("internal error: {}:{}: assertion '{}' failed", \
                                         __FILE__, __LINE__, #cond));                 \
  } while (0)
