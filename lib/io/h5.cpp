// Checked HDF5 calls. Every failure becomes an Error whose message names the object.
#include "io/h5.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include <H5FDsec2.h>

#include "core/error.hpp"
#include "core/tempfile.hpp"

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

// ---- outputs: HDF5's POSIX driver (sec2), remembering failed writes -----------------
//
// HDF5 1.10 frees a file's state when H5Fclose fails (as it does when its last flush hits a
// full disk) but keeps its identifier, and the library's exit handler then closes it again
// and crashes. So outputs are written through a copy of the sec2 driver whose write,
// truncate and close report success to HDF5 and remember the first failure instead; once a
// write failed, later ones are skipped (the output is lost anyway), and every HDF5 call,
// H5Fclose included, succeeds. The remembered errno makes the message.

struct Output {
  std::string name;  // the output a user asked for (the file HDF5 writes is its temporary)
  int error = 0;     // errno of the first failed write; 0 if none
};
std::mutex g_outputs_mutex;
std::map<std::string, Output> g_outputs;              // by the path HDF5 was given
std::map<const H5FD_t*, std::string> g_output_files;  // the driver's open files: their path
const H5FD_class_t* g_sec2 = nullptr;
H5FD_class_t g_checked_sec2;

int failed_write(const H5FD_t* file) {
  std::lock_guard lock(g_outputs_mutex);
  const auto it = g_output_files.find(file);
  return it == g_output_files.end() ? 0 : g_outputs[it->second].error;
}

void remember_failure(const H5FD_t* file, int error) {
  std::lock_guard lock(g_outputs_mutex);
  const auto it = g_output_files.find(file);
  if (it == g_output_files.end()) return;
  Output& out = g_outputs[it->second];
  if (out.error == 0) out.error = error != 0 ? error : EIO;
}

H5FD_t* checked_open(const char* name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
  H5FD_t* file = g_sec2->open(name, flags, fapl, maxaddr);
  if (file) {
    std::lock_guard lock(g_outputs_mutex);
    g_output_files[file] = name;
  }
  return file;
}

herr_t checked_write(H5FD_t* file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void* buffer) {
  if (failed_write(file)) return 0;
  errno = 0;
  if (g_sec2->write(file, type, dxpl, addr, size, buffer) < 0) remember_failure(file, errno);
  return 0;
}

herr_t checked_truncate(H5FD_t* file, hid_t dxpl, hbool_t closing) {
  if (failed_write(file)) return 0;
  errno = 0;
  if (g_sec2->truncate(file, dxpl, closing) < 0) remember_failure(file, errno);
  return 0;
}

herr_t checked_close(H5FD_t* file) {
  errno = 0;
  if (g_sec2->close(file) < 0) remember_failure(file, errno);  // sec2 then leaks its record: harmless
  std::lock_guard lock(g_outputs_mutex);
  g_output_files.erase(file);
  return 0;
}

// The identifier of the checked driver, registered on first use.
hid_t checked_driver() {
  static const hid_t id = [] {
    // HDF5 hands out a driver's callbacks only through an open file: open /dev/null.
    H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    H5Pset_fapl_sec2(fapl.get());
    H5FD_t* probe = H5FDopen("/dev/null", H5F_ACC_RDONLY, fapl.get(), HADDR_UNDEF);
    if (!probe) fail("HDF5 cannot open files with its POSIX driver");
    g_sec2 = probe->cls;
    H5FDclose(probe);
    g_checked_sec2 = *g_sec2;
    g_checked_sec2.name = "gantool_sec2";
    g_checked_sec2.terminate = nullptr;  // sec2's own would forget sec2's registration
    g_checked_sec2.open = checked_open;
    g_checked_sec2.write = checked_write;
    g_checked_sec2.truncate = checked_truncate;
    g_checked_sec2.close = checked_close;
    return H5FDregister(&g_checked_sec2);
  }();
  if (id < 0) fail("HDF5 cannot register gantool's output driver");
  return id;
}

// The path HDF5 was given for the file of `loc`, or "" when it has none.
std::string file_path(hid_t loc) {
  const ssize_t n = H5Fget_name(loc, nullptr, 0);
  if (n <= 0) return {};
  std::string path(static_cast<size_t>(n), '\0');
  H5Fget_name(loc, path.data(), path.size() + 1);
  return path;
}

// The output of `loc`'s file as create_h5 registered it (name = path when unregistered).
Output output_of(hid_t loc) {
  const std::string path = file_path(loc);
  std::lock_guard lock(g_outputs_mutex);
  const auto it = g_outputs.find(path);
  return it == g_outputs.end() ? Output{path, 0} : it->second;
}

void check(hid_t loc, herr_t status, const std::string& what) {
  if (status < 0) fail_write(loc, what);
  check_written(loc);
}

// Replaces an existing attribute of the same name, then creates it.
H5Id create_attr(hid_t obj, const std::string& name, hid_t type, hid_t space) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  H5Id attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr) fail_write(obj, fmt::format("create attribute '{}'", name));
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
  if (n == 0) return out;  // an empty list (a null dataspace)
  if (H5Tis_variable_str(type.get()) > 0) {
    H5Id mem = vlen_string_type();
    std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
    const bool read = H5Aread(attr, mem.get(), ptrs.data()) >= 0;
    if (read)
      for (char* p : ptrs) out.emplace_back(p ? p : "");
    // Also after a failed read: the strings HDF5 allocated before the failure.
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    if (!read) return std::nullopt;
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
  // HDF5's exit handler closes every identifier still open, and crashes on one whose close
  // failed before (HDF5 1.10 freed its state but kept the identifier). Outputs close
  // without failing (the checked driver above); this makes sure that no other file can
  // turn an error into a crash. Every handle is closed by its owner, so the handler has
  // nothing to do. It only works before HDF5's first call: init_hdf5 is the first.
  static const bool no_exit_handler = (H5dont_atexit(), true);
  (void)no_exit_handler;
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
  note_input_file(path);
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file) fail("{}: cannot open: the HDF5 file is truncated or damaged", path);
  return file;
}

H5Id create_h5(const std::string& path, const std::string& name) {
  init_hdf5();
  H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_driver(fapl.get(), checked_driver(), nullptr);
  // HDF5 1.8's object headers keep an attribute too large for the header (the column names
  // of more than 4,091 columns) in dense storage; readers see the same attribute.
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  {
    std::lock_guard lock(g_outputs_mutex);
    g_outputs[path] = Output{name, 0};
  }
  errno = 0;
  // The root group records no times either: in the 1.8 format its header would hold them,
  // and the same command must give the same bytes.
  H5Id fcpl = untimed_plist(H5P_FILE_CREATE);
  H5Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose);
  if (!file) {
    const int error = errno;
    std::lock_guard lock(g_outputs_mutex);
    g_outputs.erase(path);
    if (error != 0) throw Error(write_error_message(name, error));
    fail("{}: cannot write", name);
  }
  return file;
}

void check_written(hid_t loc) {
  const Output out = output_of(loc);
  if (out.error != 0) throw Error(write_error_message(out.name, out.error));
}

void fail_write(hid_t loc, const std::string& what) {
  check_written(loc);
  fail("{}: cannot write: HDF5 failed to {}", output_of(loc).name, what);
}

void close_h5(H5Id& file) {
  const std::string path = file_path(file.get());
  const bool flushed = H5Fflush(file.get(), H5F_SCOPE_GLOBAL) >= 0;
  file.reset();  // cannot fail on a write: the driver remembered it
  Output out;
  {
    std::lock_guard lock(g_outputs_mutex);
    const auto it = g_outputs.find(path);
    if (it != g_outputs.end()) out = it->second, g_outputs.erase(it);
  }
  if (out.error != 0) throw Error(write_error_message(out.name, out.error));
  if (!flushed) fail("{}: cannot write: HDF5 failed to flush the file", out.name.empty() ? path : out.name);
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

std::string dangling_link(hid_t loc, const std::string& path) {
  H5L_info_t info;
  if (H5Lget_info(loc, path.c_str(), &info, H5P_DEFAULT) < 0 || info.type == H5L_TYPE_HARD) return {};
  if (H5Oexists_by_name(loc, path.c_str(), H5P_DEFAULT) > 0) return {};
  std::vector<char> value(info.u.val_size + 1, '\0');
  if (H5Lget_val(loc, path.c_str(), value.data(), value.size(), H5P_DEFAULT) < 0) return "a dangling link";
  if (info.type == H5L_TYPE_SOFT) return fmt::format("a dangling link to '{}'", value.data());
  unsigned flags = 0;
  const char *file = nullptr, *object = nullptr;
  if (info.type == H5L_TYPE_EXTERNAL &&
      H5Lunpack_elink_val(value.data(), info.u.val_size, &flags, &file, &object) >= 0)
    return fmt::format("a dangling external link to '{}' in {}", object, file);
  return "a dangling link";
}

H5Id create_group(hid_t loc, const std::string& name) {
  H5Id gcpl = untimed_plist(H5P_GROUP_CREATE);
  H5Id group(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
  if (!group) fail_write(loc, fmt::format("create group '{}'", name));
  check_written(loc);
  return group;
}

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  H5Id type = vlen_string_type();
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, type.get(), space.get());
  const char* p = value.c_str();
  check(obj, H5Awrite(attr.get(), type.get(), &p), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, double value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_IEEE_F64LE, space.get());
  check(obj, H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, int64_t value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_STD_I64LE, space.get());
  check(obj, H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, uint64_t value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_STD_U64LE, space.get());
  check(obj, H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  H5Id type = vlen_string_type();
  const hsize_t n = values.size();
  H5Id space(n ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_NULL), H5Sclose);  // as for int lists
  H5Id attr = create_attr(obj, name, type.get(), space.get());
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n) check(obj, H5Awrite(attr.get(), type.get(), ptrs.data()), "write attribute " + name);
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

void write_floats(hid_t loc, const std::string& name, const float* values, const std::vector<int64_t>& shape) {
  GANTOOL_ASSERT(!shape.empty() && shape.size() <= 4);
  hsize_t dims[4] = {};
  int64_t count = 1;
  for (size_t i = 0; i < shape.size(); ++i) dims[i] = static_cast<hsize_t>(shape[i]), count *= shape[i];
  H5Id space(H5Screate_simple(static_cast<int>(shape.size()), dims, nullptr), H5Sclose);
  H5Id dcpl = untimed_plist(H5P_DATASET_CREATE);
  H5Id dataset(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
               H5Dclose);
  if (!dataset) fail_write(loc, fmt::format("create dataset '{}'", name));
  check(loc, count > 0 ? H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) : 0,
        fmt::format("write dataset '{}'", name));
}

void write_floats(hid_t loc, const std::string& name, const float* values, int64_t rows, int64_t cols) {
  write_floats(loc, name, values, cols > 0 ? std::vector<int64_t>{rows, cols} : std::vector<int64_t>{rows});
}

std::string object_path(hid_t loc, const std::string& name) {
  const ssize_t n = H5Iget_name(loc, nullptr, 0);
  std::string path(static_cast<size_t>(std::max<ssize_t>(n, 0)), '\0');
  if (n > 0) H5Iget_name(loc, path.data(), path.size() + 1);
  if (path.empty() || path.back() != '/') path += '/';
  return path + name;
}

std::vector<int64_t> dataset_shape(hid_t loc, const std::string& name, const std::string& what) {
  H5Id dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset)
    fail("{}: {} is missing (damaged file, or not written by gantool)", what, object_path(loc, name));
  H5Id space(H5Dget_space(dataset.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<int64_t>(dims.begin(), dims.end());
}

void read_floats(hid_t loc, const std::string& name, float* dst, const std::vector<int64_t>& expected,
                 const std::string& what) {
  const std::string path = object_path(loc, name);
  const std::vector<int64_t> shape = dataset_shape(loc, name, what);
  if (shape != expected)
    fail("{}: {} has shape ({}), expected ({}) (damaged file, or not written by gantool)", what, path,
         fmt::join(shape, ", "), fmt::join(expected, ", "));
  H5Id dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  H5Id type(H5Dget_type(dataset.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_FLOAT)
    fail("{}: {} holds {} values, expected float32 (damaged file, or not written by gantool)", what, path,
         type_name(type.get()));
  int64_t count = 1;
  for (int64_t d : expected) count *= d;
  if (count > 0 && H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0)
    fail("{}: cannot read {} (truncated or damaged file?)", what, path);
  for (int64_t i = 0; i < count; ++i)
    if (!std::isfinite(dst[i]))
      fail("{}: {} holds {} at index {}, a value that is not finite (damaged file, or not written by gantool)",
           what, path, dst[i], i);
}

void read_floats(hid_t loc, const std::string& name, float* dst, int64_t rows, int64_t cols,
                 const std::string& what) {
  read_floats(loc, name, dst, cols > 0 ? std::vector<int64_t>{rows, cols} : std::vector<int64_t>{rows}, what);
}

void write_attr(hid_t obj, const std::string& name, const std::vector<int64_t>& values) {
  const hsize_t n = values.size();
  H5Id space(n ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_NULL), H5Sclose);
  H5Id attr = create_attr(obj, name, H5T_STD_I64LE, space.get());
  if (n) check(obj, H5Awrite(attr.get(), H5T_NATIVE_INT64, values.data()), "write attribute " + name);
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
  if (!dataset) fail_write(loc, fmt::format("create dataset '{}'", name));
  check(loc,
        values.empty() ? 0 : H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        fmt::format("write dataset '{}'", name));
}

std::vector<double> read_doubles(hid_t loc, const std::string& name, int64_t& rows, int64_t& cols,
                                 const std::string& what) {
  const std::string path = object_path(loc, name);
  H5Id dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset) fail("{}: cannot open {} (damaged file, or not written by gantool)", what, path);
  H5Id space(H5Dget_space(dataset.get()), H5Sclose);
  hsize_t dims[2] = {0, 1};
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1 || rank > 2)
    fail("{}: {} has rank {}, expected 1 or 2 (damaged file, or not written by gantool)", what, path, rank);
  H5Id type(H5Dget_type(dataset.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    fail("{}: {} holds {} values, not numbers (damaged file, or not written by gantool)", what, path,
         type_name(type.get()));
  check_stored(dataset.get(), what + ":" + path);
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  // These arrays are small (modes, shifts and scales, the history): a damaged file must not
  // make gantool allocate what its shape claims (found by fuzzing).
  constexpr hsize_t kMaxValues = hsize_t{1} << 26;  // 512 MiB of float64
  if (dims[0] > kMaxValues || dims[1] > kMaxValues || dims[0] * dims[1] > kMaxValues)
    fail("{}: {} claims {} × {} values, more than gantool ever writes there (damaged file, or not written by gantool)",
         what, path, dims[0], rank == 2 ? dims[1] : 1);
  rows = static_cast<int64_t>(dims[0]);
  cols = rank == 2 ? static_cast<int64_t>(dims[1]) : 1;
  std::vector<double> values(static_cast<size_t>(rows * cols));
  if (!values.empty() &&
      H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail("{}: cannot read {} (truncated or damaged file?)", what, path);
  return values;
}

void check_stored(hid_t dataset, const std::string& what) {
  H5Id space(H5Dget_space(dataset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1) return;
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  for (hsize_t d : dims)
    if (d == 0) return;
  H5Id dcpl(H5Dget_create_plist(dataset), H5Pclose);
  hsize_t held = 0;  // rows the storage holds (at most)
  switch (H5Pget_layout(dcpl.get())) {
    case H5D_CONTIGUOUS:
      if (H5Dget_storage_size(dataset) > 0) return;
      break;
    case H5D_CHUNKED: {
      std::vector<hsize_t> chunk(static_cast<size_t>(rank));
      hsize_t chunks = 0;
      if (H5Pget_chunk(dcpl.get(), rank, chunk.data()) != rank ||
          H5Dget_num_chunks(dataset, space.get(), &chunks) < 0)
        return;  // cannot tell: the reads will
      hsize_t per_band = 1;  // chunks per band of chunk[0] rows
      for (int d = 1; d < rank; ++d) per_band *= (dims[d] + chunk[d] - 1) / chunk[d];
      const hsize_t bands = (dims[0] + chunk[0] - 1) / chunk[0];
      if (chunks >= bands * per_band) return;
      held = std::min(dims[0], chunks / per_band * chunk[0]);
      break;
    }
    default:
      return;  // compact: the data is in the header
  }
  if (held == 0)
    fail("{}: declares {} rows but holds data for none; the file is incomplete or damaged", what, dims[0]);
  fail("{}: declares {} rows but holds data for only {}; the file is incomplete or damaged", what, dims[0], held);
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
