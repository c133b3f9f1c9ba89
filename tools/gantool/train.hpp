// What train.cpp (the MLP models) and train_tabular.cpp (the tabular model) share.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "gan/train_options.hpp"
#include "gan/trainer.hpp"

namespace gantool {

// Every option of the command as TOML, leaving out the unset ones (and `steps` when
// without_steps: a tabular run's length rule, 300 epochs, is not the MLP's default steps).
std::string config_text(const CLI::App& cmd, bool without_steps = false);

// "step S/T  R steps/s  ETA E s  loss_d ...": the progress line.
std::string progress_text(const TrainProgress& p, bool penalties);

// Sets `field` to `value` unless its flag was given, and makes it the flag's shown default
// (so that --print-config and the model's options say so).
template <typename T, typename V>
void default_unless_given(CLI::App& cmd, const char* flag, T& field, V value) {
  if (cmd.count(flag) > 0 || field == value) return;
  cmd.get_option(flag)->default_val(value);
  field = value;
}

// The tabular model's defaults (CTGAN's), where not given.
void apply_tabular_defaults(TrainOptions& opt, CLI::App& cmd);

// Trains the tabular model (train_tabular.cpp): a new run on a typed table, or a resume.
void run_train_tabular(TrainOptions opt, CLI::App& cmd);

// The policy of a run of these options, at steps_done steps (a resume's), with the command
// that continues it.
TrainPolicy train_policy(const TrainOptions& opt, int64_t steps_done);

// Runs a Trainer with the progress line, Ctrl-C handling and the interrupted message.
void run_trainer(Trainer& trainer, const TrainOptions& opt, const ModelMeta& meta, bool penalties,
                 const std::string& continue_command);

}  // namespace gantool
