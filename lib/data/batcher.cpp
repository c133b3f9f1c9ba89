// Seeded shuffled epochs.
#include "data/batcher.hpp"

#include <cstring>
#include <numeric>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace gantool {

namespace {

// Epoch e's order is a Fisher–Yates shuffle drawn from the seed's substream 2^62 + e
// (substreams 0 and 1 initialize the networks and draw the noise).
void shuffle_epoch(Batcher& b) {
  std::iota(b.order.begin(), b.order.end(), int64_t{0});
  Rng rng = make_rng(b.seed, (uint64_t{1} << 62) + static_cast<uint64_t>(b.epoch));
  shuffle(b.order, rng);
}

}  // namespace

Batcher make_batcher(const Tensor& rows, uint64_t seed, int64_t epoch, int64_t position) {
  GANTOOL_ASSERT(rows.rows() > 0 && position >= 0 && position <= rows.rows());
  Batcher b;
  b.rows = &rows;
  b.seed = seed;
  b.epoch = epoch;
  b.position = position;
  b.order.resize(static_cast<size_t>(rows.rows()));
  shuffle_epoch(b);
  return b;
}

void next_batch(Batcher& b, float* dst, int64_t n) {
  const int64_t d = b.rows->cols(), total = b.rows->rows();
  for (int64_t i = 0; i < n; ++i) {
    if (b.position == total) {
      ++b.epoch;
      b.position = 0;
      shuffle_epoch(b);
    }
    std::memcpy(dst + i * d, b.rows->row(b.order[static_cast<size_t>(b.position++)]),
                static_cast<size_t>(d) * sizeof(float));
  }
}

}  // namespace gantool
