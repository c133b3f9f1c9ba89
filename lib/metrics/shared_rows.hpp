// Exact copies between two samples, by 64-bit FNV-1a hashes of the rows' bytes: a generator
// that memorized its training data shares rows with it.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace gantool {

// The sorted hashes of the rows of t (rows, cols).
std::vector<uint64_t> sorted_row_hashes(const Tensor& t);

// Rows of b with an exact copy in a, given a's sorted_row_hashes (64-bit: a collision is one
// in 10^19 pairs).
int64_t shared_rows(const std::vector<uint64_t>& hashes_a, const Tensor& b);

// Rows that repeat an earlier row, from sorted_row_hashes (what sharing looks like by chance,
// for discrete data).
int64_t duplicated_rows(const std::vector<uint64_t>& hashes);

}  // namespace gantool
