// Forward passes over many rows (generation, scoring): the rows are cut into tiles of
// kTileRows, and threads take tiles in turn, each running its own copy of the network on
// single-threaded kernels. Every tile has the same shape (the last one is padded), so a
// row's output depends on its input row and its place in the tile alone — not on how many
// rows one call holds nor on the thread count. One barrier per call instead of one per
// layer also keeps two threads busy on small networks, whose products are too short to
// split well.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"
#include "nn/net.hpp"

namespace gantool {

class TiledForward {
 public:
  static constexpr int64_t kTileRows = 512;

  // Copies net once per thread.
  TiledForward(const Net& net, int threads);

  int64_t in() const { return workers_.front().net.in(); }
  int64_t out() const { return workers_.front().net.out(); }

  // src (n, in) → dst (n, out), tile by tile from src's first row. Callers that cut a long
  // run of rows into calls starting at multiples of kTileRows get the same bits as one
  // call over all of them.
  void run(const float* src, int64_t n, float* dst);

 private:
  struct Worker {
    Net net;
    Tensor padded;  // (kTileRows, in): the last, partial tile
  };
  std::vector<Worker> workers_;
};

}  // namespace gantool
