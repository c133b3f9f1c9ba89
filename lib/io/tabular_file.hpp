// The transform of a tabular model in its model file, group /tabular: attributes data_dim
// and cond_dim, and one group per column, /tabular/column<i>, with attributes name, kind,
// categories, counts, format, nullable, offset, width, missing_offset, cond_offset,
// granularity, decimals, always_missing, lo, hi, and float64 datasets weights, means, stds
// (its mixture's modes) and points (exact values coded on their own, when any).
#pragma once

#include <string>

#include <hdf5.h>

#include "tabular/transform.hpp"

namespace gantool {

// Writes t into group /tabular of `file`.
void write_tabular(hid_t file, const TabularTransform& t);

// True when `file` holds a /tabular group.
bool has_tabular(hid_t file);

// Reads and checks /tabular: blocks within data_dim and cond_dim, side by side, positive
// stds, finite values, known kinds. Throws Error naming `what` (the file) and the part.
TabularTransform read_tabular(hid_t file, const std::string& what);

}  // namespace gantool
