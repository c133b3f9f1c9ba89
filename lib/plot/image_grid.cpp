// Laying images out in a grid.
#include "plot/image_grid.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace gantool {

Image image_grid(const float* images, int64_t n, const std::vector<int64_t>& shape, const GridOptions& o) {
  GANTOOL_ASSERT(shape.size() == 3 && (shape[0] == 1 || shape[0] == 3) && n > 0);
  GANTOOL_ASSERT(o.rows > 0 && o.cols > 0 && o.gap >= 0 && o.scale > 0);
  const int64_t channels = shape[0], h = shape[1], w = shape[2], size = image_size(shape);
  const int64_t shown = std::min(n, o.rows * o.cols);
  const int64_t rows = (shown + o.cols - 1) / o.cols, cols = std::min(shown, o.cols);
  // The grid at scale 1: (channels, grid_h, grid_w).
  const int64_t grid_h = rows * h + (rows - 1) * o.gap, grid_w = cols * w + (cols - 1) * o.gap;
  std::vector<uint8_t> grid(static_cast<size_t>(channels * grid_h * grid_w), o.gap_value);
  for (int64_t k = 0; k < shown; ++k) {
    const int64_t top = (k / o.cols) * (h + o.gap), left = (k % o.cols) * (w + o.gap);
    const float* src = images + k * size;  // (channels, h, w)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x)
          grid[static_cast<size_t>((c * grid_h + top + y) * grid_w + left + x)] = pixel_byte(src[(c * h + y) * w + x]);
  }
  Image out;
  out.channels = channels;
  out.height = grid_h * o.scale;
  out.width = grid_w * o.scale;
  out.pixels.resize(static_cast<size_t>(channels * out.height * out.width));
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t y = 0; y < out.height; ++y)
      for (int64_t x = 0; x < out.width; ++x)
        out.pixels[static_cast<size_t>((c * out.height + y) * out.width + x)] =
            grid[static_cast<size_t>((c * grid_h + y / o.scale) * grid_w + x / o.scale)];
  return out;
}

}  // namespace gantool
