// The project's own random generator: Philox4x32-10, counter-based.
//
// Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC'11).
// Block i of a stream is a pure function of (key, stream, i), so any value can be computed
// independently of the others, and the same seed gives the same bits on every machine.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace gantool {

// Plain state: copy it to fork, store it to resume.
struct Rng {
  uint64_t key = 0;      // the seed
  uint64_t stream = 0;   // high 64 bits of the counter: independent substreams
  uint64_t counter = 0;  // low 64 bits of the counter: index of the next 128-bit block
};

// The Philox4x32-10 bijection of the 128-bit counter (counter, stream) under key.
std::array<uint32_t, 4> philox4x32(uint64_t key, uint64_t stream, uint64_t counter);

// A generator for seed's substream `stream`, at its first block.
inline Rng make_rng(uint64_t seed, uint64_t stream = 0) { return Rng{seed, stream, 0}; }

// The next 64 random bits (consumes one block).
uint64_t next_u64(Rng& rng);

// Uniform in [0, 1) with 53 random bits (one block).
double uniform(Rng& rng);

// Uniform in [lo, hi) (one block).
double uniform(Rng& rng, double lo, double hi);

// Standard normal by Box–Muller, cosine branch (one block).
double normal(Rng& rng);

// n standard normals as float32, four per block: Box–Muller on 32-bit uniforms, both the
// cosine and sine branches, from 24-bit uniforms (so |z| < 5.8: a tail of probability
// below 1e-8 is cut). Fast bulk noise for G's input; value i of the call comes from block
// counter + i/4 alone, so the result does not depend on the thread count.
void fill_normal(Rng& rng, float* dst, int64_t n);

// n floats uniform in [lo, hi), four per block (32-bit uniforms).
void fill_uniform(Rng& rng, float* dst, int64_t n, float lo, float hi);

// Row-indexed noise, for outputs whose row i must depend on (seed, i) alone: row r of dst
// (rows × cols) is row first_row + r of the stream, made from blocks
// rng.counter + (first_row + r)·⌈cols/4⌉ onwards, with fill_normal's or fill_uniform's
// transform. Serial, so that callers can split rows across threads; rng is not advanced.
void fill_normal_rows(const Rng& rng, int64_t first_row, int64_t rows, int64_t cols, float* dst);
void fill_uniform_rows(const Rng& rng, int64_t first_row, int64_t rows, int64_t cols, float* dst, float lo,
                       float hi);

// Fisher–Yates (Knuth's Algorithm P) in place: v[i] swaps with v[below(i + 1)], i from the
// last down to 1.
void shuffle(std::vector<int64_t>& v, Rng& rng);

// Uniform integer in [0, n), n > 0, by a 64×64→128-bit multiply (one block); the bias is
// below n / 2^64.
uint64_t below(Rng& rng, uint64_t n);

}  // namespace gantool
