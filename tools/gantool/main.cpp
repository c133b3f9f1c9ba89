// gantool: train and evaluate GANs from the command line. This file only dispatches to the
// subcommands and maps errors to exit codes: 0 ok, 1 runtime error, 2 usage error.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/threads.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/version.hpp"

namespace gantool {

namespace {

std::string g_command_line;

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./:=,+@%") == std::string::npos)
    return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

const std::string& command_line() { return g_command_line; }

void add_threads_option(CLI::App* cmd) {
  auto threads = std::make_shared<int>(0);
  cmd->add_option("--threads", *threads, "Threads for the numeric kernels (default: OMP_NUM_THREADS, else all cores)")
      ->check(CLI::Range(1, 4096));
  cmd->parse_complete_callback([threads] { set_threads(resolve_threads(*threads)); });
}

}  // namespace gantool

int main(int argc, char** argv) {
  using namespace gantool;
  use_passive_openmp_wait(argv);
  install_cleanup_handlers();
  for (int i = 0; i < argc; ++i) {
    const std::string arg = i == 0 ? "gantool" : argv[i];
    g_command_line += (i ? " " : "") + shell_quote(arg);
  }

  CLI::App app{"gantool: make, train on, sample from and evaluate GAN datasets.\n"
               "Every subcommand reads and writes HDF5 files; see 'gantool SUBCOMMAND --help'."};
  app.set_version_flag("--version", fmt::format("gantool {}", version()));
  app.require_subcommand(1);
  app.set_config("--config", "", "Read options from a TOML file, a [SUBCOMMAND] section each (train --print-config writes one)");
  app.fallthrough(false);
  add_prepare_command(app);
  add_info_command(app);
  add_export_command(app);
  add_train_command(app);
  add_sample_command(app);
  add_score_command(app);
  add_eval_jsd_command(app);

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
      fmt::print(stderr, "gantool: error: unknown subcommand '{}' (see 'gantool --help')\n", argv[1]);
      return 2;
    }
    const auto* sub = app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
    fmt::print(stderr, "gantool: error: {} (see 'gantool{} --help')\n", e.what(),
               sub ? " " + sub->get_name() : "");
    return 2;
  } catch (const GateFailed& e) {
    fmt::print(stderr, "gantool: {}\n", e.what());
    return 3;
  } catch (const UsageError& e) {
    fmt::print(stderr, "gantool: error: {}\n", e.what());
    return 2;
  } catch (const Interrupted& e) {
    fmt::print(stderr, "gantool: {}\n", e.what());
    return 130;
  } catch (const Error& e) {
    fmt::print(stderr, "gantool: error: {}\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "gantool: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "gantool: {}\n", e.what());
    return 1;
  }
}
