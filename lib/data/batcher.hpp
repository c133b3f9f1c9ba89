// Minibatches drawn from rows held in memory by seeded shuffled epochs: each epoch visits
// every row once, in an order that depends only on (seed, epoch), so that training can
// resume exactly from (epoch, position).
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace gantool {

struct Batcher {
  const Tensor* rows = nullptr;  // (n, d), not owned
  uint64_t seed = 0;
  int64_t epoch = 0;     // the epoch being read
  int64_t position = 0;  // rows of it already handed out
  std::vector<int64_t> order;  // the epoch's permutation of 0..n-1
};

// A batcher over `rows` at (epoch, position): pass a stored state to resume.
Batcher make_batcher(const Tensor& rows, uint64_t seed, int64_t epoch = 0, int64_t position = 0);

// Copies the next n rows into dst (n × d), moving on to a new epoch (a fresh permutation)
// when the current one runs out. Allocates nothing.
void next_batch(Batcher& batcher, float* dst, int64_t n);

}  // namespace gantool
