// The subcommands of gantool, each in its own file, and what they share.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace gantool {

// Each adds its subcommand, its flags and its run callback to the app.
void add_prepare_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_export_command(CLI::App& app);

// The command line that started this process, shell-quoted (stored as provenance).
const std::string& command_line();

}  // namespace gantool
