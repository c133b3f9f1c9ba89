// Seeded shuffled epochs: every row once per epoch, reproducible, resumable mid-epoch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "data/batcher.hpp"

using namespace gantool;

TEST_CASE("batcher: each epoch is a permutation, and a resumed batcher continues exactly", "[batcher]") {
  Tensor rows(10, 1);
  for (int64_t i = 0; i < 10; ++i) rows(i, 0) = static_cast<float>(i);
  Batcher a = make_batcher(rows, 7);
  std::vector<float> first(30);
  next_batch(a, first.data(), 4);  // batches straddle the epoch ends
  next_batch(a, first.data() + 4, 26);
  CHECK(a.epoch == 2);
  CHECK(a.position == 10);
  for (int e = 0; e < 3; ++e) {
    std::vector<float> epoch(first.begin() + 10 * e, first.begin() + 10 * (e + 1));
    const std::vector<float> sorted_epoch = [&] { auto v = epoch; std::sort(v.begin(), v.end()); return v; }();
    for (int i = 0; i < 10; ++i) CHECK(sorted_epoch[i] == float(i));
  }
  CHECK(!std::equal(first.begin(), first.begin() + 10, first.begin() + 10));  // epochs differ

  // From a stored (epoch, position) the same rows follow.
  Batcher b = make_batcher(rows, 7);
  std::vector<float> part(13), rest(17);
  next_batch(b, part.data(), 13);
  Batcher resumed = make_batcher(rows, 7, b.epoch, b.position);
  next_batch(resumed, rest.data(), 17);
  CHECK(std::equal(part.begin(), part.end(), first.begin()));
  CHECK(std::equal(rest.begin(), rest.end(), first.begin() + 13));

  Batcher other = make_batcher(rows, 8);
  std::vector<float> x(10);
  next_batch(other, x.data(), 10);
  CHECK(!std::equal(x.begin(), x.end(), first.begin()));
}
