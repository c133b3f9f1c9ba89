// prepare's pipeline for typed tables: rows stream from a CSV file or a dataset file, are
// filtered (missing and non-finite values, a row limit), optionally shuffled, split into a
// training and a test file, and written with the normalization of their numeric columns
// fitted on the training rows. Memory does not grow with the input unless rows are shuffled.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "data/table.hpp"
#include "io/dataset_file.hpp"
#include "io/table_file.hpp"
#include "io/typed_csv.hpp"

namespace gantool {

// The rows of a typed table, a block at a time, from the start again after rewind(): a CSV
// file read with a schema (typed_csv.hpp's second pass), chosen columns of a dataset file,
// or a table in memory.
class TableStream {
 public:
  TableStream(std::string csv_path, TypedCsvOptions options, Schema schema);
  TableStream(const DataRef& ref, const std::vector<int64_t>& keep);  // keep: column indices
  explicit TableStream(Table table);
  ~TableStream();

  const Schema& schema() const { return schema_; }
  // Replaces dst's rows with the next up to max_rows rows; returns their number, 0 at the end.
  int64_t read(Table& dst, int64_t max_rows);
  void rewind();
  // Where row i of the last block came from ("data.csv:12", "data.h5 row 11").
  std::string where(int64_t i) const;
  // The number of rows, when known without reading (-1 otherwise).
  int64_t known_rows() const;

 private:
  Schema schema_;
  std::string csv_path_;
  TypedCsvOptions csv_options_;
  std::unique_ptr<TypedCsvReader> csv_;
  std::unique_ptr<TableReader> file_;
  std::vector<int64_t> keep_;
  Table memory_;
  int64_t next_ = 0, first_ = 0;  // file and memory: the next row, the first of the last block
  Table scratch_;
};

// Random streams of prepare's own choices (synthetic row i uses stream i < 2^63).
inline constexpr uint64_t kShuffleStream = uint64_t{1} << 63;
inline constexpr uint64_t kSplitStream = kShuffleStream + 1;

struct TablePrepareOptions {
  std::string input;          // the input as messages name it
  std::string out, test_out;  // test_out only with split > 0
  double split = 0;           // fraction of the rows (chosen at random) for test_out
  bool shuffle = false;
  uint64_t seed = 1;
  int64_t limit = -1;           // keep at most this many rows (-1: all)
  bool drop_missing = false;    // drop rows with a missing value
  bool drop_nonfinite = false;  // drop rows with a missing value or a NaN or ±inf
  std::string normalize = "none";  // applied to continuous and integer columns
  // Write a numeric matrix (/data, float32, normalized) instead of a typed table: for tables
  // of continuous and integer columns without missing values (see fits_numeric_matrix).
  bool matrix = false;
};

struct TablePrepared {
  int64_t train_rows = 0, test_rows = 0;
  int64_t dropped = 0;  // rows dropped by the filters
};

// Writes the rows of src to options.out (and test_out) as typed tables (or numeric matrices)
// described by meta (its schema's columns are src's; the normalization is fitted here). Throws Error when no
// row is left, UsageError when the split leaves either file empty.
TablePrepared prepare_table(TableStream& src, const TablePrepareOptions& options, DatasetMeta meta);

// Shuffles the rows of `table` in place with Fisher–Yates, as shuffle_rows does a Tensor's.
void shuffle_table(Table& table, Rng& rng);

}  // namespace gantool
