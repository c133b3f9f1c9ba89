// Dataset files: a 2-D float32 HDF5 dataset /data [rows, columns], chunked by rows, with
// column names, provenance, normalization and (for synthetic data) the true distribution.
// An image dataset stores /data as (N, C, H, W) uint8 pixels instead, with root attribute
// "image" = [C, H, W], and reads as rows (N, C·H·W) of pixel values 0..255 in CHW order; it
// may have /labels, the class of each image.
// Reading and writing stream by row blocks (hyperslabs), so memory does not grow with the
// file. The layout is documented in README.md, "File formats".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"
#include "data/schema.hpp"

namespace gantool {

// "FILE.h5" (meaning /data) or "FILE.h5:/path/to/dataset".
struct DataRef {
  std::string path;
  std::string dataset = "/data";
  bool dataset_given = false;  // the dataset was named explicitly

  // "FILE.h5" or "FILE.h5:/path", as a person would type it back.
  std::string display() const;
};

// Splits a command-line argument into file and dataset. An argument that names an
// existing file is a file, even if it contains ':'; otherwise the text after the last ':'
// is the dataset ("/" is prepended when missing).
DataRef parse_data_ref(const std::string& arg);

// What a dataset file says about its data besides the numbers.
struct DatasetMeta {
  Schema schema;                     // the columns (always filled), normalization, true distribution
  std::string version;               // gantool version that wrote the file
  std::string command;               // the command line that made it
  std::string source;                // where the rows came from: "synthetic ring", "csv x.csv", ...
  std::optional<uint64_t> seed;      // the seed, when randomness was involved
  // Further root attributes a command records (written only; e.g. sample's acceptance rate).
  std::vector<std::pair<std::string, double>> attributes;
  // {C, H, W} for an image dataset (/data stored (N, C, H, W) uint8, read as rows of C·H·W
  // pixel values 0..255, columns named c0y0x0, c0y0x1, ...), else empty.
  std::vector<int64_t> image;
};

// The class of each row of a dataset file, and the names of the classes.
struct Labels {
  std::vector<int64_t> values;     // (N) the class of each row, 0 .. names.size() - 1
  std::vector<std::string> names;  // (K) the name of each class
};

// The labels of the dataset file at `path`: /labels, int64 (N), with the class names in its
// attribute "names" ("0", "1", ... when it has none); nullopt when the file has no /labels.
// Throws Error naming the file when /labels does not match /data's rows or names no class.
std::optional<Labels> read_labels(const std::string& path);

// A second dataset written row for row beside /data (e.g. /latent: the noise behind each
// sample).
struct Companion {
  std::string name;                  // without the leading '/'
  std::vector<std::string> columns;  // its width
};

// The magic root attribute values that mark a gantool dataset file.
inline constexpr const char* kDatasetFormat = "gantool-dataset";
inline constexpr int64_t kDatasetFormatVersion = 1;

// Reads any 1-D or 2-D numeric dataset (integer or float, any byte order, chunked or
// contiguous, e.g. written by h5py) as float32 rows; a 1-D dataset is one column, a 4-D
// one (N, C, H, W) images whose rows are C·H·W values (meta().image says their shape).
class DatasetReader {
 public:
  // Opens and validates; throws Error naming the file and dataset (missing file, not
  // HDF5, truncated, no such dataset, wrong rank, non-numeric type).
  explicit DatasetReader(const DataRef& ref);
  ~DatasetReader();
  DatasetReader(DatasetReader&&) noexcept;
  DatasetReader& operator=(DatasetReader&&) noexcept;

  int64_t rows() const;
  int64_t cols() const;
  const std::string& type() const;   // stored type: "float32", "float64", "int64", ...
  const DatasetMeta& meta() const;   // schema columns always filled (x0, x1, ... when unnamed)
  const DataRef& ref() const;

  // Reads rows [first, first + n) into dst (n × cols floats). Throws Error if the file
  // cannot deliver them (e.g. truncated data).
  void read(int64_t first, int64_t n, float* dst);

  // The same, but throws Error naming the row (counted from 0) and column of the first
  // value that is not finite.
  void read_finite(int64_t first, int64_t n, float* dst);

  // Reads every row into a Tensor (for data that fits in memory).
  Tensor read_all();
  Tensor read_all_finite();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a dataset file under a temporary name; commit() completes it and renames it to
// `path`. Destroyed without commit(), it leaves nothing behind.
// Image mode, when meta.image is set ({C, H, W}, cols = C·H·W, normalization "none"): rows
// are pixel values, rounded and clamped to 0..255 (NaN: 0) and stored as (N, C, H, W) uint8.
class DatasetWriter {
 public:
  DatasetWriter(const std::string& path, int64_t cols, DatasetMeta meta,
                std::optional<Companion> companion = std::nullopt);
  ~DatasetWriter();

  // Appends n rows × cols floats, and with a companion its n rows (required then).
  void append(const float* rows, int64_t n, const float* companion_rows = nullptr);
  int64_t rows() const;
  int64_t cols() const;
  // The metadata written at commit(); it may still be completed until then (but for image).
  DatasetMeta& meta();
  // Labels to write as /labels at commit(), one per row then written.
  void set_labels(Labels labels);
  // Writes the metadata, closes the file and renames it into place.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The most columns a dataset may have (a 512×512×4 image has 1,048,576).
inline constexpr int64_t kMaxColumns = int64_t{1} << 20;

// Rows per streaming block for `cols` columns: about 1 MiB of float32.
inline int64_t block_rows(int64_t cols) { return cols > 262144 ? 1 : 262144 / cols; }

// True when `path` is an existing file with HDF5's signature.
bool is_hdf5_file(const std::string& path);

// One dataset of a file, as listed by list_datasets().
struct DatasetEntry {
  std::string path;            // "/data", "/group/x"
  std::vector<int64_t> shape;  // empty for a scalar
  std::string type;            // "float32", "int64", "string", ...
};

// Every dataset in the HDF5 file at `path`; throws Error as DatasetReader does.
std::vector<DatasetEntry> list_datasets(const std::string& path);

}  // namespace gantool
