// The subcommands of gantool, each in its own file, and what they share.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace gantool {

// Each adds its subcommand, its flags and its run callback to the app.
void add_prepare_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_eval_jsd_command(CLI::App& app);

// Adds --threads N to a subcommand: the threads of the numeric kernels, applied once its
// flags are parsed (default: OMP_NUM_THREADS when set, else every core).
void add_threads_option(CLI::App* cmd);

// The command line that started this process, shell-quoted (stored as provenance).
const std::string& command_line();

}  // namespace gantool
