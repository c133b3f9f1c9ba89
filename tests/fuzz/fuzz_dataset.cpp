// libFuzzer target: the dataset reader. Each input is written to a file and opened as
// `info` and `train` would: DatasetReader on /data (shape, type, metadata, then every row
// while the data is at most kMaxValues floats), list_datasets, and DatasetReader on each
// dataset listed. No HDF5 handle may stay open afterwards.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "io/dataset_file.hpp"

namespace {

constexpr int64_t kMaxValues = int64_t{1} << 22;  // 16 MiB of float32 read per dataset
constexpr size_t kMaxListed = 4;                   // datasets opened from list_datasets

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = gantool_fuzz::input_file(data, size, ".h5");
  gantool::DataRef ref;
  ref.path = path;
  read_dataset(ref);
  std::vector<gantool::DatasetEntry> entries;
  gantool_fuzz::expect_clean_errors([&] { entries = gantool::list_datasets(path); });
  for (size_t i = 0; i < entries.size() && i < kMaxListed; ++i) {
    ref.dataset = entries[i].path;
    ref.dataset_given = true;
    read_dataset(ref);
  }
  gantool_fuzz::check_no_open_hdf5_handles();
  return 0;
}
