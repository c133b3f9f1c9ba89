// Philox4x32-10 and the samplers built on it.
#include "core/rng.hpp"

#include <cmath>

namespace gantool {

namespace {

constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;   // round multipliers
constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;  // key schedule increments

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t product = uint64_t{a} * uint64_t{b};
  hi = static_cast<uint32_t>(product >> 32);
  lo = static_cast<uint32_t>(product);
}

inline double bits53_to_unit(uint64_t bits) {  // [0, 1)
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace

std::array<uint32_t, 4> philox4x32(uint64_t key, uint64_t stream, uint64_t counter) {
  uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32);
  uint32_t c2 = static_cast<uint32_t>(stream), c3 = static_cast<uint32_t>(stream >> 32);
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c0, hi0, lo0);
    mulhilo(kMul1, c2, hi1, lo1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return {c0, c1, c2, c3};
}

uint64_t next_u64(Rng& rng) {
  const auto w = philox4x32(rng.key, rng.stream, rng.counter++);
  return uint64_t{w[0]} | (uint64_t{w[1]} << 32);
}

double uniform(Rng& rng) { return bits53_to_unit(next_u64(rng)); }

double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * uniform(rng); }

double normal(Rng& rng) {
  const auto w = philox4x32(rng.key, rng.stream, rng.counter++);
  // u1 in (0, 1] keeps the logarithm finite.
  const double u1 = 1.0 - bits53_to_unit(uint64_t{w[0]} | (uint64_t{w[1]} << 32));
  const double u2 = bits53_to_unit(uint64_t{w[2]} | (uint64_t{w[3]} << 32));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

namespace {

// Four standard normals from one block: Box–Muller on 24-bit uniforms, both branches.
inline void normal_block(const std::array<uint32_t, 4>& w, float z[4]) {
  for (int pair = 0; pair < 2; ++pair) {
    // u in (0, 1] keeps the logarithm finite; θ in [0, 2π).
    const float u = (static_cast<float>(w[2 * pair] >> 8) + 1.0f) * 0x1.0p-24f;
    const float theta = static_cast<float>(w[2 * pair + 1] >> 8) * (0x1.0p-24f * 6.2831853f);
    const float r = std::sqrt(-2.0f * std::log(u));
    z[2 * pair] = r * std::cos(theta);
    z[2 * pair + 1] = r * std::sin(theta);
  }
}

// Four uniforms in [lo, hi) from one block.
inline void uniform_block(const std::array<uint32_t, 4>& w, float lo, float hi, float x[4]) {
  for (int k = 0; k < 4; ++k) {
    const float u = static_cast<float>(w[k] >> 8) * 0x1.0p-24f;  // [0, 1), exact in float
    const float v = lo + (hi - lo) * u;
    x[k] = v < hi ? v : lo;  // rounding could reach hi
  }
}

// n values from consecutive blocks starting at `counter`, four per block.
template <class Block>
inline void fill_blocks(const Rng& rng, uint64_t counter, float* dst, int64_t n, Block block) {
  for (int64_t b = 0; 4 * b < n; ++b) {
    float v[4];
    block(philox4x32(rng.key, rng.stream, counter + static_cast<uint64_t>(b)), v);
    for (int64_t k = 0; k < 4 && 4 * b + k < n; ++k) dst[4 * b + k] = v[k];
  }
}

}  // namespace

void fill_normal(Rng& rng, float* dst, int64_t n) {
  const int64_t blocks = (n + 3) / 4;
  const Rng start = rng;
#pragma omp parallel for schedule(static) if (n >= 65536)
  for (int64_t b = 0; b < blocks; ++b) {
    float z[4];
    normal_block(philox4x32(start.key, start.stream, start.counter + static_cast<uint64_t>(b)), z);
    const int64_t first = 4 * b;
    for (int64_t k = 0; k < 4 && first + k < n; ++k) dst[first + k] = z[k];
  }
  rng.counter += static_cast<uint64_t>(blocks);
}

void fill_uniform(Rng& rng, float* dst, int64_t n, float lo, float hi) {
  fill_blocks(rng, rng.counter, dst, n, [&](const auto& w, float* x) { uniform_block(w, lo, hi, x); });
  rng.counter += static_cast<uint64_t>((n + 3) / 4);
}

namespace {

// Row first_row + r from blocks counter + (first_row + r)·⌈cols/4⌉ onwards.
template <class Block>
void fill_rows(const Rng& rng, int64_t first_row, int64_t rows, int64_t cols, float* dst, Block block) {
  const auto per_row = static_cast<uint64_t>((cols + 3) / 4);
  for (int64_t r = 0; r < rows; ++r)
    fill_blocks(rng, rng.counter + static_cast<uint64_t>(first_row + r) * per_row, dst + r * cols, cols, block);
}

}  // namespace

void fill_normal_rows(const Rng& rng, int64_t first_row, int64_t rows, int64_t cols, float* dst) {
  fill_rows(rng, first_row, rows, cols, dst, normal_block);
}

void fill_uniform_rows(const Rng& rng, int64_t first_row, int64_t rows, int64_t cols, float* dst, float lo,
                       float hi) {
  fill_rows(rng, first_row, rows, cols, dst, [&](const auto& w, float* x) { uniform_block(w, lo, hi, x); });
}

void shuffle(std::vector<int64_t>& v, Rng& rng) {
  for (int64_t i = static_cast<int64_t>(v.size()) - 1; i > 0; --i)
    std::swap(v[static_cast<size_t>(i)], v[below(rng, static_cast<uint64_t>(i) + 1)]);
}

uint64_t below(Rng& rng, uint64_t n) {
  const unsigned __int128 product = static_cast<unsigned __int128>(next_u64(rng)) * n;
  return static_cast<uint64_t>(product >> 64);
}

}  // namespace gantool
