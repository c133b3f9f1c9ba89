// Tests of the schema reader and writer: a round trip in both layouts (a dataset file's root
// and a model file's /training_data), models written before the true distribution had a
// group of its own, and a zero scale refused by both readers.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "io/dataset_file.hpp"
#include "io/h5.hpp"
#include "io/schema_file.hpp"
#include "scratch.hpp"

using namespace gantool;

namespace {

Schema ring_schema() {
  Schema s = continuous_schema({"x", "y"});
  s.normalization = {"minmax", {0.25, -0.5}, {2, 4}};
  s.distribution.name = "ring";
  s.distribution.params = {{"modes", 3}, {"radius", 2}, {"std", 0.02}};
  s.distribution.modes = Tensor(3, 2);
  for (int64_t i = 0; i < 6; ++i) s.distribution.modes.data()[i] = 0.5f * float(i) - 1;
  s.distribution.mode_std = 0.02;
  return s;
}

void check_same(const Schema& a, const Schema& b) {
  CHECK(column_names(a) == column_names(b));
  CHECK(same_normalization(a.normalization, b.normalization));
  CHECK(a.distribution.name == b.distribution.name);
  CHECK(a.distribution.params == b.distribution.params);
  REQUIRE(a.distribution.modes.rows() == b.distribution.modes.rows());
  REQUIRE(a.distribution.modes.cols() == b.distribution.modes.cols());
  for (int64_t i = 0; i < a.distribution.modes.size(); ++i)
    CHECK(a.distribution.modes.data()[i] == b.distribution.modes.data()[i]);
  CHECK(a.distribution.mode_std == b.distribution.mode_std);
}

// A file holding group /training_data with the model layout of `schema`.
void write_model_section(const std::string& path, const Schema& schema) {
  H5Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  REQUIRE(file);
  H5Id group = create_group(file.get(), "training_data");
  write_schema(group.get(), schema, kModelSchema);
}

Schema read_model_section(const std::string& path, int64_t cols) {
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  REQUIRE(file);
  H5Id group = open_group(file.get(), "/training_data", path);
  return read_schema(group.get(), cols, kModelSchema, path);
}

// Sets value `index` of float64 dataset `name` in `path` to `value`.
void poke(const std::string& path, const std::string& name, size_t index, double value) {
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  int64_t rows = 0, cols = 0;
  std::vector<double> values = read_doubles(file.get(), name, rows, cols, path);
  values[index] = value;
  H5Ldelete(file.get(), name.c_str(), H5P_DEFAULT);
  write_doubles(file.get(), name, values, rows);
}

}  // namespace

TEST_CASE("a schema round-trips through a dataset file", "[schema_file]") {
  gantool_test::ScratchDir s("schema_dataset");
  DatasetMeta meta;
  meta.schema = ring_schema();
  {
    DatasetWriter writer(s / "d.h5", 2, meta);
    const float rows[4] = {1, 2, 3, 4};
    writer.append(rows, 2);
    writer.commit();
  }
  check_same(DatasetReader(parse_data_ref(s / "d.h5")).meta().schema, meta.schema);
  // The names stay where h5py users find them.
  H5Id file(H5Fopen((s / "d.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  H5Id data = open_dataset(file.get(), "/data", "d.h5");
  CHECK(read_strings_attr(data.get(), "columns") == std::vector<std::string>{"x", "y"});
  CHECK(read_string_attr(open_group(file.get(), "/normalization", "d.h5").get(), "method") == "minmax");
  CHECK(h5_exists(file.get(), "/synthetic/modes"));
}

TEST_CASE("a schema round-trips through a model file's data section", "[schema_file]") {
  gantool_test::ScratchDir s("schema_model");
  write_model_section(s / "m.h5", ring_schema());
  check_same(read_model_section(s / "m.h5", 2), ring_schema());
  H5Id file(H5Fopen((s / "m.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  H5Id group = open_group(file.get(), "/training_data", "m.h5");
  CHECK(read_strings_attr(group.get(), "columns") == std::vector<std::string>{"x", "y"});
  CHECK(read_string_attr(group.get(), "normalization") == "minmax");
  CHECK(h5_exists(group.get(), "scale"));
  CHECK(h5_exists(group.get(), "synthetic/modes"));

  SECTION("unnormalized, of no distribution") {
    write_model_section(s / "plain.h5", continuous_schema({"a", "b", "c"}));
    check_same(read_model_section(s / "plain.h5", 3), continuous_schema({"a", "b", "c"}));
  }
}

TEST_CASE("a model written before the distribution had its own group still reads", "[schema_file]") {
  gantool_test::ScratchDir s("schema_legacy");
  const std::string path = s / "old.h5";
  {
    H5Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    H5Id group = create_group(file.get(), "training_data");
    const hid_t g = group.get();
    write_attr(g, "columns", std::vector<std::string>{"x", "y"});
    write_attr(g, "normalization", std::string("standard"));
    write_doubles(g, "shift", {1, 2}, 2);
    write_doubles(g, "scale", {3, 4}, 2);
    write_attr(g, "distribution", std::string("grid"));
    write_attr(g, "mode_std", 0.05);
    const float modes[4] = {-1, -1, 1, 1};
    write_floats(g, "modes", modes, 2, 2);
  }
  const Schema schema = read_model_section(path, 2);
  CHECK(schema.normalization.scale == std::vector<double>{3, 4});
  CHECK(schema.distribution.name == "grid");
  CHECK(schema.distribution.params.empty());
  CHECK(schema.distribution.mode_std == 0.05);
  REQUIRE(schema.distribution.modes.rows() == 2);
  CHECK(schema.distribution.modes(1, 1) == 1.0f);
}

TEST_CASE("both readers refuse a zero scale, naming the file and the dataset", "[schema_file]") {
  gantool_test::ScratchDir s("schema_zero");
  DatasetMeta meta;
  meta.schema = ring_schema();
  {
    DatasetWriter writer(s / "d.h5", 2, meta);
    const float rows[2] = {1, 2};
    writer.append(rows, 1);
    writer.commit();
  }
  poke(s / "d.h5", "/normalization/scale", 1, 0);
  CHECK_THROWS_WITH(DatasetReader(parse_data_ref(s / "d.h5")),
                    Catch::Contains("d.h5: /normalization/scale holds 0 for column 1") && Catch::Contains("damaged"));
  write_model_section(s / "m.h5", ring_schema());
  poke(s / "m.h5", "/training_data/scale", 0, 0);
  CHECK_THROWS_WITH(read_model_section(s / "m.h5", 2),
                    Catch::Contains("m.h5: /training_data/scale holds 0 for column 0") && Catch::Contains("damaged"));
}

TEST_CASE("modes of another width are refused by both readers", "[schema_file]") {
  gantool_test::ScratchDir s("schema_modes");
  Schema wide = ring_schema();
  wide.distribution.modes = Tensor(3, 5);
  write_model_section(s / "m.h5", wide);
  CHECK_THROWS_WITH(read_model_section(s / "m.h5", 2), Catch::Contains("/training_data/synthetic/modes has 5 columns"));
  DatasetMeta meta;
  meta.schema = wide;
  {
    DatasetWriter writer(s / "d.h5", 2, meta);
    const float rows[2] = {1, 2};
    writer.append(rows, 1);
    writer.commit();
  }
  CHECK_THROWS_WITH(DatasetReader(parse_data_ref(s / "d.h5")), Catch::Contains("d.h5: /synthetic/modes has 5 columns"));
}
