// What the typed-table fuzz targets share: the check that every value of a table fits its
// column, which any reader of typed tables (CSV or HDF5) must guarantee.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "data/table.hpp"

namespace gantool_fuzz {

// Aborts with a finding: what broke, and where.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "finding: %s\n", what.c_str());
  std::abort();
}

// Aborts unless every value of the block fits its column: masks and values as long as the
// block, a missing value only in a nullable column (code -1 in a discrete one), codes within
// the categories, values in the vector that the kind uses.
inline void check_table_values(const gantool::Table& t, const std::string& where) {
  if (t.columns.size() != t.schema.columns.size()) finding(where + ": columns and schema differ in number");
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const gantool::Column& column = t.schema.columns[c];
    const gantool::ColumnValues& v = t.columns[c];
    const auto rows = static_cast<size_t>(t.rows);
    const bool reals = gantool::holds_reals(column.kind);
    if (v.missing.size() != rows || (reals ? v.reals.size() : v.ints.size()) != rows ||
        !(reals ? v.ints.empty() : v.reals.empty()))
      finding(fmt::format("{}: column {} ({}) holds values of the wrong length", where, c,
                          gantool::column_kind_name(column.kind)));
    for (size_t r = 0; r < rows; ++r) {
      if (v.missing[r] && !column.nullable) finding(fmt::format("{}: row {} column {}: missing but not nullable", where, r, c));
      if (!gantool::is_discrete(column.kind)) continue;
      const int64_t code = v.ints[r];
      const bool fits = v.missing[r] ? code == -1 : code >= 0 && code < static_cast<int64_t>(column.categories.size());
      if (!fits) finding(fmt::format("{}: row {} column {}: code {} of {} categories", where, r, c, code, column.categories.size()));
    }
  }
}

}  // namespace gantool_fuzz
