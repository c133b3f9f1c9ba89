// A typed table in memory: a Schema and, per column, its values and its missing-value mask.
// Rows of any kind of column (data/schema.hpp) travel through prepare, export, info, report
// and eval-jsd in this one form, a block of rows at a time or whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/schema.hpp"

namespace gantool {

// The values of one column for the rows of a Table. Which vector holds them depends on the
// column's kind; the other stays empty.
struct ColumnValues {
  std::vector<double> reals;    // continuous: the value (a real NaN is a value, not missing)
  std::vector<int64_t> ints;    // integer: the value; datetime: seconds since the epoch;
                                // boolean and categorical: the code (-1 where missing)
  std::vector<uint8_t> missing;  // 1 where the value is missing, 0 elsewhere (always `rows` long)
};

// A table: a schema and `rows` values of each of its columns, in data units (never normalized:
// the schema's normalization says how training sees the numeric columns).
struct Table {
  Schema schema;
  int64_t rows = 0;
  std::vector<ColumnValues> columns;  // one per schema column
};

// True when a column of this kind keeps its values in `reals` (continuous), else in `ints`.
inline bool holds_reals(ColumnKind kind) { return kind == ColumnKind::continuous; }

// An empty table (no rows) of this schema.
Table empty_table(Schema schema);

// Resizes every column to `rows` rows (new rows: value 0, code -1 when discrete, not missing).
void resize_rows(Table& table, int64_t rows);

// Appends row r of `src` to `dst`; both have the same columns.
void append_row(Table& dst, const Table& src, int64_t r);

// Appends every row of `src` to `dst`; both have the same columns.
void append_rows(Table& dst, const Table& src);

// Row r of column c as a number: the real, the integer or the seconds, or the code of a
// discrete column; NaN when missing.
double number_at(const Table& table, int64_t c, int64_t r);

// Writes the rows of `table` as float32 numbers (number_at: missing is NaN), normalized by
// `norm` (in double, before rounding) when it is not "none": dst is (rows, columns).
void normalized_floats(const Table& table, const Normalization& norm, float* dst);

// Sets row r of column c from a number (rounded to the nearest integer for non-continuous
// columns); NaN marks the value missing.
void set_number(Table& table, int64_t c, int64_t r, double value);

// True when row r has a missing value in any column.
bool row_has_missing(const Table& table, int64_t r);

// The columns of `table` chosen by `keep` (indices into its columns, in the order given).
Table keep_columns(const Table& table, const std::vector<int64_t>& keep);

// Recounts the rows of each category of every discrete column into its schema's counts.
void count_categories(Table& table);

// Sets each column's `nullable` from its mask (true when some value is missing).
void mark_nullable(Table& table);

// True when every column is continuous or integer and no value is missing: a table that a
// numeric matrix holds without loss (integers up to 2^24 in magnitude are exact in float32).
bool fits_numeric_matrix(const Table& table);

}  // namespace gantool
