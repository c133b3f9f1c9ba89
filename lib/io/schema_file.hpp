// Schemas in HDF5: one writer and one reader for both places a schema is kept.
//
// A dataset file keeps its schema at the root: the column names in attribute "columns" of
// /data, the normalization in group /normalization (attribute "method", attribute "formula",
// float64 datasets "shift" and "scale"), the true distribution in group /synthetic
// (attribute "distribution", one float64 attribute per parameter, float64 dataset "modes"
// (K, columns) and attribute "mode_std").
// A model file keeps the schema of its training data in /training_data: attribute "columns"
// of the group itself, the normalization in the group itself (attribute "normalization" the
// method, "formula", datasets "shift" and "scale"), the true distribution in
// /training_data/synthetic as in a dataset file. (Models written before this layout kept
// "distribution", "mode_std" and float32 "modes" in /training_data itself: still read.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hdf5.h>

#include "data/schema.hpp"

namespace gantool {

// Where a file keeps the parts of a schema, relative to the group passed to the reader and
// writer ("." is that group itself).
struct SchemaLayout {
  const char* columns_at;     // the dataset or group whose attribute "columns" names the columns
  const char* normalization;  // the group of the normalization, made only when there is one
  const char* method;         // the attribute of that group naming the method
  const char* distribution;   // the group of the true distribution, made only for synthetic data
  bool names_required;        // true: missing or miscounted column names make the file damaged
};

// The layouts of dataset files (at the root) and model files (in /training_data).
// A dataset written by another program may have no names (x0, x1, ... then); a model file
// always has them.
inline constexpr SchemaLayout kDatasetSchema{"data", "normalization", "method", "synthetic", false};
inline constexpr SchemaLayout kModelSchema{".", ".", "normalization", "synthetic", true};

// Writes `schema` into `group` laid out as `layout` says; the columns_at object must exist.
void write_schema(hid_t group, const Schema& schema, const SchemaLayout& layout);
// The same in two parts, the column names then the rest, for a writer that writes other
// objects' attributes in between (a dataset file's companions, in the order of files
// written before the schema existed: the same command gives the same bytes).
void write_schema_columns(hid_t group, const Schema& schema, const SchemaLayout& layout);
void write_schema_description(hid_t group, const Schema& schema, const SchemaLayout& layout);

// Reads the schema of data `cols` columns wide from `group` laid out as `layout` says, and
// checks it (check_schema). Columns without stored names (or with a name list of another
// length) are named x0, x1, .... Throws Error naming `file` and the group that is damaged.
Schema read_schema(hid_t group, int64_t cols, const SchemaLayout& layout, const std::string& file);

// The names in attribute "columns" of `at` when it holds `cols` of them, else x0, x1, ....
std::vector<std::string> read_column_names(hid_t at, int64_t cols);

}  // namespace gantool
