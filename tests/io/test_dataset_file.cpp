// Tests of dataset files: round trips, files as h5py writes them (float64, integers, 1-D,
// contiguous, big-endian), streaming across chunk and block boundaries, and every error.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/dataset_file.hpp"
#include "io/h5.hpp"
#include "scratch.hpp"
#include "support/h5_raw.hpp"

using namespace gantool;
namespace fs = std::filesystem;

namespace {

struct Scratch : gantool_test::ScratchDir {
  using ScratchDir::ScratchDir;
  int64_t count() const { return static_cast<int64_t>(files().size()); }
};

// Writes `values` as a dataset of the given HDF5 file type and shape with plain C calls, the
// way h5py does (no gantool attributes); chunk 0 means contiguous.
template <typename T>
void write_raw(const std::string& path, const std::string& name, hid_t file_type, hid_t mem_type,
               const std::vector<T>& values, std::vector<hsize_t> dims, hsize_t chunk_rows = 0) {
  init_hdf5();
  H5Id file(fs::exists(path) ? H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)
                             : H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
            H5Fclose);
  REQUIRE(file);
  gantool_test::write_raw_dataset(file.get(), name, file_type, mem_type, values.data(), std::move(dims), chunk_rows,
                                  /*written_rows=*/-1, /*deflate=*/true);
}

}  // namespace

TEST_CASE("parse_data_ref splits FILE:DATASET", "[dataset_file]") {
  CHECK(parse_data_ref("a.h5").dataset == "/data");
  CHECK_FALSE(parse_data_ref("a.h5").dataset_given);
  const DataRef ref = parse_data_ref("dir/a.h5:/grp/x");
  CHECK(ref.path == "dir/a.h5");
  CHECK(ref.dataset == "/grp/x");
  CHECK(ref.display() == "dir/a.h5:/grp/x");
  CHECK(parse_data_ref("a.h5:x").dataset == "/x");  // h5py-style name without the slash
}

TEST_CASE("a written dataset reads back with its metadata, across chunk boundaries", "[dataset_file]") {
  Scratch s("roundtrip");
  const int64_t rows = 70001, cols = 3;  // chunks of 21845 rows: the last one is partial
  Tensor data(rows, cols);
  Rng rng = make_rng(9);
  for (int64_t i = 0; i < data.size(); ++i) data.data()[i] = static_cast<float>(normal(rng));

  DatasetMeta meta;
  meta.schema = continuous_schema({"a", "b", "c"});
  meta.command = "gantool test";
  meta.source = "unit test";
  meta.seed = 77;
  meta.schema.normalization = {"standard", {1, 2, 3}, {4, 5, 6}};
  meta.schema.distribution.name = "ring";
  meta.schema.distribution.params = {{"modes", 2}, {"radius", 1.5}};
  meta.schema.distribution.modes = Tensor(2, 3);
  meta.schema.distribution.modes(1, 2) = 7.5f;
  meta.schema.distribution.mode_std = 0.25;
  {
    DatasetWriter writer(s / "d.h5", cols, meta);
    // Uneven appends, straddling the writer's chunk buffer.
    for (int64_t first = 0; first < rows;) {
      const int64_t n = std::min<int64_t>(rows - first, 1 + (first * 7919) % 30011);
      writer.append(data.row(first), n);
      first += n;
    }
    CHECK(writer.rows() == rows);
    CHECK(s.count() == 1);
    CHECK_FALSE(fs::exists(s / "d.h5"));  // only the temporary exists until commit
    writer.commit();
  }
  CHECK(s.count() == 1);

  DatasetReader reader(parse_data_ref(s / "d.h5"));
  CHECK(reader.rows() == rows);
  CHECK(reader.cols() == cols);
  CHECK(reader.type() == "float32");
  const DatasetMeta& m = reader.meta();
  CHECK(column_names(m.schema) == column_names(meta.schema));
  CHECK(m.command == "gantool test");
  CHECK(m.source == "unit test");
  CHECK(m.seed == std::optional<uint64_t>(77));
  CHECK(m.schema.normalization.method == "standard");
  CHECK(m.schema.normalization.shift == std::vector<double>{1, 2, 3});
  CHECK(m.schema.normalization.scale == std::vector<double>{4, 5, 6});
  CHECK(m.schema.distribution.name == "ring");
  CHECK(m.schema.distribution.params.size() == 2);
  CHECK(m.schema.distribution.modes.rows() == 2);
  CHECK(m.schema.distribution.modes(1, 2) == 7.5f);
  CHECK(m.schema.distribution.mode_std == 0.25);

  // Odd-sized blocks at odd offsets read exactly what was written.
  Tensor block(5003, cols);
  for (int64_t first = 0; first < rows; first += 5003) {
    const int64_t n = std::min<int64_t>(5003, rows - first);
    reader.read(first, n, block.data());
    REQUIRE(std::memcmp(block.data(), data.row(first), n * cols * sizeof(float)) == 0);
  }
  const Tensor all = reader.read_all();
  CHECK(std::memcmp(all.data(), data.data(), data.size() * sizeof(float)) == 0);
}

TEST_CASE("a small dataset gets a small chunk, and an abandoned writer leaves nothing", "[dataset_file]") {
  Scratch s("small");
  {
    DatasetWriter writer(s / "tiny.h5", 2, {});
    const float rows[] = {1, 2, 3, 4};
    writer.append(rows, 2);
    writer.commit();
  }
  CHECK(fs::file_size(s / "tiny.h5") < 65536);  // a full-size chunk alone would be 256 KiB
  DatasetReader reader(parse_data_ref(s / "tiny.h5"));
  CHECK(column_names(reader.meta().schema) == std::vector<std::string>{"x0", "x1"});
  {
    DatasetWriter writer(s / "abandoned.h5", 2, {});
    const float rows[] = {1, 2};
    writer.append(rows, 1);
  }
  CHECK_FALSE(fs::exists(s / "abandoned.h5"));
  CHECK(s.count() == 1);
}

TEST_CASE("h5py-style datasets of other types and ranks read as float32", "[dataset_file]") {
  Scratch s("h5py");
  const std::string path = s / "py.h5";
  write_raw<double>(path, "f64", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {0.5, -1.25, 3e10, 4, 5, 6}, {3, 2});
  write_raw<int32_t>(path, "grp/i32", H5T_STD_I32BE, H5T_NATIVE_INT32, {-7, 8, 9}, {3});
  write_raw<uint8_t>(path, "u8", H5T_STD_U8LE, H5T_NATIVE_UINT8, {0, 255}, {2, 1});
  std::vector<int64_t> big(10000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int64_t>(i) - 5000;
  write_raw<int64_t>(path, "chunked", H5T_STD_I64LE, H5T_NATIVE_INT64, big, {5000, 2}, 333);

  DatasetReader f64(parse_data_ref(path + ":/f64"));
  CHECK(f64.type() == "float64");
  Tensor t = f64.read_all();
  CHECK(t(0, 1) == -1.25f);
  CHECK(t(1, 0) == 3e10f);
  CHECK(f64.meta().schema.normalization.method == "none");

  DatasetReader i32(parse_data_ref(path + ":grp/i32"));  // 1-D: one column
  CHECK(i32.type() == "int32");
  CHECK(i32.cols() == 1);
  t = i32.read_all();
  CHECK(t(0, 0) == -7.0f);
  CHECK(t(2, 0) == 9.0f);

  DatasetReader u8(parse_data_ref(path + ":/u8"));
  CHECK(u8.read_all()(1, 0) == 255.0f);

  DatasetReader chunked(parse_data_ref(path + ":/chunked"));
  Tensor block(777, 2);
  for (int64_t first = 0; first < 5000; first += 777) {
    const int64_t n = std::min<int64_t>(777, 5000 - first);
    chunked.read(first, n, block.data());
    for (int64_t r = 0; r < n; ++r) REQUIRE(block(r, 1) == static_cast<float>(2 * (first + r) + 1 - 5000));
  }

  const std::vector<DatasetEntry> entries = list_datasets(path);
  CHECK(entries.size() == 4);
}

TEST_CASE("every bad input is an Error naming the file and what is wrong", "[dataset_file]") {
  Scratch s("errors");
  const std::string good = s / "good.h5";
  write_raw<double>(good, "x", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, std::vector<double>(8, 1.0), {2, 2, 2});
  {
    H5Id file(H5Fopen(good.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    H5Id group = create_group(file.get(), "grp");
    write_attr(group.get(), "note", std::string("a group"));
  }
  const auto open = [](const std::string& arg) { DatasetReader reader(parse_data_ref(arg)); };

  REQUIRE_THROWS_WITH(open(s / "missing.h5"), Catch::Contains("missing.h5: no such file"));
  std::ofstream(s / "text.h5") << "this is not HDF5\n";
  REQUIRE_THROWS_WITH(open(s / "text.h5"), Catch::Contains("text.h5: not an HDF5 file"));
  REQUIRE_THROWS_WITH(open(good), Catch::Contains("no dataset '/data'") && Catch::Contains("/x"));
  REQUIRE_THROWS_WITH(open(good + ":/nope"), Catch::Contains("no dataset '/nope'"));
  REQUIRE_THROWS_WITH(open(good + ":/x"), Catch::Contains("good.h5:/x: dataset is 3-D"));
  REQUIRE_THROWS_WITH(open(good + ":/grp"), Catch::Contains("'/grp' is a group"));
  REQUIRE_THROWS_WITH(open(s.dir.string()), Catch::Contains("is a folder"));

  // A truncated copy of a valid file is refused, whichever part is missing.
  {
    DatasetWriter writer(s / "full.h5", 4, {});
    std::vector<float> rows(4 * 100000, 1.0f);
    writer.append(rows.data(), 100000);
    writer.commit();
  }
  std::ifstream in(s / "full.h5", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t keep : {size_t{100}, size_t{2000}, bytes.size() / 2, bytes.size() - 10}) {
    std::ofstream(s / "cut.h5", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(keep));
    REQUIRE_THROWS_AS(open(s / "cut.h5"), Error);
    REQUIRE_THROWS_WITH(open(s / "cut.h5"), Catch::Contains("cut.h5"));
  }
}

TEST_CASE("a companion dataset is written row for row beside /data", "[dataset_file]") {
  Scratch s("companion");
  const int64_t n = 70000;  // more than one chunk of either width
  std::vector<float> data(n * 2), latent(n * 5);
  for (int64_t i = 0; i < n * 2; ++i) data[i] = static_cast<float>(i);
  for (int64_t i = 0; i < n * 5; ++i) latent[i] = static_cast<float>(-i);
  {
    DatasetMeta meta;
    meta.schema = continuous_schema({"x", "y"});
    meta.attributes = {{"acceptance", 0.25}};
    DatasetWriter writer(s / "out.h5", 2, meta, Companion{"latent", {"z0", "z1", "z2", "z3", "z4"}});
    writer.append(data.data(), 1000, latent.data());
    writer.append(data.data() + 2000, n - 1000, latent.data() + 5000);
    writer.commit();
  }
  DatasetReader d(parse_data_ref(s / "out.h5")), z(parse_data_ref(s / "out.h5:/latent"));
  CHECK(d.rows() == n);
  CHECK(z.rows() == n);
  CHECK(column_names(z.meta().schema) == std::vector<std::string>{"z0", "z1", "z2", "z3", "z4"});
  CHECK(d.read_all().data()[2 * n - 1] == static_cast<float>(2 * n - 1));
  const Tensor zs = z.read_all();
  CHECK(std::memcmp(zs.data(), latent.data(), latent.size() * sizeof(float)) == 0);
  H5Id file = open_h5_read(s / "out.h5");
  CHECK(read_number_attr(file.get(), "acceptance") == 0.25);
}

TEST_CASE("read_finite names the row and column of a value that is not finite", "[dataset_file]") {
  Scratch s("finite");
  {
    DatasetWriter writer(s / "nan.h5", 2, {});
    const float rows[] = {1, 2, 3, NAN, 5, 6};
    writer.append(rows, 3);
    writer.commit();
  }
  DatasetReader reader(parse_data_ref(s / "nan.h5"));
  float out[6];
  reader.read_finite(2, 1, out);
  CHECK(out[0] == 5);
  CHECK_THROWS_WITH(reader.read_finite(0, 3, out), Catch::Contains("row 1, column 'x1' is not finite"));
  CHECK_THROWS_WITH(reader.read_all_finite(), Catch::Contains("nan.h5: row 1"));
}

TEST_CASE("12,288 column names (past HDF5's 64 KiB header limit) are written and read", "[dataset_file]") {
  Scratch s("wide");
  const int64_t cols = 12288;
  DatasetMeta meta;
  std::vector<std::string> names;
  for (int64_t c = 0; c < cols; ++c) names.push_back(fmt::format("pixel_{}", c));
  meta.schema = continuous_schema(names);
  {
    DatasetWriter writer(s / "wide.h5", cols, meta);
    std::vector<float> rows(3 * cols, 0.5f);
    writer.append(rows.data(), 3);
    writer.commit();
  }
  DatasetReader reader(parse_data_ref(s / "wide.h5"));
  CHECK(reader.cols() == cols);
  CHECK(column_names(reader.meta().schema) == column_names(meta.schema));

  // A file written the old way (names in the dataset's object header) still reads.
  write_raw<float>(s / "old.h5", "data", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {1, 2, 3, 4}, {2, 2});
  {
    H5Id file(H5Fopen((s / "old.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    H5Id data = open_dataset(file.get(), "/data", "old.h5");
    write_attr(data.get(), "columns", std::vector<std::string>{"a", "b"});
  }
  CHECK(column_names(DatasetReader(parse_data_ref(s / "old.h5")).meta().schema) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a dataset that declares rows it does not hold is refused at open", "[dataset_file]") {
  Scratch s("declared");
  const std::string path = s / "d.h5";
  {
    init_hdf5();
    H5Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    const hsize_t dims[2] = {10000000000ull, 3}, chunk[2] = {1000, 3};
    H5Id space(H5Screate_simple(2, dims, nullptr), H5Sclose);
    H5Id contiguous(H5Dcreate2(file.get(), "contiguous", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT),
                    H5Dclose);
    H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_chunk(dcpl.get(), 2, chunk);
    H5Id chunked(H5Dcreate2(file.get(), "chunked", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(),
                            H5P_DEFAULT),
                 H5Dclose);
    // Two chunks written: 2000 rows.
    const hsize_t start[2] = {0, 0}, count[2] = {2000, 3};
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    H5Id mem(H5Screate_simple(2, count, nullptr), H5Sclose);
    std::vector<float> rows(6000, 1.0f);
    REQUIRE(H5Dwrite(chunked.get(), H5T_NATIVE_FLOAT, mem.get(), space.get(), H5P_DEFAULT, rows.data()) >= 0);
  }
  const auto open = [](const std::string& arg) { DatasetReader reader(parse_data_ref(arg)); };
  REQUIRE_THROWS_WITH(open(path + ":/contiguous"),
                      Catch::Contains("d.h5:/contiguous") && Catch::Contains("declares 10000000000 rows") &&
                          Catch::Contains("none") && Catch::Contains("incomplete or damaged"));
  REQUIRE_THROWS_WITH(open(path + ":/chunked"),
                      Catch::Contains("d.h5:/chunked") && Catch::Contains("only 2000"));
}

TEST_CASE("a dangling link is reported as one, naming its target", "[dataset_file]") {
  Scratch s("dangling");
  const std::string path = s / "l.h5";
  write_raw<float>(path, "x", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {1, 2}, {2});
  {
    H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    REQUIRE(H5Lcreate_soft("/nowhere", file.get(), "data", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    REQUIRE(H5Lcreate_external("gone.h5", "/data", file.get(), "ext", H5P_DEFAULT, H5P_DEFAULT) >= 0);
  }
  const auto open = [](const std::string& arg) { DatasetReader reader(parse_data_ref(arg)); };
  REQUIRE_THROWS_WITH(open(path), Catch::Contains("'/data' is a dangling link to '/nowhere'"));
  REQUIRE_THROWS_WITH(open(path + ":/ext"), Catch::Contains("dangling") && Catch::Contains("gone.h5"));
}
