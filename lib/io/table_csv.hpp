// Rows of a typed table written as CSV text, each value in its column's own form: category
// and boolean labels as read, integers without ".0", dates in their format, real numbers in
// the shortest text that reads back as the same float64 (a whole number with ".0", as pandas
// writes it, so that the column reads back as continuous; a NaN as "-nan", which is no missing
// marker), missing values as `na_rep`.
#pragma once

#include <cstdint>
#include <string>

#include "data/table.hpp"

namespace gantool {

struct TableCsvStyle {
  char delimiter = ',';
  std::string na_rep;  // the text of a missing value (empty by default)
};

// Appends the value of column c in row r as CSV text (quoted when it must be).
void append_table_value(std::string& out, const Table& table, int64_t c, int64_t r, const TableCsvStyle& style);

// Appends row r as one CSV line, ending in '\n' (a row of one empty value as "\"\"", not as an
// empty line, which a reader skips).
void append_table_row(std::string& out, const Table& table, int64_t r, const TableCsvStyle& style);

}  // namespace gantool
