// libFuzzer target: the model reader. Each input is written to a file and read by
// read_model as `sample`, `info` and `train --resume` do; when it is accepted, the
// generator it holds runs forward on one tile of noise, so that a model whose stored shapes
// disagree with its configuration shows up as a memory error. No HDF5 handle may stay open.
#include <cstdint>
#include <string>

#include "core/tensor.hpp"
#include "fuzz_util.hpp"
#include "io/model_file.hpp"
#include "nn/tiled.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = gantool_fuzz::input_file(data, size, ".h5");
  gantool_fuzz::expect_clean_errors([&] {
    (void)gantool::is_model_file(path);
    gantool::ModelMeta meta;
    int64_t threads = 0;
    gantool::Gan gan = gantool::read_model(path, meta, &threads);
    const int64_t rows = gantool::TiledForward::kTileRows;
    gantool::TiledForward generator(gan.g, /*threads=*/1);
    gantool::Tensor z(rows, gan.config.z_dim()), x(rows, gan.config.data_dim());
    generator.run(z.data(), rows, x.data());
  });
  gantool_fuzz::check_no_open_hdf5_handles();
  return 0;
}
