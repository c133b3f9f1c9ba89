// Where a command's rows go: a dataset file (FILE.h5, any name not ending in .csv), a CSV
// file (FILE.csv), CSV on stdout ("-", for pipes), or for images a new folder of PNG files
// (a name ending in "/": DIR/000000.png, ...). Files are written under a temporary
// name and appear only at commit(). Writing happens on a thread of its own, so that a
// command computes its next block while the last one is written (when the HDF5 library is
// thread-safe; else on the caller's thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "io/dataset_file.hpp"

namespace gantool {

// True when `path` makes CSV: "-", a name ending in ".csv" (any case), or an existing
// device or pipe (e.g. /dev/null, /dev/stdout, a FIFO), which is written straight through.
bool is_csv_output(const std::string& path);

// True when `path` asks for a folder of PNG files: it ends in "/".
bool is_png_folder_output(const std::string& path);

// Throws UsageError unless `path` is "-", a device or pipe, ends in .csv, .h5, .hdf5 or .he5,
// or in "/" (PNG files), so that a typo ("fake.txt") does not silently make HDF5.
void check_output_name(const std::string& path, const std::string& flag);

// How CSV is written.
struct CsvStyle {
  char delimiter = ',';
  bool header = true;   // a first line of column names
  bool always = false;  // CSV whatever the output's name (export)
};

class RowOutput {
 public:
  // In CSV, a companion's columns follow the data's on each line; in HDF5 it is a second
  // dataset. A PNG folder needs meta.image (1 or 3 channels) and takes no companion; its
  // rows are pixel values, rounded and clamped to bytes. The metadata (columns, provenance, normalization) go into HDF5 files only,
  // apart from the CSV header line of column names.
  RowOutput(const std::string& path, int64_t cols, DatasetMeta meta,
            std::optional<Companion> companion = std::nullopt, CsvStyle style = {});
  ~RowOutput();

  // Copies the rows and returns while they are written. An error of an earlier write
  // is thrown here (or by commit()).
  void append(const float* rows, int64_t n, const float* companion_rows = nullptr);
  // CSV only: appends `n` rows already written as CSV lines (a typed table's, io/table_csv.hpp).
  void append_text(const std::string& lines, int64_t n);
  int64_t rows() const { return rows_; }
  // The metadata written at commit(); it may still be completed until then.
  DatasetMeta& meta();
  // Completes the output: renames the file into place, or flushes stdout.
  void commit();

 private:
  struct Sink;
  struct Writer;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Writer> writer_;
  int64_t rows_ = 0;
};

}  // namespace gantool
