// Tests of selection sampling and the row shuffle: exactly k of n, each row equally likely
// (a chi-square test at a fixed seed), the same choices from the same seed, and a shuffle
// that is a permutation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "data/selection.hpp"

using namespace gantool;

TEST_CASE("Selection chooses exactly k of n rows, and the same seed replays them", "[selection]") {
  for (const auto& [n, k] : {std::pair<int64_t, int64_t>{1, 1}, {10, 0}, {10, 10}, {1000, 1}, {1000, 999}, {12345, 678}}) {
    Selection a{make_rng(5, 9), n, k}, b{make_rng(5, 9), n, k};
    int64_t chosen = 0;
    for (int64_t r = 0; r < n; ++r) {
      const bool x = a.next();
      REQUIRE(x == b.next());
      chosen += x;
    }
    CHECK(chosen == k);
    CHECK(a.left == 0);
    CHECK(a.needed == 0);
  }
}

TEST_CASE("Selection chooses every row equally often (chi-square)", "[selection]") {
  const int64_t n = 20, k = 5, trials = 20000;
  std::vector<int64_t> counts(n, 0);
  Rng rng = make_rng(11, 3);
  for (int64_t t = 0; t < trials; ++t) {
    Selection s{rng, n, k};
    for (int64_t r = 0; r < n; ++r) counts[static_cast<size_t>(r)] += s.next();
    rng = s.rng;  // the next trial goes on with the same stream
  }
  // Each row is chosen with probability k/n; the counts are dependent (they sum to k·trials),
  // so the statistic is compared with a generous bound: χ²(19) exceeds 43.8 with
  // probability 0.001.
  const double expected = double(trials) * k / n;
  double chi2 = 0;
  for (int64_t c : counts) chi2 += (double(c) - expected) * (double(c) - expected) / expected;
  CHECK(chi2 < 43.8);
}

TEST_CASE("select_rows keeps the chosen rows in order, and all rows without drawing", "[selection]") {
  Tensor t(100, 2);
  for (int64_t r = 0; r < 100; ++r) t(r, 0) = float(r), t(r, 1) = float(-r);
  Rng rng = make_rng(1);
  const Tensor all = select_rows(t, 100, rng);
  CHECK(all.rows() == 100);
  CHECK(rng.counter == 0);
  const Tensor some = select_rows(t, 7, rng);
  REQUIRE(some.rows() == 7);
  for (int64_t r = 1; r < 7; ++r) CHECK(some(r, 0) > some(r - 1, 0));
  for (int64_t r = 0; r < 7; ++r) CHECK(some(r, 1) == -some(r, 0));
  CHECK(rng.counter > 0);
  CHECK(rng.counter <= 100);  // one draw per row decided, none after the last choice
  Rng again = make_rng(1);
  const Tensor same = select_rows(t, 7, again);
  CHECK(std::equal(same.data(), same.data() + same.size(), some.data()));
  CHECK(again.counter == rng.counter);
}

TEST_CASE("shuffle_rows permutes whole rows, the same way for the same seed", "[selection]") {
  Tensor t(1000, 3);
  for (int64_t r = 0; r < 1000; ++r)
    for (int64_t c = 0; c < 3; ++c) t(r, c) = float(3 * r + c);
  Tensor u = t;
  Rng a = make_rng(4, 7), b = make_rng(4, 7);
  shuffle_rows(t, a);
  shuffle_rows(u, b);
  CHECK(std::equal(t.data(), t.data() + t.size(), u.data()));
  std::vector<int64_t> first(1000);
  int64_t moved = 0;
  for (int64_t r = 0; r < 1000; ++r) {
    const auto origin = static_cast<int64_t>(t(r, 0)) / 3;
    for (int64_t c = 0; c < 3; ++c) REQUIRE(t(r, c) == float(3 * origin + c));
    first[static_cast<size_t>(r)] = origin;
    moved += origin != r;
  }
  std::sort(first.begin(), first.end());
  std::vector<int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(first == identity);
  CHECK(moved > 900);
  // The same draws as the index shuffle of core/rng.
  std::vector<int64_t> order(1000);
  std::iota(order.begin(), order.end(), 0);
  Rng c = make_rng(4, 7);
  shuffle(order, c);
  for (int64_t r = 0; r < 1000; ++r) CHECK(static_cast<int64_t>(t(r, 0)) / 3 == order[static_cast<size_t>(r)]);
}
