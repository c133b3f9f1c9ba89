// Tests of plot/image_grid: every pixel of small grids, grey and RGB, with gaps, scaling,
// fewer images than cells, and values rounded and clamped.
#include <catch2/catch.hpp>

#include "plot/image_grid.hpp"

using namespace gantool;

TEST_CASE("image grid: images row by row, gaps between, upscaled by nearest neighbour", "[plot][image]") {
  // Five grey 2×3 images: pixel (y, x) of image k is 10k + 3y + x.
  std::vector<float> images;
  for (int k = 0; k < 5; ++k)
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 3; ++x) images.push_back(static_cast<float>(10 * k + 3 * y + x));
  GridOptions o;
  o.rows = 2;
  o.cols = 3;
  o.gap = 1;
  o.scale = 2;
  o.gap_value = 200;
  const Image g = image_grid(images.data(), 5, {1, 2, 3}, o);
  // At scale 1: 2 rows × (2 + 1 + 2) = 5 high, 3 × 3 + 2 = 11 wide.
  REQUIRE(g.channels == 1);
  REQUIRE(g.height == 10);
  REQUIRE(g.width == 22);
  const auto at = [&](int64_t y, int64_t x) { return static_cast<int>(g.pixels[static_cast<size_t>(y * g.width + x)]); };
  for (int64_t y = 0; y < 10; ++y)
    for (int64_t x = 0; x < 22; ++x) {
      const int64_t gy = y / 2, gx = x / 2;  // the pixel at scale 1
      const int64_t row = gy / 3, col = gx / 4, iy = gy % 3, ix = gx % 4, k = row * 3 + col;
      const int expected = iy == 2 || ix == 3 || k >= 5 ? 200 : static_cast<int>(10 * k + 3 * iy + ix);
      INFO("y " << y << ", x " << x);
      REQUIRE(at(y, x) == expected);
    }
}

TEST_CASE("image grid: RGB planes, one row when the images are few, pixel values clamped", "[plot][image]") {
  // Two RGB 1×1 images: (−5, 100.4, 300) and (0.5, 254.5, 7).
  const std::vector<float> images = {-5, 100.4f, 300, 0.5f, 254.5f, 7};
  GridOptions o;  // 8 × 8, gap 2, scale 3
  const Image g = image_grid(images.data(), 2, {3, 1, 1}, o);
  REQUIRE(g.channels == 3);
  REQUIRE(g.height == 3);       // one row of cells
  REQUIRE(g.width == 3 * 4);    // 1 + 2 + 1 pixels, times 3
  const auto at = [&](int64_t c, int64_t y, int64_t x) {
    return static_cast<int>(g.pixels[static_cast<size_t>((c * g.height + y) * g.width + x)]);
  };
  for (int64_t y = 0; y < 3; ++y) {
    CHECK(at(0, y, 0) == 0);
    CHECK(at(1, y, 2) == 100);
    CHECK(at(2, y, 1) == 255);
    CHECK(at(0, y, 4) == 255);  // the gap
    CHECK(at(2, y, 8) == 255);
    CHECK(at(0, y, 9) == 1);    // 0.5 rounds away from zero
    CHECK(at(1, y, 11) == 255);
    CHECK(at(2, y, 10) == 7);
  }
}
