// The policy for rows with a NaN or ±inf value (a missing value reads as NaN): refuse them,
// naming the row and column, or drop them and count them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace gantool {

// What to do with non-finite rows, and how many rows to keep at most.
struct RowFilter {
  bool drop_nonfinite = false;
  int64_t limit = -1;   // rows a pass keeps at most (-1: all); applied by for_each_block
  int64_t dropped = 0;  // counted by keep_finite_rows
};

// Moves the rows of `rows` (n × cols floats) whose values are all finite to its front, in
// order, and returns how many there are. A row with a NaN or ±inf is dropped and counted in
// filter.dropped when filter.drop_nonfinite, else refused: Error "WHERE: column 'NAME' is
// missing or NaN (or: infinite); drop such rows with --drop-nonfinite", where WHERE is
// where(r) for the row's index r in the block and NAME is columns[c].
int64_t keep_finite_rows(RowFilter& filter, float* rows, int64_t n, int64_t cols,
                         const std::vector<std::string>& columns, const std::function<std::string(int64_t)>& where);

// Drops the rows of t (rows, cols) that hold a NaN or ±inf, keeping the others in order;
// returns how many were dropped.
int64_t drop_nonfinite_rows(Tensor& t);

}  // namespace gantool
