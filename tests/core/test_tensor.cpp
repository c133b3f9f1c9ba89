// Tensor: shapes (2-D and of_shape's N-D), resizing without losing rows, take_rows.
#include <catch2/catch.hpp>

#include <vector>

#include "core/tensor.hpp"

using namespace gantool;

TEST_CASE("tensor: a batch of N-D samples is rows of their flattened values", "[tensor]") {
  const std::vector<int64_t> shape = {3, 1, 4, 5};
  Tensor t = Tensor::of_shape(shape);
  CHECK(std::vector<int64_t>(t.shape().begin(), t.shape().end()) == shape);
  CHECK(t.rows() == 3);
  CHECK(t.cols() == 20);
  CHECK(t.size() == 60);
  t(2, 19) = 7;
  CHECK(t.row(2)[19] == 7);
  t.resize(5, 20);  // more samples of the same shape
  CHECK(t.shape().size() == 4);
  CHECK(t.shape()[0] == 5);
  CHECK(t(2, 19) == 7);
  t.resize(5, 6);  // another width: a matrix again
  CHECK(std::vector<int64_t>(t.shape().begin(), t.shape().end()) == std::vector<int64_t>{5, 6});
  CHECK_THROWS_AS(Tensor::of_shape(std::vector<int64_t>{4}), std::logic_error);
}

TEST_CASE("tensor: take_rows copies rows in the order asked", "[tensor]") {
  Tensor t(4, 2);
  for (int64_t r = 0; r < 4; ++r) t(r, 0) = static_cast<float>(r), t(r, 1) = static_cast<float>(10 * r);
  const Tensor picked = take_rows(t, {3, 0, 3});
  REQUIRE(picked.rows() == 3);
  CHECK(picked(0, 1) == 30);
  CHECK(picked(1, 0) == 0);
  CHECK(picked(2, 0) == 3);
}
