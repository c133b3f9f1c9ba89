// Dataset files in HDF5: streaming row-block reader and writer.
#include "io/dataset_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include <unistd.h>

#include "core/error.hpp"
#include "core/threads.hpp"
#include "core/tempfile.hpp"
#include "core/version.hpp"
#include "data/image.hpp"
#include "io/h5.hpp"
#include "io/schema_file.hpp"
#include "io/table_file.hpp"

namespace gantool {

namespace {

// Rows per HDF5 chunk: about 256 KiB of float32 per chunk.
int64_t chunk_rows_for(int64_t cols) { return std::max<int64_t>(1, 65536 / cols); }

std::string join_lines(const std::vector<std::string>& items) {
  return items.empty() ? "none" : fmt::format("{}", fmt::join(items, ", "));
}

}  // namespace

void read_root_meta(hid_t file, DatasetMeta& meta) {
  meta.version = read_string_attr(file, "gantool_version").value_or("");
  meta.command = read_string_attr(file, "command").value_or("");
  meta.source = read_string_attr(file, "source").value_or("");
  meta.seed = read_uint_attr(file, "seed");
}

void write_root_meta(hid_t root, const DatasetMeta& meta, int64_t format_version) {
  write_attr(root, "format", std::string(kDatasetFormat));
  write_attr(root, "format_version", format_version);
  write_attr(root, "gantool_version", meta.version.empty() ? std::string(version()) : meta.version);
  if (!meta.command.empty()) write_attr(root, "command", meta.command);
  if (!meta.source.empty()) write_attr(root, "source", meta.source);
  if (meta.seed) write_attr(root, "seed", *meta.seed);
  for (const auto& [key, value] : meta.attributes) write_attr(root, key, value);
}

// ---- DataRef ------------------------------------------------------------------

std::string DataRef::display() const { return dataset_given ? path + ":" + dataset : path; }

DataRef parse_data_ref(const std::string& arg) {
  DataRef ref;
  ref.path = arg;
  std::error_code ec;
  const size_t colon = arg.rfind(':');
  if (colon == std::string::npos || colon == 0 || std::filesystem::exists(arg, ec)) return ref;
  ref.path = arg.substr(0, colon);
  ref.dataset = arg.substr(colon + 1);
  if (ref.dataset.empty()) fail_usage("'{}': empty dataset name after ':'", arg);
  if (ref.dataset[0] != '/') ref.dataset = "/" + ref.dataset;
  ref.dataset_given = true;
  return ref;
}

// ---- DatasetReader ------------------------------------------------------------

struct DatasetReader::Impl {
  DataRef ref;
  std::string name;  // for messages: "file.h5" or "file.h5:/path"
  H5Id file, dataset, space;
  int rank = 2;
  int64_t rows = 0, cols = 0;
  std::string type;
  DatasetMeta meta;
  // A typed table read as floats (numeric columns only), instead of dataset/space.
  std::unique_ptr<TableReader> table;
  Table block;

  void open_table();
  void read_table(int64_t first, int64_t n, float* dst);
};

// A typed table whose columns are all numeric or boolean, as floats: datetimes in seconds,
// booleans 0 and 1, missing values NaN; normalized as the file says.
void DatasetReader::Impl::open_table() {
  table = std::make_unique<TableReader>(ref);
  meta = table->meta();
  rows = table->rows();
  cols = table->cols();
  type = "table";
  for (const Column& c : meta.schema.columns)
    if (c.kind == ColumnKind::categorical)
      fail("{}: column {} is categorical, and this command reads numeric columns only; leave it out with "
           "'gantool prepare --from {} --drop-columns {} -o numeric.h5'",
           name, quote_for_message(c.name), ref.path, quote_for_message(c.name));
}

void DatasetReader::Impl::read_table(int64_t first, int64_t n, float* dst) {
  table->read(first, n, block);
  normalized_floats(block, meta.schema.normalization, dst);
}

DatasetReader::DatasetReader(const DataRef& ref) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.ref = ref;
  d.name = ref.display();
  d.file = open_h5_read(ref.path);
  if (!ref.dataset_given && !h5_exists(d.file.get(), ref.dataset) && h5_exists(d.file.get(), "/table")) {
    d.file.reset();
    d.open_table();
    return;
  }
  if (!h5_exists(d.file.get(), ref.dataset)) {
    std::vector<std::string> readable;
    for (const auto& e : list_datasets(d.file.get())) readable.push_back(e.path);
    fail("{}: no dataset '{}' in the file (datasets: {}); name one as {}:/path", ref.path,
         ref.dataset, join_lines(readable), ref.path);
  }
  const std::string dangling = dangling_link(d.file.get(), ref.dataset);
  if (!dangling.empty()) fail("{}: '{}' is {}, not a dataset", ref.path, ref.dataset, dangling);
  H5Id object(H5Oopen(d.file.get(), ref.dataset.c_str(), H5P_DEFAULT), H5Oclose);
  if (!object) fail("{}: cannot open '{}' (damaged file?)", ref.path, ref.dataset);
  if (H5Iget_type(object.get()) != H5I_DATASET) fail("{}: '{}' is a group, not a dataset", ref.path, ref.dataset);
  object.reset();
  H5Id dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  // A 16 MiB chunk cache, so that row blocks smaller than a (compressed) chunk do not
  // decompress it again for every block.
  H5Pset_chunk_cache(dapl.get(), 521, 16u << 20, 0.75);
  d.dataset = H5Id(H5Dopen2(d.file.get(), ref.dataset.c_str(), dapl.get()), H5Dclose);
  if (!d.dataset) fail("{}: cannot open the dataset (damaged file?)", d.name);

  H5Id type(H5Dget_type(d.dataset.get()), H5Tclose);
  d.type = type_name(type.get());
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail("{}: dataset holds {} values, not numbers", d.name, d.type);
  d.space = H5Id(H5Dget_space(d.dataset.get()), H5Sclose);
  d.rank = H5Sget_simple_extent_ndims(d.space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(d.rank, 1)), 0);
  if (d.rank > 0) H5Sget_simple_extent_dims(d.space.get(), dims.data(), nullptr);
  if (d.rank == 0) fail("{}: dataset is a scalar; expected 2-D [rows, columns] or 1-D", d.name);
  if (d.rank != 1 && d.rank != 2 && d.rank != 4)
    fail("{}: dataset is {}-D (shape {}); expected 2-D [rows, columns], 1-D, or 4-D images (N, C, H, W)", d.name,
         d.rank, fmt::join(dims, "×"));
  d.rows = static_cast<int64_t>(dims[0]);
  // Rows stream, columns do not: a row and the column names must fit in memory (found by
  // fuzzing: a damaged shape claimed 2^27 columns).
  double width = 1;
  for (int k = 1; k < d.rank; ++k) width *= static_cast<double>(dims[static_cast<size_t>(k)]);
  if (width > static_cast<double>(kMaxColumns))
    fail("{}: dataset has {} columns{}, more than gantool reads ({}); a damaged file, or select fewer columns",
         d.name, width, d.rank == 4 ? fmt::format(" (images of {})", fmt::join(dims.begin() + 1, dims.end(), "×")) : "",
         kMaxColumns);
  d.cols = static_cast<int64_t>(width);
  if (d.cols == 0) fail("{}: dataset has no columns", d.name);
  if (d.rank == 4)
    d.meta.image = {static_cast<int64_t>(dims[1]), static_cast<int64_t>(dims[2]), static_cast<int64_t>(dims[3])};
  check_stored(d.dataset.get(), ref.path + ":" + ref.dataset);

  read_root_meta(d.file.get(), d.meta);
  // /normalization and /synthetic describe /data only.
  d.meta.schema = ref.dataset == "/data" ? read_schema(d.file.get(), d.cols, kDatasetSchema, d.name)
                                         : continuous_schema(read_column_names(d.dataset.get(), d.cols));
  if (!d.meta.image.empty()) {  // pixels are named by their place, never stored
    const std::vector<std::string> names = pixel_column_names(d.meta.image);
    for (size_t c = 0; c < names.size(); ++c) d.meta.schema.columns[c].name = names[c];
  }
}

DatasetReader::~DatasetReader() = default;
DatasetReader::DatasetReader(DatasetReader&&) noexcept = default;
DatasetReader& DatasetReader::operator=(DatasetReader&&) noexcept = default;

int64_t DatasetReader::rows() const { return impl_->rows; }
int64_t DatasetReader::cols() const { return impl_->cols; }
const std::string& DatasetReader::type() const { return impl_->type; }
const DatasetMeta& DatasetReader::meta() const { return impl_->meta; }
const DataRef& DatasetReader::ref() const { return impl_->ref; }

void DatasetReader::read(int64_t first, int64_t n, float* dst) {
  Impl& d = *impl_;
  GANTOOL_ASSERT(first >= 0 && n >= 0 && first + n <= d.rows);
  if (n == 0) return;
  if (d.table) return d.read_table(first, n, dst);
  hsize_t start[4] = {static_cast<hsize_t>(first), 0, 0, 0};
  hsize_t count[4] = {static_cast<hsize_t>(n), static_cast<hsize_t>(d.cols), 0, 0};  // rank 1: count[0]
  if (d.rank == 4)
    for (size_t k = 0; k < 3; ++k) count[k + 1] = static_cast<hsize_t>(d.meta.image[k]);
  H5Sselect_hyperslab(d.space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  // The memory space has the selection's own shape, so HDF5 copies whole rows instead of
  // iterating element by element (several times faster).
  H5Id memspace(H5Screate_simple(d.rank, count, nullptr), H5Sclose);
  if (H5Dread(d.dataset.get(), H5T_NATIVE_FLOAT, memspace.get(), d.space.get(), H5P_DEFAULT, dst) < 0)
    fail("{}: cannot read rows {}..{}: the file is truncated or damaged", d.name, first,
         first + n - 1);
}

// Throws naming the first value of rows [first, first + n) in dst that is not finite.
static void require_finite(const DatasetReader& reader, const float* rows, int64_t first, int64_t n) {
  const int64_t cols = reader.cols();
  for (int64_t i = 0; i < n * cols; ++i)
    if (!std::isfinite(rows[i])) {
      const Column& column = reader.meta().schema.columns[static_cast<size_t>(i % cols)];
      if (column.nullable)
        fail("{}: row {}, column {} is missing; drop the rows with missing values with 'gantool prepare --from {} "
             "--drop-missing -o complete.h5'",
             reader.ref().display(), first + i / cols, quote_for_message(column.name), reader.ref().display());
      fail("{}: row {}, column '{}' is not finite; clean it with 'gantool prepare --drop-nonfinite'",
           reader.ref().display(), first + i / cols, column.name);
    }
}

void DatasetReader::read_finite(int64_t first, int64_t n, float* dst) {
  read(first, n, dst);
  require_finite(*this, dst, first, n);
}

Tensor DatasetReader::read_all_finite() {
  Tensor all = read_all();
  require_finite(*this, all.data(), 0, all.rows());
  return all;
}

// Throws when rows × cols floats would not fit in this machine's memory.
static void require_memory(const DatasetReader& reader) {
  const double bytes = static_cast<double>(reader.rows()) * static_cast<double>(reader.cols()) * sizeof(float);
  const double memory = physical_memory();
  if (memory > 0 && bytes > memory)
    fail("{}: {} rows × {} columns take {:.1f} GB in memory, more than this machine's {:.1f} GB; use a part "
         "of it (gantool prepare --from {} --limit ROWS -o part.h5)",
         reader.ref().display(), reader.rows(), reader.cols(), bytes / 1e9, memory / 1e9, reader.ref().display());
}

Tensor DatasetReader::read_all() {
  require_memory(*this);
  Tensor all(rows(), cols());
  const int64_t block = chunk_rows_for(cols()) * 16;
  for (int64_t first = 0; first < rows(); first += block)
    read(first, std::min(block, rows() - first), all.row(first));
  return all;
}

// ---- DatasetWriter ------------------------------------------------------------

// One extendible 2-D dataset of the output, filled a chunk at a time.
struct Series {
  std::string name;  // "data", "latent"
  std::vector<std::string> columns;
  int64_t cols = 0;
  H5Id dataset;
  Tensor buffer;  // (chunk_rows, cols): rows waiting for a whole chunk
  std::vector<int64_t> image;  // {C, H, W}: stored as (N, C, H, W) uint8 pixels
};

// Creates the dataset file's /labels: int64 (N) with attribute "names".
void write_labels(hid_t file, const Labels& labels) {
  const hsize_t n = labels.values.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(dcpl.get(), false);
  H5Id dataset(H5Dcreate2(file, "labels", H5T_STD_I64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose);
  if (!dataset) fail_write(file, "create dataset /labels");
  if (n > 0 && H5Dwrite(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.values.data()) < 0)
    fail_write(file, "write /labels");
  write_attr(dataset.get(), "names", labels.names);
}

struct DatasetWriter::Impl {
  TempFile temp;
  H5Id file;
  std::vector<Series> series;  // /data first, then any companion
  int64_t rows = 0;            // rows written to the file so far (every series alike)
  int64_t chunk_rows = 0;
  int64_t buffered = 0;
  DatasetMeta meta;
  std::vector<uint8_t> pixels;    // image mode: a chunk of rows as bytes
  std::optional<Labels> labels;   // written as /labels at commit()

  explicit Impl(const std::string& path) : temp(path) {}

  // The shape of `rows` rows of s: (rows, cols), or (rows, C, H, W) for images.
  static std::vector<hsize_t> shape_of(const Series& s, hsize_t rows) {
    std::vector<hsize_t> dims = {rows, static_cast<hsize_t>(s.cols)};
    if (!s.image.empty()) dims = {rows, static_cast<hsize_t>(s.image[0]), static_cast<hsize_t>(s.image[1]),
                                  static_cast<hsize_t>(s.image[2])};
    return dims;
  }

  void create_dataset(Series& s, int64_t chunk) {
    const std::vector<hsize_t> dims = shape_of(s, 0), chunk_dims = shape_of(s, static_cast<hsize_t>(chunk));
    std::vector<hsize_t> maxdims = dims;
    maxdims[0] = H5S_UNLIMITED;
    const int rank = static_cast<int>(dims.size());
    H5Id space(H5Screate_simple(rank, dims.data(), maxdims.data()), H5Sclose);
    H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_chunk(dcpl.get(), rank, chunk_dims.data());
    H5Pset_obj_track_times(dcpl.get(), false);
    const hid_t type = s.image.empty() ? H5T_IEEE_F32LE : H5T_STD_U8LE;
    s.dataset = H5Id(H5Dcreate2(file.get(), s.name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                     H5Dclose);
    if (!s.dataset) fail_write(file.get(), fmt::format("create dataset /{}", s.name));
  }

  void flush() {
    for (Series& s : series) {
      if (!s.dataset) create_dataset(s, chunk_rows);
      if (buffered == 0) continue;
      const std::vector<hsize_t> new_dims = shape_of(s, static_cast<hsize_t>(rows + buffered));
      const std::vector<hsize_t> count = shape_of(s, static_cast<hsize_t>(buffered));
      std::vector<hsize_t> start(count.size(), 0);
      start[0] = static_cast<hsize_t>(rows);
      if (H5Dset_extent(s.dataset.get(), new_dims.data()) < 0) fail_write(file.get(), fmt::format("grow /{}", s.name));
      H5Id space(H5Dget_space(s.dataset.get()), H5Sclose);
      H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
      H5Id memspace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
      herr_t written = 0;
      if (s.image.empty()) {
        written = H5Dwrite(s.dataset.get(), H5T_NATIVE_FLOAT, memspace.get(), space.get(), H5P_DEFAULT, s.buffer.data());
      } else {
        for (int64_t i = 0; i < buffered * s.cols; ++i) pixels[static_cast<size_t>(i)] = pixel_byte(s.buffer.data()[i]);
        written = H5Dwrite(s.dataset.get(), H5T_NATIVE_UINT8, memspace.get(), space.get(), H5P_DEFAULT, pixels.data());
      }
      if (written < 0) fail_write(file.get(), fmt::format("write rows of /{}", s.name));
    }
    check_written(file.get());  // a full disk stops the work at once
    rows += buffered;
    buffered = 0;
  }

  void write_meta() {
    const hid_t root = file.get();
    write_root_meta(root, meta, kDatasetFormatVersion);
    GANTOOL_ASSERT(width(meta.schema) == series.front().cols);
    if (meta.image.empty()) write_schema_columns(root, meta.schema, kDatasetSchema);
    else write_attr(root, "image", meta.image);  // pixel columns are named by their place
    for (size_t i = 1; i < series.size(); ++i) write_attr(series[i].dataset.get(), "columns", series[i].columns);
    write_schema_description(root, meta.schema, kDatasetSchema);
    if (labels) {
      GANTOOL_ASSERT(static_cast<int64_t>(labels->values.size()) == rows);
      write_labels(root, *labels);
    }
  }
};

DatasetWriter::DatasetWriter(const std::string& path, int64_t cols, DatasetMeta meta,
                             std::optional<Companion> companion)
    : impl_(std::make_unique<Impl>(path)) {
  GANTOOL_ASSERT(cols > 0);
  Impl& d = *impl_;
  d.meta = std::move(meta);
  if (d.meta.schema.columns.empty()) d.meta.schema = continuous_schema(default_column_names(cols));
  d.series.push_back({"data", {}, cols, {}, {}, d.meta.image});  // columns from meta at commit()
  if (!d.meta.image.empty()) {
    GANTOOL_ASSERT(image_size(d.meta.image) == cols && d.meta.schema.normalization.method == "none");
    d.meta.schema = continuous_schema(pixel_column_names(d.meta.image));
  }
  int64_t widest = cols;
  if (companion) {
    const auto width = static_cast<int64_t>(companion->columns.size());
    GANTOOL_ASSERT(width > 0 && companion->name != "data");
    d.series.push_back({companion->name, companion->columns, width, {}, {}, {}});
    widest = std::max(widest, width);
  }
  d.chunk_rows = chunk_rows_for(widest);
  for (Series& s : d.series) s.buffer = Tensor(d.chunk_rows, s.cols);
  if (!d.meta.image.empty()) d.pixels.resize(static_cast<size_t>(d.chunk_rows * cols));
  d.file = create_h5(d.temp.path(), d.temp.target());
}

DatasetWriter::~DatasetWriter() = default;

void DatasetWriter::append(const float* rows, int64_t n, const float* companion_rows) {
  Impl& d = *impl_;
  GANTOOL_ASSERT((companion_rows != nullptr) == (d.series.size() > 1));
  const float* src[2] = {rows, companion_rows};
  while (n > 0) {
    const int64_t take = std::min(n, d.chunk_rows - d.buffered);
    for (size_t i = 0; i < d.series.size(); ++i) {
      Series& s = d.series[i];
      std::memcpy(s.buffer.row(d.buffered), src[i], static_cast<size_t>(take * s.cols) * sizeof(float));
      src[i] += take * s.cols;
    }
    d.buffered += take;
    n -= take;
    if (d.buffered == d.chunk_rows) d.flush();
  }
}

int64_t DatasetWriter::rows() const { return impl_->rows + impl_->buffered; }
int64_t DatasetWriter::cols() const { return impl_->series.front().cols; }
DatasetMeta& DatasetWriter::meta() { return impl_->meta; }
void DatasetWriter::set_labels(Labels labels) { impl_->labels = std::move(labels); }

void DatasetWriter::commit() {
  Impl& d = *impl_;
  // A file smaller than one chunk gets a chunk of its own size.
  if (!d.series.front().dataset)
    for (Series& s : d.series) d.create_dataset(s, std::max<int64_t>(1, d.buffered));
  d.flush();
  d.write_meta();
  for (Series& s : d.series) s.dataset.reset();
  close_h5(d.file);
  d.temp.commit();
}

std::optional<Labels> read_labels(const std::string& path) {
  H5Id file = open_h5_read(path);
  if (!h5_exists(file.get(), "/labels")) return std::nullopt;
  const std::string what = path + ":/labels";
  H5Id dataset = open_dataset(file.get(), "/labels", path);
  const std::vector<int64_t> shape = dataset_shape(file.get(), "/labels", path);
  H5Id type(H5Dget_type(dataset.get()), H5Tclose);
  if (shape.size() != 1 || H5Tget_class(type.get()) != H5T_INTEGER)
    fail("{}: is not a 1-D integer dataset (shape {}, {}); the class of each image is expected there", what,
         fmt::join(shape, "×"), type_name(type.get()));
  if (h5_exists(file.get(), "/data")) {
    const std::vector<int64_t> data = dataset_shape(file.get(), "/data", path);
    if (!data.empty() && data[0] != shape[0])
      fail("{}: holds {} labels for {} rows of /data (damaged file, or not written by gantool)", what, shape[0],
           data[0]);
  }
  check_stored(dataset.get(), what);
  Labels labels;
  labels.values.resize(static_cast<size_t>(shape[0]));
  if (shape[0] > 0 && H5Dread(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.values.data()) < 0)
    fail("{}: cannot read: the file is truncated or damaged", what);
  int64_t classes = 0;
  for (size_t i = 0; i < labels.values.size(); ++i) {
    if (labels.values[i] < 0) fail("{}: row {} has label {}; labels are classes 0, 1, ... (damaged file?)", what, i, labels.values[i]);
    classes = std::max(classes, labels.values[i] + 1);
  }
  if (auto names = read_strings_attr(dataset.get(), "names")) {
    labels.names = std::move(*names);
    if (static_cast<int64_t>(labels.names.size()) < classes)
      fail("{}: names {} classes but holds label {} (damaged file, or not written by gantool)", what,
           labels.names.size(), classes - 1);
  } else {
    for (int64_t k = 0; k < classes; ++k) labels.names.push_back(std::to_string(k));
  }
  return labels;
}

bool is_hdf5_file(const std::string& path) {
  init_hdf5();
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && H5Fis_hdf5(path.c_str()) > 0;
}

std::vector<DatasetEntry> list_datasets(const std::string& path) {
  H5Id file = open_h5_read(path);
  return list_datasets(file.get());
}

}  // namespace gantool
