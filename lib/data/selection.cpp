// Selection sampling and the row shuffle.
#include "data/selection.hpp"

#include <cstring>
#include <vector>

namespace gantool {

bool Selection::next() {
  const bool chosen = static_cast<double>(left) * uniform(rng) < static_cast<double>(needed);
  needed -= chosen;
  --left;
  return chosen;
}

Tensor select_rows(Tensor t, int64_t count, Rng& rng) {
  if (count >= t.rows()) return t;
  Selection selection{rng, t.rows(), count};
  std::vector<int64_t> chosen;
  for (int64_t r = 0; r < t.rows() && selection.needed > 0; ++r)
    if (selection.next()) chosen.push_back(r);
  rng = selection.rng;
  return take_rows(t, chosen);
}

void shuffle_rows(Tensor& t, Rng& rng) {
  std::vector<float> tmp(static_cast<size_t>(t.cols()));
  const size_t bytes = static_cast<size_t>(t.cols()) * sizeof(float);
  for (int64_t i = t.rows() - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(below(rng, static_cast<uint64_t>(i) + 1));
    if (j == i) continue;
    std::memcpy(tmp.data(), t.row(i), bytes);
    std::memcpy(t.row(i), t.row(j), bytes);
    std::memcpy(t.row(j), tmp.data(), bytes);
  }
}

}  // namespace gantool
