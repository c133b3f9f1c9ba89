// The subcommands of gantool, each in its own file, and what they share.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace gantool {

struct SyntheticSpec;

// Each adds its subcommand, its flags and its run callback to the app.
void add_prepare_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_eval_jsd_command(CLI::App& app);
void add_eval_modes_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_train_classifier_command(CLI::App& app);
void add_eval_fd_command(CLI::App& app);

// Prints what `gantool info` says of a typed table (info_table.cpp), as text or one JSON line.
struct DataRef;
void print_table_info(const DataRef& ref, bool json);

// Adds --threads N to a subcommand: the threads of the numeric kernels, applied once its
// flags are parsed (default: OMP_NUM_THREADS when set, else every core).
void add_threads_option(CLI::App* cmd);

// Adds the flags of every synthetic distribution's parameters (data/synthetic.hpp's
// synthetic_params()) to a subcommand, in the group "Synthetic distribution", bound to spec.
void add_synthetic_options(CLI::App* cmd, SyntheticSpec& spec);

// Builds gantool's command line, parses argv, runs the chosen subcommand and returns its exit
// code (0 ok, 1 runtime error, 2 usage error, 3 failed gate, 130 interrupted); errors go to
// stderr as one line. Keeps no state between calls, so it may be called many times.
int run_gantool(int argc, char** argv);

// Checks a --seed flag: CLI11 would wrap "-1" to 2^64 - 1 without a word.
CLI::Validator seed_check();

// Throws UsageError when a run needs about `bytes` of memory, more than this machine's
// physical memory (or a lower ulimit): "WHAT would take about X of memory ...; lower LOWER".
void require_memory(double bytes, const std::string& what, const std::string& lower);

// The offset of the first byte of `text` that is not valid UTF-8, or std::string::npos.
size_t invalid_utf8_at(const std::string& text);

// The command line that started this process, shell-quoted (stored as provenance).
const std::string& command_line();

}  // namespace gantool
