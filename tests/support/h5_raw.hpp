// Datasets written with plain HDF5 C calls, as another program (h5py, a C tool) would write
// them: for tests of what gantool's readers accept and refuse.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "io/h5.hpp"

namespace gantool_test {

// Writes dataset `name` under loc (making the groups its path passes through) of HDF5 type
// file_type and shape dims from values in mem_type. chunk_rows 0 means contiguous, else
// chunks of that many rows (deflated when `deflate`); only the first `written_rows` rows are
// written (-1: all; 0: none).
inline void write_raw_dataset(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, const void* values,
                              std::vector<hsize_t> dims, hsize_t chunk_rows = 0, int64_t written_rows = -1,
                              bool deflate = false) {
  using gantool::H5Id;
  H5Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (chunk_rows) {
    std::vector<hsize_t> chunk = dims;
    chunk[0] = chunk_rows;
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    if (deflate) H5Pset_deflate(dcpl.get(), 4);
  }
  H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  H5Id dataset(H5Dcreate2(loc, name.c_str(), file_type, space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT), H5Dclose);
  REQUIRE(dataset);
  if (written_rows == 0) return;
  if (written_rows < 0) {
    REQUIRE(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    return;
  }
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  count[0] = static_cast<hsize_t>(written_rows);
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  H5Id mem(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
  REQUIRE(H5Dwrite(dataset.get(), mem_type, mem.get(), space.get(), H5P_DEFAULT, values) >= 0);
}

}  // namespace gantool_test
