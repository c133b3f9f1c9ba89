// PNG files through libpng: reading one image as grey or RGB, and writing one.
//
// Reading converts what a PNG may hold to 8-bit grey or RGB: palette images to RGB (to grey
// when every palette entry is grey), grey of 1, 2 or 4 bits to 8, 16-bit samples scaled to
// 8 bits (libpng's png_set_scale_16: rounded, 65535 → 255). An alpha channel (or a tRNS
// transparency chunk) is dropped when every pixel is opaque, and refused otherwise: what a
// transparent pixel should look like is not in the file.
#pragma once

#include <string>

#include "data/image.hpp"

namespace gantool {

// Reads the PNG file at `path` as a grey (1 channel) or RGB (3 channels) image. Throws Error
// naming the file: missing, not a PNG, damaged or truncated, or with transparent pixels.
Image read_png(const std::string& path);

// Writes `image` (1 or 3 channels) to `path` as an 8-bit PNG, under a temporary name renamed
// when complete. Throws Error naming the file when it cannot be written (a full disk).
void write_png(const std::string& path, const Image& image);

// The same without the temporary: for the files of a folder that is itself written under a
// temporary name (core/tempfile.hpp's TempFolder).
void write_png_direct(const std::string& path, const Image& image);

}  // namespace gantool
