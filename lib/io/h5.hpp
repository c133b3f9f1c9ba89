// Thin checked wrappers over HDF5's C API: one move-only owner per handle, one function per
// call that throws a readable Error instead of printing HDF5's error stack.
// Internal to lib/io: nothing outside io/ includes hdf5.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <hdf5.h>

#include "io/dataset_file.hpp"

namespace gantool {

// Owns one HDF5 identifier and closes it with the matching H5?close.
class H5Id {
 public:
  H5Id() = default;
  H5Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Id() { reset(); }
  H5Id(H5Id&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  H5Id& operator=(H5Id&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      close_ = other.close_;
      other.id_ = -1;
    }
    return *this;
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Switches off HDF5's own error printing (once per process); every wrapper calls it.
void init_hdf5();

// Opens an existing file read-only; throws Error for a missing file, a file that is not
// HDF5, or one that is truncated or damaged, naming the path.
H5Id open_h5_read(const std::string& path);

// Creates (truncates) the file at `path` for writing; errors name `name` (the output a user
// asked for, when `path` is its temporary). Its attributes may be of any size (dense
// attribute storage, HDF5 1.8's format). Its writes go through a driver that remembers the
// first failed write (e.g. a full disk) instead of failing HDF5's call, so that closing it
// never fails: a failed H5Fclose leaves a dangling identifier that crashes HDF5 at exit.
// check_written() and close_h5() report the remembered failure.
H5Id create_h5(const std::string& path, const std::string& name);

// Throws Error when a write to the file of `loc` (made by create_h5) has failed, naming the
// output: "out.h5: cannot write: no space left on device (disk full); ...".
void check_written(hid_t loc);

// Throws the Error for a failed HDF5 call `what` ("write dataset 'weights'") on the file of
// `loc`: a remembered write failure first, else naming the output and `what`.
[[noreturn]] void fail_write(hid_t loc, const std::string& what);

// Flushes and closes a file made by create_h5, then throws as check_written() does.
void close_h5(H5Id& file);

// True when the HDF5 library may be called from several threads at once (Debian's build
// is; a build without --enable-threadsafe is not).
bool hdf5_is_threadsafe();

// True when every link along `path` (e.g. "/normalization/shift") exists.
bool h5_exists(hid_t loc, const std::string& path);

// Opens a group or dataset; throws Error naming `what` when it fails.
H5Id open_group(hid_t loc, const std::string& path, const std::string& what);
H5Id open_dataset(hid_t loc, const std::string& path, const std::string& what);

// When the link `path` is a soft or external link to nothing: "a dangling link to '/x'"
// (or "... to '/x' in other.h5"); otherwise empty.
std::string dangling_link(hid_t loc, const std::string& path);

// Creates a group whose creation time is not recorded (so equal inputs give equal bytes).
H5Id create_group(hid_t loc, const std::string& name);

// Attributes: scalar string, number, and lists of strings.
void write_attr(hid_t obj, const std::string& name, const std::string& value);
void write_attr(hid_t obj, const std::string& name, double value);
void write_attr(hid_t obj, const std::string& name, int64_t value);
void write_attr(hid_t obj, const std::string& name, uint64_t value);
void write_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values);
std::optional<std::string> read_string_attr(hid_t obj, const std::string& name);
std::optional<double> read_number_attr(hid_t obj, const std::string& name);
std::optional<uint64_t> read_uint_attr(hid_t obj, const std::string& name);
std::optional<std::vector<std::string>> read_strings_attr(hid_t obj, const std::string& name);
// Every attribute of obj by name, numbers and strings rendered as text.
std::vector<std::pair<std::string, std::string>> read_all_attrs(hid_t obj);

// A float32 array dataset of the given shape (rank 1 when cols is 0), stored exactly.
void write_floats(hid_t loc, const std::string& name, const float* values, int64_t rows, int64_t cols = 0);
// Reads the float dataset `name` of exactly the shape (rows, cols) (rank 1 when cols is 0)
// into dst; throws Error naming `what` (the file) and the dataset's path when it is
// missing, of another shape, not of a float type or holds a value that is not finite.
void read_floats(hid_t loc, const std::string& name, float* dst, int64_t rows, int64_t cols,
                 const std::string& what);

// The same for any shape (rank 1 to 4): the shape of a net's parameter view.
void write_floats(hid_t loc, const std::string& name, const float* values, const std::vector<int64_t>& shape);
void read_floats(hid_t loc, const std::string& name, float* dst, const std::vector<int64_t>& shape,
                 const std::string& what);

// The shape of dataset `name` (empty for a scalar); throws Error naming `what` when it is
// missing.
std::vector<int64_t> dataset_shape(hid_t loc, const std::string& name, const std::string& what);

// The full path of an object, e.g. "/generator/layer0/weights".
std::string object_path(hid_t loc, const std::string& name);

// Integer-list attributes (e.g. layer widths).
void write_attr(hid_t obj, const std::string& name, const std::vector<int64_t>& values);
std::optional<std::vector<int64_t>> read_ints_attr(hid_t obj, const std::string& name);

// A small float64 array dataset of the given shape (rank 1 when cols is 0).
void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& values,
                   int64_t rows, int64_t cols = 0);
// Reads a whole numeric dataset as doubles; its shape into rows/cols (cols 1 for rank 1).
// Throws Error naming `what` (the file) and the dataset when it cannot.
std::vector<double> read_doubles(hid_t loc, const std::string& name, int64_t& rows, int64_t& cols,
                                 const std::string& what);

// Throws Error naming `what` when a dataset declares more rows than its storage holds (a
// chunked dataset missing chunks, a contiguous one never written): "declares N rows but
// holds data for only M; the file is incomplete or damaged".
void check_stored(hid_t dataset, const std::string& what);

// The type of a numeric dataset as a short name: "float32", "int64", "uint8", ...; or a
// description such as "string" for non-numeric types.
std::string type_name(hid_t type);

// A dataset file's root attributes of provenance (gantool_version, command, source, seed),
// read into meta; and written with the format marker, `format_version` and meta.attributes.
// Both file layouts (numeric matrix, typed table) share them.
void read_root_meta(hid_t file, DatasetMeta& meta);
void write_root_meta(hid_t root, const DatasetMeta& meta, int64_t format_version);

// Every dataset in the file (depth first), with its shape and type name.
std::vector<DatasetEntry> list_datasets(hid_t file);

}  // namespace gantool
