// MNIST's idx files (LeCun et al., "THE MNIST DATABASE", file formats section), gzipped or
// plain: a big-endian header, then the values row-major. gantool reads two kinds:
//   images  idx3-ubyte: magic 0x00000803 (unsigned bytes, 3 dimensions), then N, H, W as
//           uint32, then N × H × W pixels
//   labels  idx1-ubyte: magic 0x00000801 (unsigned bytes, 1 dimension), then N, then N labels
// Fashion-MNIST uses the same files (Debian: dataset-fashion-mnist).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gantool {

// The first images of an idx3-ubyte file.
struct IdxImages {
  int64_t count = 0;            // images the file's header declares
  int64_t height = 0, width = 0;
  int64_t read = 0;             // images read: min(count, limit)
  std::vector<uint8_t> pixels;  // (read, height, width)
};

// The first labels of an idx1-ubyte file.
struct IdxLabels {
  int64_t count = 0;            // labels the file's header declares
  std::vector<int64_t> values;  // the first min(count, limit), each 0..255
};

// Reads the first `limit` images (all when limit < 0) of the idx3-ubyte file at `path`,
// gzipped or not. Throws Error naming the file and what is wrong: missing or unreadable, not
// an idx file or of another kind (wrong magic), no images, truncated, a damaged gzip stream.
IdxImages read_idx_images(const std::string& path, int64_t limit = -1);

// The same for the labels of an idx1-ubyte file.
IdxLabels read_idx_labels(const std::string& path, int64_t limit = -1);

// True when `path` looks like an idx file: its name says so ("...-ubyte", ".idx", with or
// without ".gz"), or its first bytes (decompressed) are an idx magic number's two zeros.
bool looks_like_idx(const std::string& path);

}  // namespace gantool
