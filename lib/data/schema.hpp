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

// What values a column holds (data/table.hpp says how each is held in memory):
//   continuous   real numbers (float64 in a table, float32 in a numeric matrix)
//   integer      exact int64
//   boolean      two labels, code 0 (false) and 1 (true), spelt as read ("no"/"yes", ...)
//   categorical  text categories, code i meaning categories[i]
//   datetime     seconds since 1970-01-01 00:00:00 UTC, written back in `format`
enum class ColumnKind { continuous, integer, boolean, categorical, datetime };

// "continuous", "integer", "boolean", "categorical", "datetime".
const char* column_kind_name(ColumnKind kind);
// The kind named `name`, or false.
bool parse_column_kind(const std::string& name, ColumnKind& kind);

// Boolean and categorical columns hold codes into `categories`.
inline bool is_discrete(ColumnKind kind) { return kind == ColumnKind::boolean || kind == ColumnKind::categorical; }
// Continuous, integer and datetime columns hold ordered numbers.
inline bool is_numeric(ColumnKind kind) { return !is_discrete(kind); }

// One column of a table.
struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::continuous;
  // Categorical: the category of each code, in byte order. Boolean: the spellings of false
  // and true as read ({"false", "true"}, {"No", "Yes"}, ...). Empty for other kinds.
  std::vector<std::string> categories;
  std::vector<int64_t> counts;  // discrete columns: the rows of each code (not missing)
  std::string format;           // datetime: how values are written (data/datetime.hpp)
  bool nullable = false;        // some value is missing (then the table has a mask for it)
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
