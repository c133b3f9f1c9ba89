// libFuzzer target: the dataset readers. Each input is written to a file and opened as
// `info`, `train` and `export` would: DatasetReader on the default dataset (/data, or a
// numeric typed table /table, read as floats: shape, type, metadata, then every row while the
// data is at most kMaxValues floats), TableReader on it (every row of a small table, each
// value checked against its column), list_datasets, and both readers on each dataset
// listed. No HDF5 handle may stay open afterwards.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "data/table.hpp"
#include "fuzz_table.hpp"
#include "io/dataset_file.hpp"
#include "io/table_file.hpp"

namespace {

constexpr int64_t kMaxValues = int64_t{1} << 22;  // 16 MiB of float32 read per dataset
constexpr size_t kMaxListed = 4;                   // datasets opened from list_datasets
constexpr int64_t kMaxTableValues = int64_t{1} << 16;  // values of a table read (and read twice)

// Opens one dataset and reads everything a command would look at.
void read_dataset(const gantool::DataRef& ref) {
  gantool_fuzz::expect_clean_errors([&] {
    gantool::DatasetReader reader(ref);
    const int64_t rows = reader.rows(), cols = reader.cols();
    const gantool::DatasetMeta& meta = reader.meta();
    if (rows < 0 || cols < 1 || width(meta.schema) != cols) {
      std::fprintf(stderr, "finding: reader accepted %lld rows, %lld columns, %zu names\n",
                   static_cast<long long>(rows), static_cast<long long>(cols), meta.schema.columns.size());
      std::abort();
    }
    (void)reader.type();
    if (rows > kMaxValues / cols) return;
    const int64_t block = std::max<int64_t>(1, std::min(rows, gantool::block_rows(cols)));
    std::vector<float> dst(static_cast<size_t>(block * cols));
    for (int64_t first = 0; first < rows; first += block)
      reader.read_finite(first, std::min(block, rows - first), dst.data());
  });
}

// Opens one dataset as a typed table, as export and info do; reads every row of a small one in
// blocks and whole, each value checked against its column.
void read_table(const gantool::DataRef& ref) {
  gantool_fuzz::expect_clean_errors([&] {
    gantool::TableReader reader(ref);
    const int64_t rows = reader.rows(), cols = reader.cols();
    const gantool::Schema& schema = reader.meta().schema;
    if (rows < 0 || cols < 1 || width(schema) != cols)
      gantool_fuzz::finding(fmt::format("table reader accepted {} rows, {} columns, {} in the schema", rows, cols,
                                        schema.columns.size()));
    for (const gantool::Column& column : schema.columns)  // check_schema's promise: counts absent or one per category
      if (gantool::is_discrete(column.kind) && !column.counts.empty() && column.counts.size() != column.categories.size())
        gantool_fuzz::finding(fmt::format("column '{}': {} categories but {} counts", column.name,
                                          column.categories.size(), column.counts.size()));
    if (rows > kMaxTableValues / cols) return;
    gantool::Table block;
    for (int64_t first = 0; first < rows; first += 64) {
      reader.read(first, std::min<int64_t>(64, rows - first), block);
      gantool_fuzz::check_table_values(block, fmt::format("{} row {}", ref.display(), first));
    }
    const gantool::Table all = reader.read_all();
    if (all.rows != rows) gantool_fuzz::finding(fmt::format("read_all gave {} of {} rows", all.rows, rows));
    gantool_fuzz::check_table_values(all, ref.display());
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = gantool_fuzz::input_file(data, size, ".h5");
  gantool::DataRef ref;
  ref.path = path;
  read_dataset(ref);
  read_table(ref);
  std::vector<gantool::DatasetEntry> entries;
  gantool_fuzz::expect_clean_errors([&] { entries = gantool::list_datasets(path); });
  for (size_t i = 0; i < entries.size() && i < kMaxListed; ++i) {
    ref.dataset = entries[i].path;
    ref.dataset_given = true;
    read_dataset(ref);
    read_table(ref);
  }
  gantool_fuzz::check_no_open_hdf5_handles();
  return 0;
}
