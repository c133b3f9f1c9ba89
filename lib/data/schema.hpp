// The description of a table's columns: their names and kinds, the normalization that maps
// data units to stored values, and (for synthetic data) the true distribution behind the
// rows. Dataset files and model files both carry one (io/schema_file.hpp reads and writes it).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"
#include "data/normalize.hpp"

namespace gantool {

// What values a column holds. Only continuous columns exist so far; categorical, integer,
// boolean and datetime columns come later, with their own fields in Column.
enum class ColumnKind { continuous };

// "continuous".
const char* column_kind_name(ColumnKind kind);

// One column of a table.
struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::continuous;
  std::vector<std::string> categories;  // the labels of a categorical column (none yet: empty)
  bool nullable = false;                // whether values may be missing (none may be yet)
};

// The distribution synthetic rows were drawn from, for evaluation; empty `name` otherwise.
struct TrueDistribution {
  std::string name;                                    // "ring", "grid", ...
  std::vector<std::pair<std::string, double>> params;  // the parameters that apply, by name
  Tensor modes;         // (K, columns) centres of the mixture components, or empty
  double mode_std = 0;  // their isotropic std
};

// Everything known about a table's columns besides the numbers.
struct Schema {
  std::vector<Column> columns;   // one per column, in order
  Normalization normalization;   // how stored values relate to data units ("none": raw)
  TrueDistribution distribution;  // synthetic data only
};

// A schema of continuous columns with these names, unnormalized, of no known distribution.
Schema continuous_schema(const std::vector<std::string>& names);

// The names x0, x1, ... of `cols` unnamed columns.
std::vector<std::string> default_column_names(int64_t cols);

// The names of the schema's columns, in order.
std::vector<std::string> column_names(const Schema& schema);

// The number of columns.
int64_t width(const Schema& schema);

// Where a schema's parts were read from, named in check_schema's messages.
struct SchemaWhere {
  std::string normalization = "/normalization";  // the group holding shift and scale
  std::string distribution = "/synthetic";       // the group holding the true distribution
};

// Checks a schema read from `file`: a known normalization method with one finite shift and
// one finite non-zero scale per column, mixture modes one column wide per column and finite,
// a finite non-negative mode_std. Throws Error naming the file and the group the offending
// value came from, saying the file is damaged.
void check_schema(const Schema& schema, const std::string& file, const SchemaWhere& where = {});

}  // namespace gantool
