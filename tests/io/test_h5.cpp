// Tests of io/h5, the checked HDF5 wrappers: handle ownership, opening and creating files
// (and their errors, which name the file), attribute and dataset round trips that keep
// every bit, the refusals of read_floats/read_doubles, incomplete datasets, links, type
// names, and files that record no times (equal inputs, equal bytes).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/h5.hpp"
#include "scratch.hpp"
#include "support/h5_raw.hpp"

using namespace gantool;
using gantool_test::write_raw_dataset;
namespace fs = std::filesystem;

namespace {

// The message of the Error that `f` throws, or "" when it throws none.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A new file made by create_h5, for tests that write into it and then close it.
struct Output {
  H5Id file;
  explicit Output(const std::string& path) : file(create_h5(path, path)) { REQUIRE(file); }
  hid_t get() const { return file.get(); }
  void close() { close_h5(file); }
};

// Bits of a float, to compare values such as -0.0 and NaN exactly.
uint32_t bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}
uint64_t bits(double v) {
  uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

// The creation time HDF5 recorded for the object at `path` (0 when none).
int64_t ctime_of(hid_t loc, const std::string& path) {
  H5O_info_t info;
  REQUIRE(H5Oget_info_by_name2(loc, path.c_str(), &info, H5O_INFO_TIME, H5P_DEFAULT) >= 0);
  return static_cast<int64_t>(info.ctime);
}

}  // namespace

TEST_CASE("H5Id owns one handle: moving hands it over, reset closes it", "[h5]") {
  init_hdf5();
  H5Id a(H5Screate(H5S_SCALAR), H5Sclose);
  REQUIRE(a);
  const hid_t id = a.get();
  CHECK(H5Iis_valid(id) > 0);

  H5Id b = std::move(a);
  CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): the moved-from handle is empty
  CHECK(b.get() == id);
  CHECK(H5Iis_valid(id) > 0);  // not closed by the move

  H5Id c;
  CHECK_FALSE(c);
  c = std::move(b);
  CHECK(c.get() == id);
  c.reset();
  CHECK_FALSE(c);
  CHECK(H5Iis_valid(id) <= 0);  // closed once, by its owner
  c.reset();                    // a second reset is harmless
}

TEST_CASE("init_hdf5 switches HDF5's own error printing off", "[h5]") {
  init_hdf5();
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  REQUIRE(H5Eget_auto2(H5E_DEFAULT, &func, &data) >= 0);
  CHECK(func == nullptr);
}

TEST_CASE("open_h5_read names the file and says what is wrong with it", "[h5]") {
  gantool_test::ScratchDir s("h5_open");
  CHECK(error_of([&] { open_h5_read(s / "none.h5"); }) == s / "none.h5" + ": no such file");
  fs::create_directories(s / "folder.h5");
  CHECK(error_of([&] { open_h5_read(s / "folder.h5"); }) == s / "folder.h5" + ": is a folder, not an HDF5 file");
  s.write("table.csv", "x,y\n1,2\n");
  CHECK(error_of([&] { open_h5_read(s / "table.csv"); }) ==
        fmt::format("{0}: not an HDF5 file (for CSV, import it with 'gantool prepare --from {0}')", s / "table.csv"));
  s.write("empty.h5", "");
  CHECK_THAT(error_of([&] { open_h5_read(s / "empty.h5"); }), Catch::StartsWith(s / "empty.h5" + ": not an HDF5 file"));

  // A good file opens; the same file cut short is refused as truncated.
  {
    Output out(s / "good.h5");
    const std::vector<float> values(4096, 1.5f);
    write_floats(out.get(), "x", values.data(), 4096);
    out.close();
  }
  CHECK(open_h5_read(s / "good.h5"));
  const std::string bytes = s.read("good.h5");
  s.write("cut.h5", bytes.substr(0, bytes.size() / 2));
  CHECK(error_of([&] { open_h5_read(s / "cut.h5"); }) ==
        s / "cut.h5" + ": cannot open: the HDF5 file is truncated or damaged");
}

TEST_CASE("create_h5 names the output it was given, not its temporary", "[h5]") {
  gantool_test::ScratchDir s("h5_create");
  // A folder that does not exist: the message names `name` and the reason.
  const std::string message = error_of([&] { create_h5(s / "no/such/dir/x.h5.tmp", "x.h5"); });
  CHECK(message == "x.h5: cannot write: no such file or directory");

  // A file written and closed reads back; close_h5 leaves the handle empty.
  H5Id file = create_h5(s / "out.h5.tmp", "out.h5");
  write_attr(file.get(), "note", std::string("hello"));
  check_written(file.get());  // nothing failed: no throw
  close_h5(file);
  CHECK_FALSE(file);
  H5Id in = open_h5_read(s / "out.h5.tmp");
  CHECK(read_string_attr(in.get(), "note") == "hello");

  // create_h5 truncates an existing file.
  in.reset();
  H5Id again = create_h5(s / "out.h5.tmp", "out.h5");
  close_h5(again);
  CHECK_FALSE(read_string_attr(open_h5_read(s / "out.h5.tmp").get(), "note"));
}

TEST_CASE("fail_write names the output and the HDF5 call that failed", "[h5]") {
  gantool_test::ScratchDir s("h5_fail_write");
  H5Id file = create_h5(s / "model.h5.tmp", "model.h5");
  CHECK(error_of([&] { fail_write(file.get(), "write dataset 'weights'"); }) ==
        "model.h5: cannot write: HDF5 failed to write dataset 'weights'");
  // A group that cannot be made (its name is taken) fails the same way.
  create_group(file.get(), "g");
  CHECK(error_of([&] { create_group(file.get(), "g"); }) == "model.h5: cannot write: HDF5 failed to create group 'g'");
  close_h5(file);
}

TEST_CASE("a failed write is remembered and reported by check_written and close_h5", "[h5]") {
  // /dev/full accepts the open and fails every write with ENOSPC, like a full disk.
  if (!fs::exists("/dev/full")) SUCCEED("no /dev/full here");
  else {
    H5Id file = create_h5("/dev/full", "full.h5");
    REQUIRE(file);
    std::vector<float> values(1 << 16, 2.0f);  // more than HDF5's metadata cache holds back
    const std::string expected = "full.h5: cannot write: no space left on device (disk full); free some space and run again";
    std::string message = error_of([&] {
      write_floats(file.get(), "x", values.data(), static_cast<int64_t>(values.size()));
      check_written(file.get());
    });
    if (message.empty()) {
      // The write was held back in HDF5's caches: the flush of close_h5 fails.
      message = error_of([&] { close_h5(file); });
    } else {
      CHECK(error_of([&] { close_h5(file); }) == expected);  // closing reports it again
    }
    CHECK(message == expected);
    CHECK_FALSE(file);  // closed all the same, without a crash
  }
}

TEST_CASE("string and number attributes read back exactly", "[h5]") {
  gantool_test::ScratchDir s("h5_attrs");
  Output out(s / "a.h5");
  const hid_t f = out.get();
  write_attr(f, "text", std::string("größe, \"quoted\"\n"));
  write_attr(f, "empty", std::string());
  write_attr(f, "double", -0.0);
  write_attr(f, "tiny", 4.9406564584124654e-324);  // the smallest subnormal double
  write_attr(f, "third", 1.0 / 3.0);
  write_attr(f, "int", int64_t{-9007199254740993});  // not representable as a double
  write_attr(f, "uint", std::numeric_limits<uint64_t>::max());
  write_attr(f, "names", std::vector<std::string>{"x", "", "ä b"});
  write_attr(f, "widths", std::vector<int64_t>{128, -1, 0});
  write_attr(f, "no_widths", std::vector<int64_t>{});
  write_attr(f, "no_names", std::vector<std::string>{});
  out.close();

  H5Id in = open_h5_read(s / "a.h5");
  const hid_t r = in.get();
  CHECK(read_string_attr(r, "text") == "größe, \"quoted\"\n");
  CHECK(read_string_attr(r, "empty") == "");
  CHECK(bits(read_number_attr(r, "double").value()) == bits(-0.0));
  CHECK(bits(read_number_attr(r, "tiny").value()) == bits(4.9406564584124654e-324));
  CHECK(bits(read_number_attr(r, "third").value()) == bits(1.0 / 3.0));
  CHECK(read_ints_attr(r, "int") == std::vector<int64_t>{-9007199254740993});
  CHECK(read_uint_attr(r, "uint") == std::numeric_limits<uint64_t>::max());
  CHECK(read_number_attr(r, "uint") == 18446744073709551616.0);  // an integer reads as a number too
  CHECK(read_strings_attr(r, "names") == std::vector<std::string>{"x", "", "ä b"});
  CHECK(read_strings_attr(r, "text") == std::vector<std::string>{"größe, \"quoted\"\n"});
  CHECK(read_ints_attr(r, "widths") == std::vector<int64_t>{128, -1, 0});
  CHECK(read_ints_attr(r, "no_widths") == std::vector<int64_t>{});
  CHECK(read_strings_attr(r, "no_names") == std::vector<std::string>{});
}

TEST_CASE("attribute readers return nothing for a missing attribute or another type", "[h5]") {
  gantool_test::ScratchDir s("h5_attr_types");
  Output out(s / "a.h5");
  write_attr(out.get(), "text", std::string("7"));
  write_attr(out.get(), "real", 2.5);
  write_attr(out.get(), "list", std::vector<int64_t>{1, 2});
  write_attr(out.get(), "names", std::vector<std::string>{"a", "b"});
  out.close();

  H5Id in = open_h5_read(s / "a.h5");
  const hid_t r = in.get();
  CHECK_FALSE(read_string_attr(r, "missing"));
  CHECK_FALSE(read_number_attr(r, "missing"));
  CHECK_FALSE(read_uint_attr(r, "missing"));
  CHECK_FALSE(read_strings_attr(r, "missing"));
  CHECK_FALSE(read_ints_attr(r, "missing"));
  CHECK_FALSE(read_number_attr(r, "text"));    // a string is not a number, even "7"
  CHECK_FALSE(read_uint_attr(r, "real"));      // a float is not an integer
  CHECK_FALSE(read_number_attr(r, "list"));    // two numbers are not one
  CHECK_FALSE(read_uint_attr(r, "list"));
  CHECK_FALSE(read_string_attr(r, "names"));   // two strings are not one
  CHECK_FALSE(read_string_attr(r, "real"));
  CHECK_FALSE(read_strings_attr(r, "real"));
  CHECK_FALSE(read_ints_attr(r, "text"));
  CHECK(read_number_attr(r, "real") == 2.5);
}

TEST_CASE("write_attr replaces an attribute of the same name, also of another type", "[h5]") {
  gantool_test::ScratchDir s("h5_attr_replace");
  Output out(s / "a.h5");
  write_attr(out.get(), "x", std::string("first"));
  write_attr(out.get(), "x", std::string("second, longer than the first"));
  write_attr(out.get(), "y", std::string("text"));
  write_attr(out.get(), "y", int64_t{5});
  out.close();
  H5Id in = open_h5_read(s / "a.h5");
  CHECK(read_string_attr(in.get(), "x") == "second, longer than the first");
  CHECK(read_number_attr(in.get(), "y") == 5);
  CHECK_FALSE(read_string_attr(in.get(), "y"));
}

TEST_CASE("read_all_attrs renders every attribute as text, by name", "[h5]") {
  gantool_test::ScratchDir s("h5_all_attrs");
  Output out(s / "a.h5");
  H5Id group = create_group(out.get(), "g");
  for (const hid_t obj : {out.get(), group.get()}) {
    write_attr(obj, "b_text", std::string("hello"));
    write_attr(obj, "a_real", 1.5);
    write_attr(obj, "d_ints", std::vector<int64_t>{3, 4});
    write_attr(obj, "c_names", std::vector<std::string>{"x", "y"});
  }
  group.reset();
  out.close();
  H5Id in = open_h5_read(s / "a.h5");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a_real", "1.5"}, {"b_text", "hello"}, {"c_names", "[x, y]"}, {"d_ints", "[3, 4]"}};
  CHECK(read_all_attrs(open_group(in.get(), "/g", "a.h5").get()) == expected);
  CHECK(read_all_attrs(open_group(in.get(), "/", "a.h5").get()) == expected);
}

TEST_CASE("write_floats and read_floats keep every bit, at rank 1 and 2", "[h5]") {
  gantool_test::ScratchDir s("h5_floats");
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> values = {0.1f, -0.0f, std::numeric_limits<float>::denorm_min(),
                                     std::numeric_limits<float>::max(), -3e-38f, 1.0f};
  Output out(s / "f.h5");
  H5Id group = create_group(out.get(), "grp");
  write_floats(group.get(), "matrix", values.data(), 2, 3);
  write_floats(out.get(), "vector", values.data(), 6);
  write_floats(out.get(), "none", values.data(), 0);
  const std::vector<float> bad = {1.0f, std::nanf(""), inf};
  write_floats(out.get(), "bad", bad.data(), 3);  // stored exactly: only reading refuses it
  group.reset();
  out.close();

  H5Id in = open_h5_read(s / "f.h5");
  const hid_t r = in.get();
  std::vector<float> got(6, 7.0f);
  read_floats(r, "grp/matrix", got.data(), 2, 3, "f.h5");
  for (size_t i = 0; i < values.size(); ++i) CHECK(bits(got[i]) == bits(values[i]));
  std::fill(got.begin(), got.end(), 7.0f);
  read_floats(r, "vector", got.data(), 6, 0, "f.h5");
  for (size_t i = 0; i < values.size(); ++i) CHECK(bits(got[i]) == bits(values[i]));
  read_floats(r, "none", got.data(), 0, 0, "f.h5");
  CHECK(dataset_shape(r, "grp/matrix", "f.h5") == std::vector<int64_t>{2, 3});
  CHECK(dataset_shape(r, "none", "f.h5") == std::vector<int64_t>{0});

  // The refusals name the file (`what`) and the dataset's full path.
  CHECK(error_of([&] { read_floats(r, "grp/matrix", got.data(), 3, 2, "f.h5"); }) ==
        "f.h5: /grp/matrix has shape (2, 3), expected (3, 2) (damaged file, or not written by gantool)");
  CHECK(error_of([&] { read_floats(r, "vector", got.data(), 2, 3, "f.h5"); }) ==
        "f.h5: /vector has shape (6), expected (2, 3) (damaged file, or not written by gantool)");
  CHECK(error_of([&] { read_floats(r, "grp/gone", got.data(), 2, 3, "f.h5"); }) ==
        "f.h5: /grp/gone is missing (damaged file, or not written by gantool)");
  CHECK_THAT(error_of([&] { read_floats(r, "bad", got.data(), 3, 0, "f.h5"); }),
             Catch::StartsWith("f.h5: /bad holds nan at index 1, a value that is not finite"));
  H5Id grp = open_group(r, "/grp", "f.h5");
  CHECK(error_of([&] { read_floats(grp.get(), "other", got.data(), 2, 3, "f.h5"); }) ==
        "f.h5: /grp/other is missing (damaged file, or not written by gantool)");
}

TEST_CASE("read_floats refuses a dataset of integers, naming its type", "[h5]") {
  gantool_test::ScratchDir s("h5_float_type");
  Output out(s / "i.h5");
  const std::vector<int32_t> ints = {1, 2, 3, 4};
  write_raw_dataset(out.get(), "ints", H5T_STD_I32LE, H5T_NATIVE_INT32, ints.data(), {2, 2});
  out.close();
  H5Id in = open_h5_read(s / "i.h5");
  std::vector<float> got(4);
  CHECK(error_of([&] { read_floats(in.get(), "ints", got.data(), 2, 2, "i.h5"); }) ==
        "i.h5: /ints holds int32 values, expected float32 (damaged file, or not written by gantool)");
}

TEST_CASE("write_doubles and read_doubles round-trip, and read integers as doubles", "[h5]") {
  gantool_test::ScratchDir s("h5_doubles");
  Output out(s / "d.h5");
  const std::vector<double> values = {0.1, -0.0, 1e-310, 1e308, 2.0 / 3.0, -5};
  write_doubles(out.get(), "table", values, 3, 2);
  write_doubles(out.get(), "column", values, 6);
  write_doubles(out.get(), "empty", {}, 0, 8);
  const std::vector<uint8_t> bytes = {1, 2, 255};
  write_raw_dataset(out.get(), "bytes", H5T_STD_U8LE, H5T_NATIVE_UINT8, bytes.data(), {3});
  const float cube[8] = {};
  write_raw_dataset(out.get(), "cube", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, cube, {2, 2, 2});
  H5Id text_type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(text_type.get(), 4);
  write_raw_dataset(out.get(), "text", text_type.get(), text_type.get(), "abcdefgh", {2});
  out.close();

  H5Id in = open_h5_read(s / "d.h5");
  const hid_t r = in.get();
  int64_t rows = -1, cols = -1;
  std::vector<double> got = read_doubles(r, "table", rows, cols, "d.h5");
  CHECK(rows == 3);
  CHECK(cols == 2);
  REQUIRE(got.size() == values.size());
  for (size_t i = 0; i < values.size(); ++i) CHECK(bits(got[i]) == bits(values[i]));
  got = read_doubles(r, "column", rows, cols, "d.h5");
  CHECK(rows == 6);
  CHECK(cols == 1);
  got = read_doubles(r, "empty", rows, cols, "d.h5");
  CHECK(got.empty());
  CHECK(rows == 0);
  CHECK(cols == 8);
  CHECK(read_doubles(r, "bytes", rows, cols, "d.h5") == std::vector<double>{1, 2, 255});

  CHECK(error_of([&] { read_doubles(r, "nope", rows, cols, "d.h5"); }) ==
        "d.h5: cannot open /nope (damaged file, or not written by gantool)");
  CHECK(error_of([&] { read_doubles(r, "cube", rows, cols, "d.h5"); }) ==
        "d.h5: /cube has rank 3, expected 1 or 2 (damaged file, or not written by gantool)");
  CHECK(error_of([&] { read_doubles(r, "text", rows, cols, "d.h5"); }) ==
        "d.h5: /text holds string values, not numbers (damaged file, or not written by gantool)");
}

TEST_CASE("check_stored refuses a dataset that declares more rows than it holds", "[h5]") {
  gantool_test::ScratchDir s("h5_stored");
  Output out(s / "s.h5");
  const std::vector<float> values(20, 1.0f);
  write_raw_dataset(out.get(), "full", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, values.data(), {10, 2}, /*chunk_rows=*/2);
  write_raw_dataset(out.get(), "part", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, values.data(), {10, 2}, /*chunk_rows=*/2,
                    /*written_rows=*/4);
  write_raw_dataset(out.get(), "never", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, values.data(), {10, 2}, /*chunk_rows=*/0,
                    /*written_rows=*/0);
  write_raw_dataset(out.get(), "contiguous", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, values.data(), {10, 2});
  write_floats(out.get(), "zero", values.data(), 0, 2);
  out.close();

  H5Id in = open_h5_read(s / "s.h5");
  const auto check = [&](const std::string& name) {
    return error_of([&] { check_stored(open_dataset(in.get(), name, "s.h5").get(), "s.h5:/" + name); });
  };
  CHECK(check("full").empty());
  CHECK(check("contiguous").empty());
  CHECK(check("zero").empty());
  CHECK(check("part") == "s.h5:/part: declares 10 rows but holds data for only 4; the file is incomplete or damaged");
  CHECK(check("never") == "s.h5:/never: declares 10 rows but holds data for none; the file is incomplete or damaged");
  // read_doubles checks it too.
  int64_t rows, cols;
  CHECK_THAT(error_of([&] { read_doubles(in.get(), "part", rows, cols, "s.h5"); }),
             Catch::StartsWith("s.h5:/part: declares 10 rows but holds data for only 4"));
}

TEST_CASE("h5_exists, open_group and open_dataset follow paths and name what is missing", "[h5]") {
  gantool_test::ScratchDir s("h5_paths");
  Output out(s / "p.h5");
  H5Id a = create_group(out.get(), "a");
  H5Id b = create_group(a.get(), "b");
  const float x[2] = {1, 2};
  write_floats(b.get(), "x", x, 2);
  CHECK(object_path(b.get(), "x") == "/a/b/x");
  CHECK(object_path(out.get(), "top") == "/top");
  b.reset();
  a.reset();
  out.close();

  H5Id in = open_h5_read(s / "p.h5");
  const hid_t r = in.get();
  CHECK(h5_exists(r, "/"));
  CHECK(h5_exists(r, "/a"));
  CHECK(h5_exists(r, "/a/b/x"));
  CHECK(h5_exists(r, "a/b"));
  CHECK_FALSE(h5_exists(r, "/a/c"));
  CHECK_FALSE(h5_exists(r, "/z/b/x"));  // a missing group along the way: false, not an error
  CHECK_FALSE(h5_exists(r, "/a/b/x/y"));
  CHECK(open_group(r, "/a/b", "p.h5"));
  CHECK(open_dataset(r, "/a/b/x", "p.h5"));
  CHECK(error_of([&] { open_group(r, "/a/c", "p.h5"); }) == "p.h5: cannot open group '/a/c'");
  CHECK(error_of([&] { open_dataset(r, "/a/b/y", "p.h5"); }) == "p.h5: cannot open dataset '/a/b/y'");
  CHECK(error_of([&] { open_dataset(r, "/a/b", "p.h5"); }) == "p.h5: cannot open dataset '/a/b'");
}

TEST_CASE("dangling_link describes soft and external links to nothing", "[h5]") {
  gantool_test::ScratchDir s("h5_links");
  Output out(s / "l.h5");
  const float x[1] = {1};
  write_floats(out.get(), "x", x, 1);
  REQUIRE(H5Lcreate_soft("/x", out.get(), "to_x", H5P_DEFAULT, H5P_DEFAULT) >= 0);
  REQUIRE(H5Lcreate_soft("/gone", out.get(), "to_gone", H5P_DEFAULT, H5P_DEFAULT) >= 0);
  REQUIRE(H5Lcreate_external("other.h5", "/data", out.get(), "far", H5P_DEFAULT, H5P_DEFAULT) >= 0);
  out.close();

  H5Id in = open_h5_read(s / "l.h5");
  CHECK(dangling_link(in.get(), "x") == "");
  CHECK(dangling_link(in.get(), "to_x") == "");
  CHECK(dangling_link(in.get(), "missing") == "");
  CHECK(dangling_link(in.get(), "to_gone") == "a dangling link to '/gone'");
  CHECK(dangling_link(in.get(), "far") == "a dangling external link to '/data' in other.h5");
}

TEST_CASE("type_name names numeric types by kind and size", "[h5]") {
  init_hdf5();
  CHECK(type_name(H5T_NATIVE_FLOAT) == "float32");
  CHECK(type_name(H5T_IEEE_F64BE) == "float64");
  CHECK(type_name(H5T_STD_U8LE) == "uint8");
  CHECK(type_name(H5T_STD_I16BE) == "int16");
  CHECK(type_name(H5T_NATIVE_INT64) == "int64");
  CHECK(type_name(H5T_C_S1) == "string");
  H5Id compound(H5Tcreate(H5T_COMPOUND, 8), H5Tclose);
  H5Tinsert(compound.get(), "a", 0, H5T_NATIVE_DOUBLE);
  CHECK(type_name(compound.get()) == "compound");
}

TEST_CASE("list_datasets lists every dataset depth first with its shape and type", "[h5]") {
  gantool_test::ScratchDir s("h5_list");
  Output out(s / "l.h5");
  const float x[6] = {};
  write_floats(out.get(), "data", x, 3, 2);
  H5Id g = create_group(out.get(), "g");
  write_doubles(g.get(), "shift", {1, 2}, 2);
  H5Id empty = create_group(out.get(), "empty");  // a group is not listed
  g.reset();
  empty.reset();
  out.close();
  H5Id in = open_h5_read(s / "l.h5");
  const std::vector<DatasetEntry> entries = list_datasets(in.get());
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].path == "/data");
  CHECK(entries[0].shape == std::vector<int64_t>{3, 2});
  CHECK(entries[0].type == "float32");
  CHECK(entries[1].path == "/g/shift");
  CHECK(entries[1].shape == std::vector<int64_t>{2});
  CHECK(entries[1].type == "float64");
}

TEST_CASE("files from create_h5 record no times: the same writes give the same bytes", "[h5]") {
  gantool_test::ScratchDir s("h5_untimed");
  const auto make = [&](const std::string& path) {
    H5Id file = create_h5(path, path);
    H5Id g = create_group(file.get(), "g");
    const float x[2] = {1, 2};
    write_floats(g.get(), "x", x, 2);
    write_doubles(file.get(), "d", {3}, 1);
    write_attr(g.get(), "name", std::string("value"));
    g.reset();
    close_h5(file);
  };
  make(s / "a.h5");
  H5Id in = open_h5_read(s / "a.h5");
  CHECK(ctime_of(in.get(), "/") == 0);
  CHECK(ctime_of(in.get(), "/g") == 0);
  CHECK(ctime_of(in.get(), "/g/x") == 0);
  CHECK(ctime_of(in.get(), "/d") == 0);
  in.reset();
  make(s / "b.h5");
  CHECK(s.read("a.h5") == s.read("b.h5"));
}
