// A 2-D float32 matrix, row-major, one row per sample.
#pragma once

#include <cstdint>
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

}  // namespace gantool
