// A grid of images as one picture with exact pixels (for `gantool plot grid`): the first
// rows × cols images side by side, a gap between them, the whole upscaled by nearest
// neighbour so that small images (28×28) are readable.
#pragma once

#include <cstdint>
#include <vector>

#include "data/image.hpp"

namespace gantool {

struct GridOptions {
  int64_t rows = 8, cols = 8;  // the cells; images fill them row by row
  int64_t gap = 2;             // pixels between neighbouring images (before scaling)
  int64_t scale = 3;           // each pixel becomes scale × scale pixels
  uint8_t gap_value = 255;     // the gaps' (and empty cells') grey level
};

// The grid of the first min(n, rows × cols) images of `images` (n, C·H·W), pixel values
// 0..255 as an image dataset reads (rounded and clamped as data/image.hpp's pixel_byte),
// each of `shape` {C, H, W} with C 1 or 3. Rows of cells that no image reaches are left out.
// Image k sits in cell row k / cols, column k % cols, whose top left pixel, before scaling,
// is (y, x) = (row · (H + gap), col · (W + gap)).
Image image_grid(const float* images, int64_t n, const std::vector<int64_t>& shape, const GridOptions& options);

}  // namespace gantool
