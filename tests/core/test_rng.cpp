// Tests of the Philox generator and its samplers.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/rng.hpp"

using namespace gantool;

TEST_CASE("philox4x32-10 matches Random123's known-answer vectors", "[rng]") {
  // Random123 tests/kat_vectors, the three "philox4x32 10" lines: (ctr, key) -> result.
  // Our counter words are (counter lo, counter hi, stream lo, stream hi); key (lo, hi).
  CHECK(philox4x32(0, 0, 0) == std::array<uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32(~0ull, ~0ull, ~0ull) ==
        std::array<uint32_t, 4>{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32(0x299f31d0a4093822ull, 0x0370734413198a2eull, 0x85a308d3243f6a88ull) ==
        std::array<uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("block i of a stream is independent of the blocks before it", "[rng]") {
  Rng a = make_rng(42, 7);
  for (int i = 0; i < 100; ++i) next_u64(a);
  Rng b = make_rng(42, 7);
  b.counter = 100;
  CHECK(next_u64(a) == next_u64(b));
  Rng other_stream = make_rng(42, 8);
  other_stream.counter = 101;
  CHECK(next_u64(a) != next_u64(other_stream));
}

TEST_CASE("uniform, normal and below have the right moments", "[rng]") {
  // Compared with the exact moments: U(0,1) mean 1/2, var 1/12; N(0,1) mean 0, var 1,
  // fourth moment 3; below(n) uniform over n values. Tolerances are 5 standard errors.
  const int n = 400000;
  Rng rng = make_rng(1);
  double su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
  double lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const double u = uniform(rng);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    su += u;
    su2 += u * u;
    const double z = normal(rng);
    sn += z;
    sn2 += z * z;
    sn4 += z * z * z * z;
  }
  CHECK(lo >= 0.0);
  CHECK(hi < 1.0);
  CHECK(std::abs(su / n - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(su2 / n - su / n * su / n - 1.0 / 12) < 0.001);
  CHECK(std::abs(sn / n) < 5 / std::sqrt(double(n)));
  CHECK(std::abs(sn2 / n - 1) < 5 * std::sqrt(2.0 / n));
  CHECK(std::abs(sn4 / n - 3) < 5 * std::sqrt(96.0 / n));

  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) ++counts[below(rng, 7)];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 10000.0) * (c - 10000.0) / 10000.0;
  CHECK(chi2 < 22.5);  // chi-square, 6 degrees of freedom: P(chi2 > 22.5) ≈ 0.001
}

TEST_CASE("the same seed gives the same bits, another seed does not", "[rng]") {
  Rng a = make_rng(123), b = make_rng(123), c = make_rng(124);
  for (int i = 0; i < 1000; ++i) {
    const double x = normal(a);
    CHECK(x == normal(b));
    CHECK(x != normal(c));
  }
}

TEST_CASE("fill_normal and fill_uniform: moments, and the same values whatever the thread count", "[rng]") {
  // Exact moments of N(0,1) (mean 0, var 1, fourth moment 3) and U(-1,1) (mean 0, var 1/3).
  const int64_t n = 400001;  // not a multiple of 4, and large enough to run on threads
  std::vector<float> z(n), again(n), u(n);
  Rng a = make_rng(8), b = make_rng(8);
  fill_normal(a, z.data(), n);
  CHECK(a.counter == uint64_t((n + 3) / 4));
  double s = 0, s2 = 0, s4 = 0;
  for (float v : z) s += v, s2 += double(v) * v, s4 += double(v) * v * v * v;
  CHECK(std::abs(s / n) < 5 / std::sqrt(double(n)));
  CHECK(std::abs(s2 / n - 1) < 5 * std::sqrt(2.0 / n));
  CHECK(std::abs(s4 / n - 3) < 5 * std::sqrt(96.0 / n));
  // The same stream split into two calls gives the same values when the split is at a block.
  fill_normal(b, again.data(), 400);
  fill_normal(b, again.data() + 400, n - 400);
  CHECK(std::memcmp(z.data(), again.data(), n * sizeof(float)) == 0);
  fill_uniform(a, u.data(), n, -1.0f, 1.0f);
  double su = 0, su2 = 0;
  for (float v : u) {
    REQUIRE(v >= -1.0f);
    REQUIRE(v < 1.0f);
    su += v, su2 += double(v) * v;
  }
  CHECK(std::abs(su / n) < 5 * std::sqrt(1.0 / 3 / n));
  CHECK(std::abs(su2 / n - 1.0 / 3) < 0.003);
}

TEST_CASE("row-indexed noise: row i comes from its own blocks, whatever rows are asked for", "[rng]") {
  const Rng rng = make_rng(9, 3);
  for (int64_t cols : {1, 2, 3, 4, 5, 8}) {
    INFO("cols " << cols);
    const int64_t per_row = (cols + 3) / 4;
    std::vector<float> all(50 * cols), part(7 * cols), one(cols), uni(50 * cols), uni_part(7 * cols);
    fill_normal_rows(rng, 0, 50, cols, all.data());
    fill_normal_rows(rng, 20, 7, cols, part.data());
    CHECK(std::memcmp(part.data(), all.data() + 20 * cols, part.size() * sizeof(float)) == 0);
    // Row 33 is fill_normal's first `cols` values from block 33·⌈cols/4⌉.
    Rng at_row = rng;
    at_row.counter = 33 * per_row;
    fill_normal(at_row, one.data(), cols);
    CHECK(std::memcmp(one.data(), all.data() + 33 * cols, one.size() * sizeof(float)) == 0);
    fill_uniform_rows(rng, 0, 50, cols, uni.data(), -1.0f, 1.0f);
    fill_uniform_rows(rng, 20, 7, cols, uni_part.data(), -1.0f, 1.0f);
    CHECK(std::memcmp(uni_part.data(), uni.data() + 20 * cols, uni_part.size() * sizeof(float)) == 0);
    for (float u : uni) CHECK((u >= -1.0f && u < 1.0f));
  }
  // Distinct rows get distinct values (no block is shared between rows).
  std::vector<float> z(2 * 3);
  fill_normal_rows(rng, 0, 2, 3, z.data());
  CHECK(z[0] != z[3]);
}
