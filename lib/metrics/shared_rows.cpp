// Row hashes and the exact copies they find.
#include "metrics/shared_rows.hpp"

#include <algorithm>

namespace gantool {

namespace {

// 64-bit FNV-1a of a row's bytes.
uint64_t row_hash(const float* row, int64_t cols) {
  uint64_t h = 1469598103934665603ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(row);
  for (size_t i = 0; i < static_cast<size_t>(cols) * sizeof(float); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  return h;
}

}  // namespace

std::vector<uint64_t> sorted_row_hashes(const Tensor& t) {
  std::vector<uint64_t> h(static_cast<size_t>(t.rows()));
  for (int64_t r = 0; r < t.rows(); ++r) h[static_cast<size_t>(r)] = row_hash(t.row(r), t.cols());
  std::sort(h.begin(), h.end());
  return h;
}

int64_t shared_rows(const std::vector<uint64_t>& hashes_a, const Tensor& b) {
  int64_t shared = 0;
  for (int64_t r = 0; r < b.rows(); ++r)
    shared += std::binary_search(hashes_a.begin(), hashes_a.end(), row_hash(b.row(r), b.cols()));
  return shared;
}

int64_t duplicated_rows(const std::vector<uint64_t>& hashes) {
  int64_t dup = 0;
  for (size_t i = 1; i < hashes.size(); ++i) dup += hashes[i] == hashes[i - 1];
  return dup;
}

}  // namespace gantool
