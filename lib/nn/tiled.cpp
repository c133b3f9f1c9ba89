// Tiled, thread-parallel forward passes.
#include "nn/tiled.hpp"

#include <omp.h>

#include <algorithm>
#include <cstring>

namespace gantool {

TiledForward::TiledForward(const Net& net, int threads) {
  GANTOOL_ASSERT(threads > 0);
  for (int t = 0; t < threads; ++t) workers_.push_back({net.copy(), Tensor(kTileRows, net.in())});
}

void TiledForward::run(const float* src, int64_t n, float* dst) {
  const int64_t tiles = (n + kTileRows - 1) / kTileRows, cols_in = in(), cols_out = out();
  // oneDNN runs its kernels on one thread inside an OpenMP parallel region.
#pragma omp parallel num_threads(static_cast<int>(workers_.size()))
  {
    Worker& w = workers_[static_cast<size_t>(omp_get_thread_num())];
    // Dynamic: on a machine shared with other work, a slowed thread takes fewer tiles.
#pragma omp for schedule(dynamic, 1)
    for (int64_t t = 0; t < tiles; ++t) {
      const int64_t first = t * kTileRows, rows = std::min(kTileRows, n - first);
      const float* in = src + first * cols_in;
      if (rows < kTileRows) {
        std::memcpy(w.padded.data(), in, static_cast<size_t>(rows * cols_in) * sizeof(float));
        std::fill(w.padded.row(rows), w.padded.data() + w.padded.size(), 0.0f);
        in = w.padded.data();
      }
      const Tensor& out = w.net.forward(in, kTileRows);
      std::memcpy(dst + first * cols_out, out.data(), static_cast<size_t>(rows * cols_out) * sizeof(float));
    }
  }
}

}  // namespace gantool
