// What sample.cpp hands to sample_tabular.cpp for a tabular model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "gan/gan.hpp"
#include "io/model_file.hpp"

namespace gantool {

struct TabularSampleOptions {
  std::string model, out;
  int64_t rows = 0;
  uint64_t seed = 1;
  std::vector<std::string> conditions;  // "COLUMN=VALUE"
  std::string generator = "auto";       // auto | ema | last
  bool quiet = false;
};

// Adds --condition COLUMN=VALUE (repeatable) to sample.
void add_condition_option(CLI::App* cmd, std::vector<std::string>& conditions);

// Writes rows of the tabular model (gan, meta) as a typed table (FILE.h5) or CSV (FILE.csv
// or - for stdout), each column in its own form. Flags of `cmd` that apply only to the
// other models are usage errors.
void sample_tabular(Gan& gan, const ModelMeta& meta, const TabularSampleOptions& opt, const CLI::App& cmd);

}  // namespace gantool
