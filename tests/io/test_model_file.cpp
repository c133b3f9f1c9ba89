// Tests of model files: a round trip of everything read_model restores, wide data (column
// names beyond HDF5's 64 KiB object-header limit), and the checks on what a file holds.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "scratch.hpp"

using namespace gantool;

namespace {

GanConfig small_config(int64_t data_dim) {
  GanConfig c;
  c.g = mlp_spec(/*in=*/3, {{5}, Activation::relu, 0.0f, Activation::identity}, data_dim);
  c.d = mlp_spec(data_dim, {{4}, Activation::leaky_relu, 0.2f, Activation::identity}, /*out=*/1);
  c.batch = 8;
  return c;
}

ModelMeta meta_for(int64_t cols) {
  ModelMeta meta;
  meta.command = "gantool test";
  meta.steps_done = 7;
  meta.steps_total = 10;
  meta.epoch = 2;
  meta.position = 5;
  meta.data_source = "d.h5";
  meta.data_rows = 20;
  std::vector<std::string> names;
  for (int64_t c = 0; c < cols; ++c) names.push_back(fmt::format("pixel_{}", c));
  meta.schema = continuous_schema(names);
  meta.schema.normalization = {"minmax", std::vector<double>(cols, 127.5), std::vector<double>(cols, 127.5)};
  return meta;
}

// Rewrites one float dataset of the model file in place with HDF5's C API.
void poke(const std::string& path, const std::string& dataset, int64_t index, float value) {
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  REQUIRE(file);
  H5Id d(H5Dopen2(file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  REQUIRE(d);
  H5Id space(H5Dget_space(d.get()), H5Sclose);
  std::vector<float> values(static_cast<size_t>(H5Sget_simple_extent_npoints(space.get())));
  REQUIRE(H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
  values[static_cast<size_t>(index)] = value;
  REQUIRE(H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
}

}  // namespace

TEST_CASE("a model with 12,288 columns round-trips with its thread count", "[model_file]") {
  gantool_test::ScratchDir s("model_wide");
  const int64_t cols = 12288;
  const Gan gan = make_gan(small_config(cols), /*seed=*/5);
  const std::string path = (s.dir / "m.h5").string();
  write_model(path, gan, meta_for(cols), /*threads=*/3);
  CHECK(s.files() == std::vector<std::string>{"m.h5"});

  ModelMeta meta;
  int64_t threads = -1;
  const Gan back = read_model(path, meta, &threads);
  CHECK(threads == 3);
  CHECK(meta.schema.columns.size() == static_cast<size_t>(cols));
  CHECK(meta.schema.columns.back().name == "pixel_12287");
  CHECK(meta.schema.normalization.scale.size() == static_cast<size_t>(cols));
  CHECK(meta.steps_done == 7);
  CHECK(meta.position == 5);
  const std::vector<float>& a = gan.g.params.values;
  const std::vector<float>& b = back.g.params.values;
  REQUIRE(a.size() == b.size());
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

TEST_CASE("read_model refuses values that are not finite, naming the dataset", "[model_file]") {
  gantool_test::ScratchDir s("model_nan");
  const std::string path = (s.dir / "m.h5").string();
  write_model(path, make_gan(small_config(2), 1), meta_for(2));
  poke(path, "/discriminator/layer0/bias", 1, NAN);
  ModelMeta meta;
  CHECK_THROWS_WITH(read_model(path, meta),
                    Catch::Contains("m.h5") && Catch::Contains("/discriminator/layer0/bias") &&
                        Catch::Contains("not finite") && Catch::Contains("damaged"));
}

TEST_CASE("check_normalization refuses a zero, negative-size or non-finite scale", "[model_file]") {
  CHECK_NOTHROW(check_normalization({"standard", {0, 1}, {1, 2}}, 2, "f.h5", "/normalization"));
  CHECK_NOTHROW(check_normalization({}, 2, "f.h5", "/normalization"));
  CHECK_THROWS_WITH(check_normalization({"standard", {0, 1}, {1, 0}}, 2, "f.h5", "/normalization"),
                    Catch::Contains("f.h5: /normalization/scale") && Catch::Contains("0"));
  CHECK_THROWS_WITH(check_normalization({"standard", {0, NAN}, {1, 1}}, 2, "f.h5", "/n"),
                    Catch::Contains("/n/shift") && Catch::Contains("not finite"));
  CHECK_THROWS_WITH(check_normalization({"standard", {0}, {1}}, 2, "f.h5", "/n"),
                    Catch::Contains("1 values for 2 columns"));
  CHECK_THROWS_WITH(check_normalization({"cubic", {0, 0}, {1, 1}}, 2, "f.h5", "/n"), Catch::Contains("cubic"));
}

TEST_CASE("a model round-trips its nets' specs, parameters and optimizer states by name", "[model_file]") {
  gantool_test::ScratchDir s("model_specs");
  GanConfig c = small_config(4);
  // A generator with output heads (a tanh column, two sigmoid columns, a free one) and SGD.
  c.g.layers.back().activation = Activation::identity;
  c.g.heads = {{1, Activation::tanh, 0.0f}, {2, Activation::sigmoid, 0.0f}, {1, Activation::leaky_relu, 0.1f}};
  c.opt_g.kind = OptimizerKind::sgd;
  c.opt_g.momentum = 0.9;
  Gan gan = make_gan(c, /*seed=*/8);
  // Distinct moments in every parameter's place (the padding between views stays zero).
  for (const ParamView& v : gan.g.params.views)
    for (int64_t i = v.offset; i < v.offset + v.size; ++i) gan.opt_state_g.m.front()[i] = 0.5f + float(i);
  for (const ParamView& v : gan.d.params.views)
    for (int64_t i = v.offset; i < v.offset + v.size; ++i) gan.opt_state_d.v.front()[i] = 1.0f / (1.0f + float(i));
  gan.opt_state_d.step = 3;
  const std::string path = (s.dir / "m.h5").string();
  write_model(path, gan, meta_for(4));
  ModelMeta meta;
  const Gan back = read_model(path, meta);
  CHECK(meta.format_version == kModelFormatVersion);
  CHECK(back.config.g == c.g);
  CHECK(back.config.d == c.d);
  CHECK(back.g.params.values == gan.g.params.values);
  CHECK(back.g_ema.params.values == gan.g_ema.params.values);
  CHECK(back.d.params.values == gan.d.params.values);
  CHECK(back.opt_state_g.m == gan.opt_state_g.m);
  CHECK(back.opt_state_g.v.empty());
  CHECK(back.opt_state_d.m == gan.opt_state_d.m);
  CHECK(back.opt_state_d.v == gan.opt_state_d.v);
  CHECK(back.opt_state_d.step == 3);
  // The moments are stored under the parameters' names.
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  CHECK(h5_exists(file.get(), "/optimizer/generator/m/layer1/bias"));
  CHECK_FALSE(h5_exists(file.get(), "/optimizer/generator/v"));
  CHECK(h5_exists(file.get(), "/optimizer/discriminator/v/layer0/weights"));
  CHECK(dataset_shape(file.get(), "/generator/layer0/weights", path) == std::vector<int64_t>{5, 3});
}
