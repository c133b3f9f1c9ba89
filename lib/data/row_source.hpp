// Streams of rows read block by block, from synthetic data, a dataset file or memory, and
// the one loop that passes their clean rows on (data/row_filter.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "data/row_filter.hpp"
#include "data/synthetic.hpp"
#include "io/dataset_file.hpp"

namespace gantool {

// A stream of rows read block by block. A virtual interface: there are three real sources.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual int64_t cols() const = 0;
  // The names of the columns (cols() of them).
  virtual const std::vector<std::string>& columns() const = 0;
  // Reads up to max_rows rows into dst (max_rows × cols floats); 0 at the end.
  virtual int64_t read(float* dst, int64_t max_rows) = 0;
  // Starts again from the first row; false when the source can be read only once.
  virtual bool rewind() = 0;
  // Where row i of the last block came from, for error messages.
  virtual std::string where(int64_t i) const = 0;
  // The number of rows, when known without reading (-1 otherwise).
  virtual int64_t known_rows() const { return -1; }
};

// Rows [0, rows) of a synthetic distribution with a seed (row i from substream i).
class SyntheticSource : public RowSource {
 public:
  SyntheticSource(Synthetic s, uint64_t seed, int64_t rows);
  int64_t cols() const override { return s_.dim; }
  const std::vector<std::string>& columns() const override { return s_.columns; }
  int64_t read(float* dst, int64_t max_rows) override;
  bool rewind() override;
  std::string where(int64_t i) const override;
  int64_t known_rows() const override { return rows_; }

 private:
  Synthetic s_;
  uint64_t seed_;
  int64_t rows_, next_ = 0;
};

// Selected columns of an HDF5 dataset, in data units (its normalization inverted).
class DatasetSource : public RowSource {
 public:
  // `selection` as select_columns takes it ("a,b,3": names, or numbers from 1; "" = all).
  DatasetSource(const DataRef& ref, const std::string& selection);
  int64_t cols() const override { return static_cast<int64_t>(selected_.size()); }
  const std::vector<std::string>& columns() const override { return columns_; }
  int64_t read(float* dst, int64_t max_rows) override;
  bool rewind() override;
  std::string where(int64_t i) const override;
  int64_t known_rows() const override { return reader_.rows(); }
  // True when every column is kept in order, so the source's schema still holds.
  bool all_columns() const;
  const DatasetMeta& meta() const { return reader_.meta(); }

 private:
  DatasetReader reader_;
  std::vector<int64_t> selected_;
  std::vector<std::string> columns_;
  Tensor buffer_;  // (block, all columns)
  int64_t next_ = 0, first_ = 0;
};

// The rows of a Tensor, which the source owns.
class MemorySource : public RowSource {
 public:
  MemorySource(Tensor rows, std::vector<std::string> columns);  // rows (n, columns)
  int64_t cols() const override { return rows_.cols(); }
  const std::vector<std::string>& columns() const override { return columns_; }
  int64_t read(float* dst, int64_t max_rows) override;
  bool rewind() override;
  std::string where(int64_t i) const override;
  int64_t known_rows() const override { return rows_.rows(); }

 private:
  Tensor rows_;
  std::vector<std::string> columns_;
  int64_t next_ = 0, first_ = 0;  // the next row, and the first of the last block
};

// Reads the source once from its current position in blocks, filtering each
// (keep_finite_rows; at most filter.limit rows in all when it is not negative), and calls
// fn(rows, n) for each block of n clean rows (n × cols floats). Returns the number of rows
// passed to fn; filter.dropped counts the rows dropped by this pass.
int64_t for_each_block(RowSource& src, RowFilter& filter, const std::function<void(const float*, int64_t)>& fn);

// Every clean row of the rest of the source, in memory: (rows, cols).
Tensor load_all(RowSource& src, RowFilter& filter);

}  // namespace gantool
