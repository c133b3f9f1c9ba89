// Distance to the closest record and exact copies.
#include "metrics/privacy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <nanoflann.hpp>

#include "core/error.hpp"
#include "metrics/finite_features.hpp"

namespace gantool {

namespace {

// nanoflann's view of a Tensor's rows.
struct Points {
  const Tensor& t;
  size_t kdtree_get_point_count() const { return static_cast<size_t>(t.rows()); }
  float kdtree_get_pt(size_t i, size_t d) const { return t(static_cast<int64_t>(i), static_cast<int64_t>(d)); }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }
};
using KdTree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, Points, double>, Points, -1,
                                                   uint32_t>;

uint64_t mix(uint64_t h, uint64_t v) {  // splitmix64's finalizer over the running hash
  uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Row r's value in column c as 64 bits that compare as the values do (-0 as 0, every NaN
// alike); `missing` is set apart.
uint64_t value_bits(const Table& t, size_t c, size_t r, bool& missing) {
  const ColumnValues& col = t.columns[c];
  missing = col.missing[r] != 0;
  if (missing) return 0;
  if (!holds_reals(t.schema.columns[c].kind)) return static_cast<uint64_t>(col.ints[r]);
  double v = col.reals[r];
  if (v == 0) v = 0;
  if (std::isnan(v)) v = NAN;
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

uint64_t row_hash(const Table& t, int64_t r) {
  uint64_t h = 0;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    bool missing = false;
    const uint64_t bits = value_bits(t, c, static_cast<size_t>(r), missing);
    h = mix(h, missing ? 0x5bd1e995ULL : bits), h = mix(h, missing);
  }
  return h;
}

bool same_row(const Table& a, int64_t ra, const Table& b, int64_t rb) {
  for (size_t c = 0; c < a.columns.size(); ++c) {
    bool ma = false, mb = false;
    const uint64_t va = value_bits(a, c, static_cast<size_t>(ra), ma), vb = value_bits(b, c, static_cast<size_t>(rb), mb);
    if (ma != mb || va != vb) return false;
  }
  return true;
}

}  // namespace

std::vector<double> closest_distances(const Tensor& reference, const Tensor& queries) {
  GANTOOL_ASSERT(reference.rows() >= 1 && reference.cols() == queries.cols());
  const Points points{reference};
  const KdTree tree(static_cast<size_t>(reference.cols()), points, nanoflann::KDTreeSingleIndexAdaptorParams(16));
  std::vector<double> out(static_cast<size_t>(queries.rows()));
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t i = 0; i < queries.rows(); ++i) {
    uint32_t index = 0;
    double dist = 0;
    nanoflann::KNNResultSet<double, uint32_t> nearest(1);
    nearest.init(&index, &dist);
    tree.findNeighbors(nearest, queries.row(i), nanoflann::SearchParams());
    out[static_cast<size_t>(i)] = std::sqrt(dist);
  }
  return out;
}

int64_t exact_copies(const Table& reference, const Table& table) {
  std::vector<std::pair<uint64_t, int64_t>> hashes(static_cast<size_t>(reference.rows));
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < reference.rows; ++r) hashes[static_cast<size_t>(r)] = {row_hash(reference, r), r};
  std::sort(hashes.begin(), hashes.end());
  int64_t copies = 0;
#pragma omp parallel for schedule(static) reduction(+ : copies)
  for (int64_t r = 0; r < table.rows; ++r) {
    const uint64_t h = row_hash(table, r);
    auto it = std::lower_bound(hashes.begin(), hashes.end(), std::make_pair(h, int64_t{0}));
    for (; it != hashes.end() && it->first == h; ++it)
      if (same_row(reference, it->second, table, r)) {
        ++copies;
        break;
      }
  }
  return copies;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  const double h = q * double(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - double(lo)) * (values[hi] - values[lo]);
}

Privacy privacy(const Table& train, const Table& synth, const Table& real, const Table& synth_rows,
                const Table& real_rows) {
  GANTOOL_ASSERT(train.rows >= 1);
  Privacy p;
  const FeatureMap map = fit_features(train, synth);
  const Tensor reference = encode_finite(map, train);
  const std::vector<double> dcr_synth = closest_distances(reference, encode_finite(map, synth_rows));
  const std::vector<double> dcr_real = closest_distances(reference, encode_finite(map, real_rows));
  p.rows_train = train.rows;
  p.rows_synth = synth_rows.rows;
  p.rows_real = real_rows.rows;
  p.median_synth = percentile(dcr_synth, 0.5);
  p.median_real = percentile(dcr_real, 0.5);
  p.ratio = p.median_real > 0 ? p.median_synth / p.median_real : p.median_synth > 0 ? INFINITY : NAN;
  p.p5_synth = percentile(dcr_synth, 0.05);
  p.p5_real = percentile(dcr_real, 0.05);
  p.copies_synth = exact_copies(train, synth);
  p.copies_real = exact_copies(train, real);
  p.copy_share_synth = synth.rows ? double(p.copies_synth) / double(synth.rows) : 0;
  p.copy_share_real = real.rows ? double(p.copies_real) / double(real.rows) : 0;
  p.flagged = p.ratio < 0.8 || p.copy_share_synth > p.copy_share_real + 0.01;
  return p;
}

}  // namespace gantool
