// Typed tables in HDF5: one extendible 1-D dataset per column, a mask per column with a
// missing value (layout in table_file.hpp).
#include "io/table_file.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"
#include "io/h5.hpp"
#include "io/schema_file.hpp"

namespace gantool {

namespace {

constexpr hsize_t kChunkRows = 16384;

// The enum {FALSE = 0, TRUE = 1} of int8 that h5py reads as numpy's bool.
H5Id bool_type() {
  H5Id type(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
  const int8_t no = 0, yes = 1;
  H5Tenum_insert(type.get(), "FALSE", &no);
  H5Tenum_insert(type.get(), "TRUE", &yes);
  return type;
}

// The memory type of a column's values: double for continuous, int64 for the others.
hid_t memory_type(ColumnKind kind) { return holds_reals(kind) ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64; }

// The file type of a column's values.
H5Id file_type(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::continuous: return H5Id(H5Tcopy(H5T_IEEE_F64LE), H5Tclose);
    case ColumnKind::integer:
    case ColumnKind::datetime: return H5Id(H5Tcopy(H5T_STD_I64LE), H5Tclose);
    case ColumnKind::categorical: return H5Id(H5Tcopy(H5T_STD_I32LE), H5Tclose);
    case ColumnKind::boolean: return bool_type();
  }
  return {};
}

// An empty extendible 1-D dataset of `type` named `name` in `group`.
H5Id create_column(hid_t group, const std::string& name, hid_t type) {
  const hsize_t dims = 0, maxdims = H5S_UNLIMITED;
  H5Id space(H5Screate_simple(1, &dims, &maxdims), H5Sclose);
  H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.get(), 1, &kChunkRows);
  // Compressed (byte shuffle, then deflate at its fastest level): a small table does not
  // take a whole chunk per column on disk, and codes and flags shrink to a fraction.
  H5Pset_shuffle(dcpl.get());
  H5Pset_deflate(dcpl.get(), 1);
  H5Pset_obj_track_times(dcpl.get(), false);
  H5Id dataset(H5Dcreate2(group, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose);
  if (!dataset) fail_write(group, "create dataset " + name);
  return dataset;
}

// Grows `dataset` to `first + n` rows and writes n values of `mem_type` at row `first`.
void write_range(hid_t dataset, int64_t first, int64_t n, hid_t mem_type, const void* values) {
  const hsize_t size = static_cast<hsize_t>(first + n), start = static_cast<hsize_t>(first),
                count = static_cast<hsize_t>(n);
  if (H5Dset_extent(dataset, &size) < 0) fail_write(dataset, "grow a column");
  if (n == 0) return;
  H5Id space(H5Dget_space(dataset), H5Sclose);
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
  H5Id memspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (H5Dwrite(dataset, mem_type, memspace.get(), space.get(), H5P_DEFAULT, values) < 0)
    fail_write(dataset, "write a column");
}

// Reads n values of `mem_type` from row `first`; false when HDF5 cannot.
bool read_range(hid_t dataset, int64_t first, int64_t n, hid_t mem_type, void* values) {
  if (n == 0) return true;
  const hsize_t start = static_cast<hsize_t>(first), count = static_cast<hsize_t>(n);
  H5Id space(H5Dget_space(dataset), H5Sclose);
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
  H5Id memspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
  return H5Dread(dataset, mem_type, memspace.get(), space.get(), H5P_DEFAULT, values) >= 0;
}

// The layout of a typed table's schema parts (the columns' own attributes are written here).
constexpr SchemaLayout kTableSchema{"table", "normalization", "method", "synthetic", true};

}  // namespace

std::string column_link_name(const std::string& name) {
  if (name == ".") return "%2E";
  if (name == "..") return "%2E%2E";
  std::string out;
  for (const char ch : name) {
    if (ch == '%') {
      out += "%25";
    } else if (ch == '/') {
      out += "%2F";
    } else {
      out += ch;
    }
  }
  return out;
}

bool is_table_file(const std::string& path) {
  if (!is_hdf5_file(path)) return false;
  H5Id file = open_h5_read(path);
  return h5_exists(file.get(), "/table");
}

// ---- TableWriter ----------------------------------------------------------------

struct TableWriter::Impl {
  TempFile temp;
  H5Id file, table_group, missing_group;
  std::vector<H5Id> values, masks;  // per column; a mask from the first missing value on
  std::vector<std::vector<int64_t>> counts;
  int64_t rows = 0;
  DatasetMeta meta;

  explicit Impl(const std::string& path) : temp(path) {}
};

TableWriter::TableWriter(const std::string& path, DatasetMeta meta) : impl_(std::make_unique<Impl>(path)) {
  Impl& d = *impl_;
  d.meta = std::move(meta);
  d.file = create_h5(d.temp.path(), d.temp.target());
  d.table_group = create_group(d.file.get(), "table");
  const Schema& schema = d.meta.schema;
  for (const Column& c : schema.columns) {
    H5Id type = file_type(c.kind);
    d.values.push_back(create_column(d.table_group.get(), column_link_name(c.name), type.get()));
    d.counts.emplace_back(c.categories.size(), 0);
  }
  d.masks.resize(schema.columns.size());
}

TableWriter::~TableWriter() = default;

void TableWriter::append(const Table& block) {
  Impl& d = *impl_;
  const Schema& schema = d.meta.schema;
  GANTOOL_ASSERT(block.columns.size() == schema.columns.size());
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const Column& column = schema.columns[c];
    const ColumnValues& col = block.columns[c];
    const void* data = holds_reals(column.kind) ? static_cast<const void*>(col.reals.data()) : col.ints.data();
    if (column.kind == ColumnKind::boolean) {
      std::vector<int8_t> bools(col.ints.begin(), col.ints.end());
      for (int8_t& b : bools) b = b > 0 ? 1 : 0;  // missing (-1) is stored as false, masked
      H5Id type = bool_type();
      write_range(d.values[c].get(), d.rows, block.rows, type.get(), bools.data());
    } else {
      write_range(d.values[c].get(), d.rows, block.rows, memory_type(column.kind), data);
    }
    if (is_discrete(column.kind))
      for (const int64_t code : col.ints) {
        GANTOOL_ASSERT(code < static_cast<int64_t>(column.categories.size()));
        if (code >= 0) ++d.counts[c][static_cast<size_t>(code)];
      }
    const bool any_missing = std::find(col.missing.begin(), col.missing.end(), 1) != col.missing.end();
    if (any_missing && !d.masks[c]) {  // earlier rows read as HDF5's fill value, 0
      if (!d.missing_group) d.missing_group = create_group(d.file.get(), "missing");
      d.masks[c] = create_column(d.missing_group.get(), column_link_name(column.name), H5T_STD_U8LE);
    }
    if (d.masks[c]) write_range(d.masks[c].get(), d.rows, block.rows, H5T_NATIVE_UINT8, col.missing.data());
  }
  d.rows += block.rows;
  check_written(d.file.get());
}

int64_t TableWriter::rows() const { return impl_->rows; }
DatasetMeta& TableWriter::meta() { return impl_->meta; }

void TableWriter::commit() {
  Impl& d = *impl_;
  Schema& schema = d.meta.schema;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    Column& column = schema.columns[c];
    column.nullable = static_cast<bool>(d.masks[c]);
    if (is_discrete(column.kind)) column.counts = d.counts[c];
    const hid_t dataset = d.values[c].get();
    write_attr(dataset, "kind", std::string(column_kind_name(column.kind)));
    write_attr(dataset, "name", column.name);  // the link name escapes '/' and '%'
    if (d.masks[c]) write_attr(d.masks[c].get(), "name", column.name);
    if (is_discrete(column.kind)) {
      write_attr(dataset, "categories", column.categories);
      write_attr(dataset, "counts", column.counts);
    }
    if (column.kind == ColumnKind::datetime) {
      write_attr(dataset, "format", column.format);
      write_attr(dataset, "unit", std::string("seconds since 1970-01-01T00:00:00Z"));
    }
  }
  write_root_meta(d.file.get(), d.meta, kTableFormatVersion);
  write_schema(d.file.get(), schema, kTableSchema);
  d.values.clear();
  d.masks.clear();
  d.table_group.reset();
  d.missing_group.reset();
  close_h5(d.file);
  d.temp.commit();
}

// ---- TableReader ----------------------------------------------------------------

struct TableReader::Impl {
  DataRef ref;
  std::string name;  // for messages
  bool typed = false;
  DatasetMeta meta;
  int64_t rows = 0;
  // A typed table: one dataset per column, and its mask or none.
  H5Id file;
  std::vector<H5Id> values, masks;
  std::vector<int8_t> bools;  // scratch for boolean columns
  // A numeric matrix.
  std::unique_ptr<DatasetReader> matrix;
  Tensor buffer;

  void open_typed();
  void read_typed(int64_t first, int64_t n, Table& dst);
  void read_matrix(int64_t first, int64_t n, Table& dst);
};

void TableReader::Impl::open_typed() {
  const hid_t root = file.get();
  read_root_meta(root, meta);
  H5Id group = open_group(root, "table", name);
  const auto names = read_strings_attr(group.get(), "columns");
  if (!names || names->empty()) fail("{}: /table has no attribute 'columns' naming its columns (damaged file?)", name);
  Schema schema = read_schema(root, static_cast<int64_t>(names->size()), kTableSchema, name);
  for (size_t c = 0; c < names->size(); ++c) {
    Column& column = schema.columns[c];
    const std::string link = column_link_name(column.name);
    const std::string path = "/table/" + link;
    values.push_back(open_dataset(root, path, name));
    const hid_t dataset = values.back().get();
    const std::string kind = read_string_attr(dataset, "kind").value_or("");
    if (!parse_column_kind(kind, column.kind))
      fail("{}: {} has kind '{}', not one of continuous, integer, boolean, categorical, datetime (damaged file?)",
           name, path, kind);
    column.categories = read_strings_attr(dataset, "categories").value_or(std::vector<std::string>{});
    column.counts = read_ints_attr(dataset, "counts").value_or(std::vector<int64_t>{});
    column.format = read_string_attr(dataset, "format").value_or("");
    const std::vector<int64_t> shape = dataset_shape(root, path, name);
    if (shape.size() != 1) fail("{}: {} is not 1-D (damaged file?)", name, path);
    if (c == 0) rows = shape[0];
    if (shape[0] != rows) fail("{}: {} has {} rows, {} has {} (damaged file?)", name, path, shape[0],
                               "/table/" + column_link_name(schema.columns[0].name), rows);
    check_stored(dataset, name + ":" + path);
    const std::string mask = "/missing/" + link;
    masks.emplace_back();
    if (h5_exists(root, mask)) {
      masks.back() = open_dataset(root, mask, name);
      if (dataset_shape(root, mask, name) != shape) fail("{}: {} is not as long as {} (damaged file?)", name, mask, path);
      column.nullable = true;
    }
  }
  check_schema(schema, name, SchemaWhere{"/normalization", "/synthetic"});
  meta.schema = std::move(schema);
}

void TableReader::Impl::read_typed(int64_t first, int64_t n, Table& dst) {
  resize_rows(dst, n);
  for (size_t c = 0; c < values.size(); ++c) {
    const Column& column = meta.schema.columns[c];
    ColumnValues& col = dst.columns[c];
    const hid_t dataset = values[c].get();
    bool ok = true;
    if (column.kind == ColumnKind::boolean) {
      bools.resize(static_cast<size_t>(n));
      H5Id type = bool_type();
      H5Id stored(H5Dget_type(dataset), H5Tclose);
      ok = H5Tget_class(stored.get()) == H5T_ENUM ? read_range(dataset, first, n, type.get(), bools.data())
                                                   : read_range(dataset, first, n, H5T_NATIVE_INT8, bools.data());
      for (int64_t i = 0; i < n; ++i) col.ints[static_cast<size_t>(i)] = bools[static_cast<size_t>(i)] != 0;
    } else {
      ok = read_range(dataset, first, n, memory_type(column.kind),
                      holds_reals(column.kind) ? static_cast<void*>(col.reals.data()) : col.ints.data());
    }
    if (ok && masks[c]) ok = read_range(masks[c].get(), first, n, H5T_NATIVE_UINT8, col.missing.data());
    if (!ok)
      fail("{}: cannot read rows {}..{} of column {}: the file is truncated or damaged", name, first, first + n - 1,
           quote_for_message(column.name));
    for (int64_t i = 0; i < n; ++i) {
      const auto r = static_cast<size_t>(i);
      col.missing[r] = col.missing[r] != 0;
      if (!is_discrete(column.kind)) continue;
      if (col.missing[r]) {
        col.ints[r] = -1;
      } else if (col.ints[r] < 0 || col.ints[r] >= static_cast<int64_t>(column.categories.size())) {
        fail("{}: row {} of column {} holds code {}, but the column has {} categories (damaged file?)", name,
             first + i, quote_for_message(column.name), col.ints[r], column.categories.size());
      }
    }
  }
}

void TableReader::Impl::read_matrix(int64_t first, int64_t n, Table& dst) {
  const int64_t cols = matrix->cols();
  if (buffer.rows() < n) buffer = Tensor(n, cols);
  matrix->read(first, n, buffer.data());
  denormalize_rows(matrix->meta().schema.normalization, buffer.data(), n, cols);
  resize_rows(dst, n);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const float v = buffer.row(r)[c];
      if (holds_reals(meta.schema.columns[static_cast<size_t>(c)].kind)) {
        dst.columns[static_cast<size_t>(c)].reals[static_cast<size_t>(r)] = v;  // NaN stays a value
      } else {
        set_number(dst, c, r, v);
      }
    }
}

TableReader::TableReader(const DataRef& ref) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.ref = ref;
  d.name = ref.display();
  if (!ref.dataset_given && is_table_file(ref.path)) {
    d.typed = true;
    d.file = open_h5_read(ref.path);
    d.open_typed();
    return;
  }
  d.matrix = std::make_unique<DatasetReader>(ref);
  d.meta = d.matrix->meta();
  d.meta.schema.normalization = {};  // rows are given in data units
  d.rows = d.matrix->rows();
}

TableReader::~TableReader() = default;
TableReader::TableReader(TableReader&&) noexcept = default;
TableReader& TableReader::operator=(TableReader&&) noexcept = default;

int64_t TableReader::rows() const { return impl_->rows; }
int64_t TableReader::cols() const { return width(impl_->meta.schema); }
const DatasetMeta& TableReader::meta() const { return impl_->meta; }
const DataRef& TableReader::ref() const { return impl_->ref; }
bool TableReader::typed() const { return impl_->typed; }

void TableReader::read(int64_t first, int64_t n, Table& dst) {
  Impl& d = *impl_;
  GANTOOL_ASSERT(first >= 0 && n >= 0 && first + n <= d.rows);
  if (dst.columns.size() != d.meta.schema.columns.size()) dst = empty_table(d.meta.schema);
  dst.schema = d.meta.schema;
  if (d.typed) {
    d.read_typed(first, n, dst);
  } else {
    d.read_matrix(first, n, dst);
  }
}

Table TableReader::read_all() {
  const double bytes = static_cast<double>(rows()) * static_cast<double>(cols()) * 9.0;
  const double memory = physical_memory();
  if (memory > 0 && bytes > memory)
    fail("{}: {} rows × {} columns take about {:.1f} GB in memory, more than this machine's {:.1f} GB; use a part "
         "of it (gantool prepare --from {} --limit ROWS -o part.h5)",
         impl_->name, rows(), cols(), bytes / 1e9, memory / 1e9, impl_->name);
  Table all = empty_table(meta().schema);
  read(0, rows(), all);
  return all;
}

}  // namespace gantool
