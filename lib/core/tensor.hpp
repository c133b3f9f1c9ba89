// A 2-D float32 matrix, row-major, one row per sample.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/error.hpp"

namespace gantool {

class Tensor {
 public:
  Tensor() = default;
  // A zero-filled (rows, cols) matrix.
  Tensor(int64_t rows, int64_t cols) : rows_(rows), cols_(cols), data_(checked_size(rows, cols)) {}

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

  // Changes the shape, keeping the first min(old, new) rows when cols is unchanged.
  void resize(int64_t rows, int64_t cols) {
    data_.resize(checked_size(rows, cols));
    rows_ = rows;
    cols_ = cols;
  }

 private:
  static size_t checked_size(int64_t rows, int64_t cols) {
    GANTOOL_ASSERT(rows >= 0 && cols >= 0);
    return static_cast<size_t>(rows) * static_cast<size_t>(cols);
  }
  int64_t rows_ = 0, cols_ = 0;
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
