// What `gantool info` says of each column of a typed table: its missing values, the
// statistics of a numeric column, the most frequent categories of a discrete one.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/stats.hpp"
#include "io/table_file.hpp"

namespace gantool {

struct ColumnSummary {
  int64_t missing = 0;  // rows whose value is missing
  ColumnStats stats;    // numeric columns: their values (datetimes in seconds), in float64
  // Integer and datetime columns: the exact range (when stats.count > 0).
  int64_t int_min = 0, int_max = 0;
  // Discrete columns: (category, rows) from the most frequent, ties in category order.
  std::vector<std::pair<std::string, int64_t>> top;
};

// One summary per column of the file, read a block of rows at a time.
std::vector<ColumnSummary> summarize_table(TableReader& reader);

}  // namespace gantool
