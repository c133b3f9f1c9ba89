// gantool's command line: builds the app from the subcommands, runs the chosen one and maps
// errors to exit codes: 0 ok, 1 runtime error, 2 usage error, 3 a failed quality gate,
// 130 interrupted. Kept apart from main() so that a fuzzer can call it many times in one
// process; it keeps no state between calls.
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/threads.hpp"
#include "core/error.hpp"
#include "core/version.hpp"

namespace gantool {

namespace {

std::string g_command_line;  // set anew by each run_gantool call

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./:=,+@%") == std::string::npos)
    return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Writes one line to stderr without throwing (fmt::print throws when stderr cannot be
// written, and this runs inside catch handlers).
void report(const std::string& line) {
  std::fputs((line + "\n").c_str(), stderr);
  std::fflush(stderr);
}

// The one line for results that could not reach stdout (a full disk, a closed pipe when
// SIGPIPE is ignored); `err` is the errno of the failed write, 0 when unknown.
int stdout_failed(int err) {
  report(err ? fmt::format("gantool: error: cannot write to standard output: {}", std::strerror(err))
             : std::string("gantool: error: cannot write to standard output"));
  return 1;
}

// Parses the command line and runs the chosen subcommand; returns its exit code.
int parse_and_run(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string first = argc > 1 ? argv[1] : "";
    const auto named = app.get_subcommands([&](const CLI::App* sub) { return sub->get_name() == first; });
    if (!first.empty() && first[0] != '-' && named.empty()) {
      report(fmt::format("gantool: error: unknown subcommand '{}' (see 'gantool --help')", argv[1]));
      return 2;
    }
    const auto* sub = app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
    report(fmt::format("gantool: error: {} (see 'gantool{} --help')", e.what(), sub ? " " + sub->get_name() : ""));
    return 2;
  } catch (const GateFailed& e) {
    report(fmt::format("gantool: {}", e.what()));
    return 3;
  } catch (const UsageError& e) {
    report(fmt::format("gantool: error: {}", e.what()));
    return 2;
  } catch (const Interrupted& e) {
    report(fmt::format("gantool: {}", e.what()));
    return 130;
  } catch (const Error& e) {
    report(fmt::format("gantool: error: {}", e.what()));
    return 1;
  } catch (const std::bad_alloc&) {
    const auto* sub = app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
    report(fmt::format("gantool: error: {}out of memory; lower the sizes this run asks for (rows, --batch, widths)",
                       sub ? sub->get_name() + ": " : ""));
    return 1;
  } catch (const std::system_error& e) {  // fmt::print to stdout (or stderr) failed
    if (std::ferror(stdout)) return stdout_failed(e.code().value());
    report(fmt::format("gantool: error: {}", e.what()));
    return 1;
  } catch (const std::exception& e) {
    report(fmt::format("gantool: {}", e.what()));
    return 1;
  }
}

// The --config file must be a readable text file: CLI11 would read a binary file (a model,
// /bin/ls) as an empty configuration without a word.
std::string check_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("cannot read the config file '{}': {}", path, std::strerror(errno));
  constexpr size_t kMaxBytes = size_t{1} << 20;
  std::string text(kMaxBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return fmt::format("cannot read the config file '{}'", path);
  if (text.size() > kMaxBytes)
    return fmt::format("'{}' is over 1 MB: not a config file (a TOML file as 'gantool train --print-config' writes)",
                       path);
  const size_t nul = text.find('\0');
  const size_t bad = nul != std::string::npos ? nul : invalid_utf8_at(text);
  if (bad != std::string::npos)
    return fmt::format("'{}' is not a text file ({} at byte {}); give a TOML file as 'gantool train --print-config' "
                       "writes", path, nul != std::string::npos ? "a NUL byte" : "invalid UTF-8", bad);
  return "";
}

}  // namespace

size_t invalid_utf8_at(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned c = s[i];
    size_t len = 0;
    unsigned min = 0, cp = 0;
    if (c < 0x80) len = 1, cp = c;
    else if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07, min = 0x10000;
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;  // overlong, too large, surrogate
    i += len;
  }
  return std::string::npos;
}

CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& text) {
        return text.find('-') != std::string::npos
                   ? std::string("a seed is a whole number from 0 to 18446744073709551615 (got '" + text + "')")
                   : std::string();
      },
      "SEED");
}

double memory_limit() {
  double limit = physical_memory();
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r{};
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY) limit = std::min(limit, double(r.rlim_cur));
  }
  return limit;
}

std::string bytes_text(double bytes) {
  if (bytes >= 1e12) return fmt::format("{:.1f} TB", bytes / 1e12);
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  return fmt::format("{:.0f} MB", std::max(1.0, bytes / 1e6));
}

void require_memory(double bytes, const std::string& what, const std::string& lower) {
  const double limit = memory_limit();
  if (bytes > 0.9 * limit)
    fail_usage("{} would take about {} of memory, more than the {} this machine allows; lower {}", what, bytes_text(bytes),
               bytes_text(limit), lower);
}

const std::string& command_line() { return g_command_line; }

void add_threads_option(CLI::App* cmd) {
  auto threads = std::make_shared<int>(0);
  cmd->add_option("--threads", *threads, "Threads for the numeric kernels (default: OMP_NUM_THREADS, else all cores)")
      ->check(CLI::Range(1, 4096));
  cmd->parse_complete_callback([threads] { set_threads(resolve_threads(*threads)); });
}

int run_gantool(int argc, char** argv) {
  g_command_line.clear();
  std::clearerr(stdout);
  for (int i = 0; i < argc; ++i) {
    const std::string arg = i == 0 ? "gantool" : argv[i];
    g_command_line += (i ? " " : "") + shell_quote(arg);
  }

  CLI::App app{"gantool: make, train on, sample from and evaluate GAN datasets.\n"
               "Every subcommand reads and writes HDF5 files; see 'gantool SUBCOMMAND --help'."};
  app.set_version_flag("--version", fmt::format("gantool {}", version()));
  app.require_subcommand(1);
  app.set_config("--config", "", "Read options from a TOML file, a [SUBCOMMAND] section each (train --print-config writes one)")
      ->check(CLI::Validator([](std::string& path) { return check_config_file(path); }, "FILE"));
  app.fallthrough(false);
  add_prepare_command(app);
  add_info_command(app);
  add_export_command(app);
  add_train_command(app);
  add_sample_command(app);
  add_score_command(app);
  add_eval_jsd_command(app);
  add_eval_modes_command(app);
  add_report_command(app);
  add_plot_command(app);
  add_train_classifier_command(app);
  add_eval_fd_command(app);

  const int status = parse_and_run(app, argc, argv);
  // Results that did not reach stdout are a failed run, not a success (exit 0 and an empty
  // file would hide a full disk). An error already reported keeps its one line and code.
  if (status == 0 || status == 3) {
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    const int err = errno;
    if (!flushed || std::ferror(stdout)) return stdout_failed(flushed ? 0 : err);
  }
  return status;
}

}  // namespace gantool
