// The three row sources, and the filtered pass over one.
#include "data/row_source.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "data/normalize.hpp"
#include "io/csv_table.hpp"

namespace gantool {

// ---- SyntheticSource --------------------------------------------------------------

SyntheticSource::SyntheticSource(Synthetic s, uint64_t seed, int64_t rows) : s_(std::move(s)), seed_(seed), rows_(rows) {}

int64_t SyntheticSource::read(float* dst, int64_t max_rows) {
  const int64_t n = std::min(max_rows, rows_ - next_);
  generate_rows(s_, seed_, next_, n, dst);
  next_ += n;
  return n;
}

bool SyntheticSource::rewind() {
  next_ = 0;
  return true;
}

std::string SyntheticSource::where(int64_t i) const { return fmt::format("synthetic row {}", i); }

// ---- DatasetSource ----------------------------------------------------------------

DatasetSource::DatasetSource(const DataRef& ref, const std::string& selection) : reader_(ref) {
  const std::vector<std::string> all = column_names(reader_.meta().schema);
  selected_ = select_columns(selection, all, ref.display());
  for (int64_t c : selected_) columns_.push_back(all[static_cast<size_t>(c)]);
  buffer_ = Tensor(block_rows(reader_.cols()), reader_.cols());
}

int64_t DatasetSource::read(float* dst, int64_t max_rows) {
  const int64_t n = std::min({max_rows, buffer_.rows(), reader_.rows() - next_});
  reader_.read(next_, n, buffer_.data());
  denormalize_rows(reader_.meta().schema.normalization, buffer_.data(), n, reader_.cols());
  for (int64_t r = 0; r < n; ++r)
    for (size_t c = 0; c < selected_.size(); ++c) dst[r * cols() + static_cast<int64_t>(c)] = buffer_(r, selected_[c]);
  first_ = next_;
  next_ += n;
  return n;
}

bool DatasetSource::rewind() {
  next_ = 0;
  return true;
}

std::string DatasetSource::where(int64_t i) const { return fmt::format("{}: row {}", reader_.ref().display(), first_ + i); }

bool DatasetSource::all_columns() const {
  if (cols() != reader_.cols()) return false;
  for (int64_t c = 0; c < cols(); ++c)
    if (selected_[static_cast<size_t>(c)] != c) return false;
  return true;
}

// ---- MemorySource ------------------------------------------------------------------

MemorySource::MemorySource(Tensor rows, std::vector<std::string> columns)
    : rows_(std::move(rows)), columns_(std::move(columns)) {}

int64_t MemorySource::read(float* dst, int64_t max_rows) {
  const int64_t n = std::max<int64_t>(0, std::min(max_rows, rows_.rows() - next_));
  if (n > 0)  // (an empty Tensor has no data pointer to copy from, not even 0 bytes)
    std::memcpy(dst, rows_.row(next_), static_cast<size_t>(n * rows_.cols()) * sizeof(float));
  first_ = next_;
  next_ += n;
  return n;
}

bool MemorySource::rewind() {
  next_ = 0;
  return true;
}

std::string MemorySource::where(int64_t i) const { return fmt::format("row {}", first_ + i); }

// ---- passes ---------------------------------------------------------------------

int64_t for_each_block(RowSource& src, RowFilter& filter, const std::function<void(const float*, int64_t)>& fn) {
  Tensor block(block_rows(src.cols()), src.cols());  // (block, cols)
  const auto where = [&](int64_t r) { return src.where(r); };
  int64_t total = 0;
  filter.dropped = 0;
  while (filter.limit < 0 || total < filter.limit) {
    const int64_t n = src.read(block.data(), block.rows());
    if (n == 0) break;
    int64_t kept = keep_finite_rows(filter, block.data(), n, src.cols(), src.columns(), where);
    if (filter.limit >= 0) kept = std::min(kept, filter.limit - total);
    if (kept > 0) fn(block.data(), kept);
    total += kept;
  }
  return total;
}

Tensor load_all(RowSource& src, RowFilter& filter) {
  std::vector<float> values;
  const int64_t rows = for_each_block(src, filter, [&](const float* block, int64_t n) {
    values.insert(values.end(), block, block + n * src.cols());
  });
  Tensor all(rows, src.cols());
  std::copy(values.begin(), values.end(), all.data());
  return all;
}

}  // namespace gantool
