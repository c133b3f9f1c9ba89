// Images as gantool holds them: planar 8-bit pixels (channels, height, width), the order of
// an image dataset's rows (N, C, H, W); and the conversion between float pixel values and
// bytes that every writer of images shares.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace gantool {

// One image: `pixels` holds channels × height × width bytes, channel by channel, each channel
// row by row (CHW). One channel is grey, three are red, green and blue.
struct Image {
  int64_t channels = 0, height = 0, width = 0;
  std::vector<uint8_t> pixels;  // (channels, height, width)
};

// A float pixel value (0..255) as a byte: rounded to nearest, clamped to 0..255; NaN is 0.
inline uint8_t pixel_byte(float value) {
  if (!(value > 0)) return 0;
  if (value >= 255) return 255;
  return static_cast<uint8_t>(std::lround(value));
}

// "1×28×28 grey", "3×32×32 RGB", "2×8×8": how messages and `info` name an image shape
// {C, H, W}.
std::string image_shape_text(const std::vector<int64_t>& shape);

// The column names of an image dataset's rows: "c0y0x0", "c0y0x1", ... in CHW order.
std::vector<std::string> pixel_column_names(const std::vector<int64_t>& shape);

// The number of values of one image of `shape` {C, H, W}.
int64_t image_size(const std::vector<int64_t>& shape);

}  // namespace gantool
