// Per-column normalization, stored with the data so later steps can map back to data units.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/stats.hpp"

namespace gantool {

// normalized = (x − shift) / scale, column by column; method "none" has empty vectors.
struct Normalization {
  std::string method = "none";  // none | standard | minmax | pixels
  std::vector<double> shift;    // one per column
  std::vector<double> scale;    // one per column, never 0
};

// The methods accepted by --normalize.
const std::vector<std::string>& normalization_methods();

// The one affine map of image pixels, 0..255 to [−1, 1] (a tanh generator's range): method
// "pixels", shift 127.5 and scale 127.5 for each of `cols` columns. Images get one map for
// all pixels, since per-column min-max would stretch the border pixels that are almost
// always black.
Normalization pixels_normalization(int64_t cols);

// Fits `method` to column statistics: "standard" gives mean 0 and (population) std 1;
// "minmax" maps [min, max] to [−1, 1], the range of a tanh generator output. A constant
// column gets scale 1. Throws Error when a column has no finite value.
Normalization fit_normalization(const std::string& method, const std::vector<ColumnStats>& stats,
                                const std::vector<std::string>& columns);

// Fits `method` (as fit_normalization) to n rows × cols floats stored in normalization
// `stored`: the statistics are those of the rows in data units, accumulated in one block.
Normalization fit_normalization_to_rows(const std::string& method, const Normalization& stored, const float* rows,
                                        int64_t n, int64_t cols, const std::vector<std::string>& columns);

// Applies the normalization in place to n rows × cols floats (cols must match).
void normalize_rows(const Normalization& norm, float* rows, int64_t n, int64_t cols);

// Inverts normalize_rows in place: x = normalized · scale + shift.
void denormalize_rows(const Normalization& norm, float* rows, int64_t n, int64_t cols);

bool same_normalization(const Normalization& a, const Normalization& b);

// Checks a normalization read from a file for `cols` columns: a known method, one finite
// shift and one finite non-zero scale per column. Throws Error naming `file` and the
// group `where` ("/normalization") it came from, saying the file is damaged.
void check_normalization(const Normalization& norm, int64_t cols, const std::string& file,
                         const std::string& where);

// Rewrites rows stored in normalization `from` in normalization `to`, through data units
// (nothing to do when the two are the same).
void renormalize_rows(const Normalization& from, const Normalization& to, float* rows, int64_t n, int64_t cols);

}  // namespace gantool
