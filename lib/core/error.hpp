// Errors that gantool reports to a person, and the one always-on assertion.
//
// Library code throws; only main() turns an error into a message and an exit code
// (0 ok, 1 runtime error, 2 usage error, 3 a failed quality gate).
#pragma once

#include <cstddef>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

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

// Untrusted text (a field, a column name) for an error message, between single quotes and
// on one printable line: control bytes, C1 controls and invalid UTF-8 are escaped (\n, \r,
// \t, \0, \xNN), valid UTF-8 is kept, and text beyond `max` bytes is cut (at a character
// boundary) and marked "...".
inline std::string quote_for_message(std::string_view text, size_t max = 40) {
  std::string out = "'";
  size_t i = 0;
  while (i < text.size() && i < max) {
    const auto c = static_cast<unsigned char>(text[i]);
    // A valid UTF-8 sequence of n bytes for a code point from U+00A0 on (RFC 3629, section 4).
    size_t n = 1;
    if (c >= 0xC2 && c <= 0xF4) {
      n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      const auto at = [&](size_t k) -> unsigned {
        return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
      };
      const unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
      const unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
      bool valid = at(i + 1) >= lo && at(i + 1) <= hi && !(c == 0xC2 && at(i + 1) < 0xA0);
      for (size_t k = 2; k < n; ++k) valid = valid && at(i + k) >= 0x80 && at(i + k) <= 0xBF;
      if (!valid) n = 1;
    }
    if (n > 1) {
      if (i + n > max) break;
      out.append(text.substr(i, n));
    } else if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      const char* escape = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == 0 ? "\\0" : nullptr;
      out += escape ? std::string(escape) : fmt::format("\\x{:02x}", c);
    }
    i += n;
  }
  if (i < text.size()) out += "...";
  return out + "'";
}

// The message for a failed write of the output `name` with errno `error`: it says "disk
// full" for ENOSPC, EDQUOT and EFBIG.
inline std::string write_error_message(const std::string& name, int error) {
  std::string reason = std::strerror(error);
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  if (error == ENOSPC || error == EDQUOT)
    return fmt::format("{}: cannot write: {} (disk full); free some space and run again", name, reason);
  if (error == EFBIG)
    return fmt::format("{}: cannot write: {} (disk full, or the file size limit of 'ulimit -f'); free some "
                       "space or raise the limit and run again", name, reason);
  return fmt::format("{}: cannot write: {}", name, reason);
}

}  // namespace gantool

// An internal invariant; a failure is a bug in gantool, reported with its place.
#define GANTOOL_ASSERT(cond)                                                          \
  do {                                                                                \
    if (!(cond))                                                                      \
      throw std::logic_error(fmt::format("internal error: {}:{}: assertion '{}' failed", \
                                         __FILE__, __LINE__, #cond));                 \
  } while (0)
