// Checked HDF5 calls. Every failure becomes an Error whose message names the object.
#include "io/h5.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/error.hpp"

namespace gantool {

namespace {

// A variable-length UTF-8 string type, as h5py writes str attributes.
H5Id vlen_string_type() {
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

H5Id untimed_plist(hid_t cls) {
  H5Id plist(H5Pcreate(cls), H5Pclose);
  H5Pset_obj_track_times(plist.get(), false);
  return plist;
}

void check(herr_t status, const std::string& what) {
  if (status < 0) fail("HDF5 failed to {}", what);
}

// Replaces an existing attribute of the same name, then creates it.
H5Id create_attr(hid_t obj, const std::string& name, hid_t type, hid_t space) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  H5Id attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr) fail("HDF5 failed to create attribute '{}'", name);
  return attr;
}

H5Id open_attr(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return {};
  return H5Id(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
}

// Reads the strings of a string attribute (scalar or 1-D, fixed or variable length).
std::optional<std::vector<std::string>> read_strings(hid_t attr) {
  H5Id type(H5Aget_type(attr), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
  H5Id space(H5Aget_space(attr), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) return std::nullopt;
  std::vector<std::string> out;
  if (H5Tis_variable_str(type.get()) > 0) {
    H5Id mem = vlen_string_type();
    std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
    if (H5Aread(attr, mem.get(), ptrs.data()) < 0) return std::nullopt;
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const size_t size = H5Tget_size(type.get());
    H5Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), size);
    std::vector<char> buffer(size * static_cast<size_t>(n) + 1, '\0');
    if (H5Aread(attr, mem.get(), buffer.data()) < 0) return std::nullopt;
    for (hssize_t i = 0; i < n; ++i) {
      const char* p = buffer.data() + i * size;
      out.emplace_back(p, strnlen(p, size));
    }
  }
  return out;
}

std::string render_attr(hid_t attr) {
  if (auto strings = read_strings(attr)) {
    if (strings->size() == 1) return (*strings)[0];
    return fmt::format("[{}]", fmt::join(*strings, ", "));
  }
  H5Id type(H5Aget_type(attr), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return "(" + type_name(type.get()) + ")";
  H5Id space(H5Aget_space(attr), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<double> values(static_cast<size_t>(std::max<hssize_t>(n, 0)));
  if (H5Aread(attr, H5T_NATIVE_DOUBLE, values.data()) < 0) return "(unreadable)";
  if (values.size() == 1) return fmt::format("{}", values[0]);
  return fmt::format("[{}]", fmt::join(values, ", "));
}

}  // namespace

void init_hdf5() {
  // HDF5's error-printing switch is per thread in its thread-safe build (Debian's).
  thread_local bool done = false;
  if (!done) H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), done = true;
}

H5Id open_h5_read(const std::string& path) {
  init_hdf5();
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) fail("{}: no such file", path);
  if (fs::is_directory(path, ec)) fail("{}: is a folder, not an HDF5 file", path);
  if (!std::ifstream(path).good()) fail("{}: cannot read the file (permission denied?)", path);
  if (H5Fis_hdf5(path.c_str()) <= 0)
    fail("{}: not an HDF5 file (for CSV, import it with 'gantool prepare --from {}')", path, path);
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file) fail("{}: cannot open: the HDF5 file is truncated or damaged", path);
  return file;
}

H5Id create_h5(const std::string& path, const std::string& name) {
  init_hdf5();
  errno = 0;
  H5Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file) fail("{}: cannot write{}", name, errno ? std::string(": ") + std::strerror(errno) : std::string());
  return file;
}

bool hdf5_is_threadsafe() {
  hbool_t safe = false;
  return H5is_library_threadsafe(&safe) >= 0 && safe;
}

bool h5_exists(hid_t loc, const std::string& path) {
  // Check each link along the path: H5Lexists fails on a missing intermediate group.
  size_t pos = path[0] == '/' ? 1 : 0;
  while (true) {
    const size_t slash = path.find('/', pos);
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && prefix != "/" && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0)
      return false;
    if (slash == std::string::npos) return true;
    pos = slash + 1;
  }
}

H5Id open_group(hid_t loc, const std::string& path, const std::string& what) {
  H5Id group(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group) fail("{}: cannot open group '{}'", what, path);
  return group;
}

H5Id open_dataset(hid_t loc, const std::string& path, const std::string& what) {
  H5Id dataset(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset) fail("{}: cannot open dataset '{}'", what, path);
  return dataset;
}

H5Id create_group(hid_t loc, const std::string& name) {
  H5Id gcpl = untimed_plist(H5P_GROUP_CREATE);
  H5Id group(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
  if (!group) fail("HDF5 failed to create group '{}'", name);
  return group;
}

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  H5Id type = vlen_string_type();
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, type.get(), space.get());
  const char* p = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &p), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, double value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_IEEE_F64LE, space.get());
  check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, int64_t value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_STD_I64LE, space.get());
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, uint64_t value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_STD_U64LE, space.get());
  check(H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  H5Id type = vlen_string_type();
  const hsize_t n = values.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Id attr = create_attr(obj, name, type.get(), space.get());
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(H5Awrite(attr.get(), type.get(), ptrs.data()), "write attribute " + name);
}

std::optional<std::string> read_string_attr(hid_t obj, const std::string& name) {
  H5Id attr = open_attr(obj, name);
  if (!attr) return std::nullopt;
  auto strings = read_strings(attr.get());
  if (!strings || strings->size() != 1) return std::nullopt;
  return (*strings)[0];
}

std::optional<double> read_number_attr(hid_t obj, const std::string& name) {
  H5Id attr = open_attr(obj, name);
  if (!attr) return std::nullopt;
  H5Id type(H5Aget_type(attr.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  H5Id space(H5Aget_space(attr.get()), H5Sclose);
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(space.get()) != 1)
    return std::nullopt;
  double value = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) return std::nullopt;
  return value;
}

std::optional<uint64_t> read_uint_attr(hid_t obj, const std::string& name) {
  H5Id attr = open_attr(obj, name);
  if (!attr) return std::nullopt;
  H5Id type(H5Aget_type(attr.get()), H5Tclose);
  H5Id space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Sget_simple_extent_npoints(space.get()) != 1)
    return std::nullopt;
  uint64_t value = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_UINT64, &value) < 0) return std::nullopt;
  return value;
}

std::optional<std::vector<std::string>> read_strings_attr(hid_t obj, const std::string& name) {
  H5Id attr = open_attr(obj, name);
  if (!attr) return std::nullopt;
  return read_strings(attr.get());
}

std::vector<std::pair<std::string, std::string>> read_all_attrs(hid_t obj) {
  std::vector<std::pair<std::string, std::string>> out;
  const int n = H5Aget_num_attrs(obj);
  for (int i = 0; i < n; ++i) {
    H5Id attr(H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, static_cast<hsize_t>(i),
                             H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
    if (!attr) continue;
    char name[256] = {0};
    H5Aget_name(attr.get(), sizeof name, name);
    out.emplace_back(name, render_attr(attr.get()));
  }
  return out;
}

void write_floats(hid_t loc, const std::string& name, const float* values, int64_t rows, int64_t cols) {
  const hsize_t dims[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
  H5Id space(H5Screate_simple(cols > 0 ? 2 : 1, dims, nullptr), H5Sclose);
  H5Id dcpl = untimed_plist(H5P_DATASET_CREATE);
  H5Id dataset(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
               H5Dclose);
  if (!dataset) fail("HDF5 failed to create dataset '{}'", name);
  if (rows > 0 && H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
    fail("HDF5 failed to write dataset '{}'", name);
}

void read_floats(hid_t loc, const std::string& name, float* dst, int64_t count, const std::string& what) {
  H5Id dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset) fail("{}: missing dataset '{}'", what, name);
  H5Id space(H5Dget_space(dataset.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != count)
    fail("{}: dataset '{}' has {} values, expected {}", what, name, H5Sget_simple_extent_npoints(space.get()), count);
  if (count > 0 && H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0)
    fail("{}: cannot read dataset '{}' (truncated or damaged file?)", what, name);
}

void write_attr(hid_t obj, const std::string& name, const std::vector<int64_t>& values) {
  const hsize_t n = values.size();
  H5Id space(n ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_NULL), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_STD_I64LE, space.get());
  if (n) check(H5Awrite(attr.get(), H5T_NATIVE_INT64, values.data()), "write attribute " + name);
}

std::optional<std::vector<int64_t>> read_ints_attr(hid_t obj, const std::string& name) {
  H5Id attr = open_attr(obj, name);
  if (!attr) return std::nullopt;
  H5Id type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_INTEGER) return std::nullopt;
  H5Id space(H5Aget_space(attr.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<int64_t> values(static_cast<size_t>(std::max<hssize_t>(n, 0)));
  if (n > 0 && H5Aread(attr.get(), H5T_NATIVE_INT64, values.data()) < 0) return std::nullopt;
  return values;
}

void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& values,
                   int64_t rows, int64_t cols) {
  const hsize_t dims[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
  H5Id space(H5Screate_simple(cols > 0 ? 2 : 1, dims, nullptr), H5Sclose);
  H5Id dcpl = untimed_plist(H5P_DATASET_CREATE);
  H5Id dataset(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                          dcpl.get(), H5P_DEFAULT),
               H5Dclose);
  if (!dataset) fail("HDF5 failed to create dataset '{}'", name);
  if (!values.empty())
    check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "write dataset " + name);
}

std::vector<double> read_doubles(hid_t loc, const std::string& name, int64_t& rows, int64_t& cols) {
  H5Id dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset) fail("cannot open dataset '{}'", name);
  H5Id space(H5Dget_space(dataset.get()), H5Sclose);
  hsize_t dims[2] = {0, 1};
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1 || rank > 2) fail("dataset '{}' has rank {}, expected 1 or 2", name, rank);
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  rows = static_cast<int64_t>(dims[0]);
  cols = rank == 2 ? static_cast<int64_t>(dims[1]) : 1;
  std::vector<double> values(static_cast<size_t>(rows * cols));
  if (!values.empty() &&
      H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail("cannot read dataset '{}' (truncated or damaged file?)", name);
  return values;
}

std::string type_name(hid_t type) {
  const size_t bits = H5Tget_size(type) * 8;
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      return fmt::format("float{}", bits);
    case H5T_INTEGER:
      return fmt::format("{}int{}", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", bits);
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    case H5T_ENUM:
      return "enum";
    case H5T_ARRAY:
      return "array";
    case H5T_VLEN:
      return "variable-length";
    default:
      return "opaque";
  }
}

std::vector<DatasetEntry> list_datasets(hid_t file) {
  std::vector<DatasetEntry> out;
  auto visit = [](hid_t group, const char* name, const H5L_info_t*, void* data) -> herr_t {
    auto& entries = *static_cast<std::vector<DatasetEntry>*>(data);
    H5Id obj(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
    if (!obj || H5Iget_type(obj.get()) != H5I_DATASET) return 0;
    DatasetEntry entry;
    entry.path = std::string("/") + name;
    H5Id space(H5Dget_space(obj.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    for (hsize_t d : dims) entry.shape.push_back(static_cast<int64_t>(d));
    H5Id type(H5Dget_type(obj.get()), H5Tclose);
    entry.type = type_name(type.get());
    entries.push_back(std::move(entry));
    return 0;
  };
  H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &out);
  return out;
}

}  // namespace gantool
