// A float32 array, row-major: a batch of samples, one row per sample. Its shape is
// (rows, cols) or, for samples that are images, (rows, d1, ..., dk) with cols = d1·…·dk,
// the layout oneDNN's plain formats (nc, nchw) use.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "core/error.hpp"

namespace gantool {

class Tensor {
 public:
  Tensor() = default;
  static constexpr size_t kMaxRank = 5;  // a batch of (channels, depth, height, width)

  // A zero-filled (rows, cols) matrix.
  Tensor(int64_t rows, int64_t cols) : rows_(rows), cols_(cols), data_(checked_size(rows, cols)) {
    dims_ = {rows, cols};
  }

  // A zero-filled array of shape (rows, d1, ..., dk), 2 ≤ rank ≤ kMaxRank.
  static Tensor of_shape(std::span<const int64_t> shape) {
    GANTOOL_ASSERT(shape.size() >= 2 && shape.size() <= kMaxRank);
    int64_t cols = 1;
    for (size_t i = 1; i < shape.size(); ++i) cols *= shape[i];
    Tensor t(shape[0], cols);
    t.rank_ = shape.size();
    std::copy(shape.begin(), shape.end(), t.dims_.begin());
    return t;
  }

  // (rows, cols), or the shape given to of_shape().
  std::span<const int64_t> shape() const { return {dims_.data(), rank_}; }

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t size() const { return rows_ * cols_; }
  bool empty() const { return data_.empty(); }

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  float* row(int64_t r) { return data_.data() + r * cols_; }
  const float* row(int64_t r) const { return data_.data() + r * cols_; }
  float& operator()(int64_t r, int64_t c) { return data_[r * cols_ + c]; }
  float operator()(int64_t r, int64_t c) const { return data_[r * cols_ + c]; }

  // Changes the shape to (rows, cols), keeping the first min(old, new) rows when cols is
  // unchanged (and the sample shape of of_shape() then).
  void resize(int64_t rows, int64_t cols) {
    data_.resize(checked_size(rows, cols));
    if (cols != cols_) rank_ = 2, dims_ = {0, cols};
    rows_ = rows;
    cols_ = cols;
    dims_[0] = rows;
  }

 private:
  static size_t checked_size(int64_t rows, int64_t cols) {
    GANTOOL_ASSERT(rows >= 0 && cols >= 0);
    return static_cast<size_t>(rows) * static_cast<size_t>(cols);
  }
  int64_t rows_ = 0, cols_ = 0;
  std::array<int64_t, kMaxRank> dims_ = {};
  size_t rank_ = 2;
  std::vector<float> data_;
};

// The rows of t at the given indices, in that order.
inline Tensor take_rows(const Tensor& t, const std::vector<int64_t>& rows) {
  Tensor out(static_cast<int64_t>(rows.size()), t.cols());
  for (size_t i = 0; i < rows.size(); ++i)
    std::memcpy(out.row(static_cast<int64_t>(i)), t.row(rows[i]), static_cast<size_t>(t.cols()) * sizeof(float));
  return out;
}

}  // namespace gantool
