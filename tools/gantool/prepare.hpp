// gantool prepare's options, shared by its two files: prepare.cpp (synthetic data and numeric
// matrices) and prepare_table.cpp (typed tables from CSV or HDF5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "data/synthetic.hpp"
#include "io/csv_table.hpp"
#include "io/typed_csv.hpp"

namespace gantool {

// The flags of typed-table import.
struct TableFlags {
  std::vector<std::string> categorical, integer, continuous, datetime;  // COL[,COL...]; datetime COL[=FORMAT]
  std::string drop_columns;
  std::string na_values;  // comma-separated; "" keeps the defaults
  int64_t max_categories = 1000;
  bool drop_missing = false;
};

struct PrepareOptions {
  std::string dist;   // make synthetic data, or
  std::string from;   // import a CSV file ("-": stdin) or FILE.h5[:dataset]
  std::string out;
  int64_t rows = 10000;  // synthetic rows (-n)
  uint64_t seed = 1;
  SyntheticSpec spec;
  CsvTableOptions csv;
  std::string delimiter;  // one character, or "tab"
  bool drop_nonfinite = false;
  std::string normalize = "none";
  bool shuffle = false;
  double split = 0;  // fraction of the rows that goes to test_out
  std::string test_out;
  int64_t limit = -1;  // keep the first `limit` rows of an import
  bool quiet = false;
  TableFlags table;
  std::string labels;       // idx images: their idx1-ubyte labels file
  std::string label_names;  // idx images: the names of labels 0, 1, ..., comma-separated
};

// Adds the typed-table flags to prepare.
void add_table_options(CLI::App* cmd, TableFlags& flags);

// Prepares a CSV input or a typed-table HDF5 input and returns true; false for any other
// input (a numeric matrix), which prepare.cpp's numeric path reads.
bool prepare_table_input(PrepareOptions& opt, const CLI::App& cmd, bool csv_input);

// Prepares image input (idx files, a folder of PNG files, an image dataset file) and
// returns true; false for any other input (prepare_image.cpp).
bool prepare_image_input(const PrepareOptions& opt, const CLI::App& cmd);

// Adds the flags of image import (--labels, --label-names) to prepare.
void add_image_options(CLI::App* cmd, PrepareOptions& opt);

// The columns kept of an input whose columns are `names`: --columns (all by default) less
// --drop-columns. Throws UsageError naming `what` for an unknown column or none left.
std::vector<int64_t> kept_columns(const PrepareOptions& opt, const std::vector<std::string>& names,
                                  const std::string& what);

}  // namespace gantool
