// Typed tables in HDF5 dataset files, read and written a block of rows at a time.
//
// A table with a column that a float matrix cannot hold exactly (boolean, categorical,
// datetime, an integer beyond 2^24, or any missing value) is stored column by column
// (root attribute format_version = 2):
//   /table                 group; attribute "columns": the names of the columns in order
//   /table/NAME            one 1-D dataset per column, `rows` long, in data units:
//                            continuous float64, integer int64, datetime int64 seconds since
//                            1970-01-01T00:00:00Z (attribute "format"), boolean an enum
//                            {FALSE, TRUE} of int8 (numpy's bool in h5py), categorical int32
//                            codes (-1 where missing); attributes "kind" and "name" always,
//                            "categories" (and "counts") for boolean and categorical columns
//   /missing/NAME          uint8, 1 where the value of column NAME is missing (only for
//                            columns with a missing value); attribute "name"
//   /normalization         as in a numeric file, one shift and scale per column (0 and 1 for
//                            columns it does not apply to); applied when read as floats
// NAME is the column's name with '%' written "%25" and '/' written "%2F" (and a name "." or
// ".." written "%2E", "%2E%2E"), as HDF5 link names require.
// Every other table (continuous and small integer columns, nothing missing) is a numeric
// matrix /data as before (format_version 1), with attribute "kinds" when a column is integer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "data/table.hpp"
#include "io/dataset_file.hpp"

namespace gantool {

inline constexpr int64_t kTableFormatVersion = 2;

// True when the HDF5 file at `path` holds a typed table (/table).
bool is_table_file(const std::string& path);

// The link name of a column in /table and /missing (see above), and back.
std::string column_link_name(const std::string& name);

// Reads any dataset file as a typed table in data units: a typed table (/table), or a numeric
// matrix (/data, or FILE.h5:/path to any 1-D or 2-D numeric dataset) whose columns are
// continuous, or integer where the file says so (its normalization inverted).
class TableReader {
 public:
  // Opens and validates (as DatasetReader does); throws Error naming the file.
  explicit TableReader(const DataRef& ref);
  ~TableReader();
  TableReader(TableReader&&) noexcept;
  TableReader& operator=(TableReader&&) noexcept;

  int64_t rows() const;
  int64_t cols() const;
  // The schema (kinds, categories with their counts over the whole file, formats, nullable)
  // and provenance.
  const DatasetMeta& meta() const;
  const DataRef& ref() const;
  bool typed() const;  // true for a typed table (/table), false for a numeric matrix

  // Replaces dst's rows with rows [first, first + n); dst takes this file's schema.
  void read(int64_t first, int64_t n, Table& dst);
  // Every row (throws Error, before reading, when they would not fit in memory).
  Table read_all();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a typed table under a temporary name; commit() completes it and renames it to
// `path`. Destroyed without commit(), it leaves nothing behind. The counts of categories are
// counted from the rows written, and a column's `nullable` says whether one was missing.
class TableWriter {
 public:
  TableWriter(const std::string& path, DatasetMeta meta);
  ~TableWriter();

  // Appends the rows of `block`, whose columns are those of meta().schema.
  void append(const Table& block);
  int64_t rows() const;
  // The metadata written at commit(); the normalization may be completed until then.
  DatasetMeta& meta();
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gantool
