// Distance to the closest record and exact copies.
#include "metrics/privacy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <map>

#include "core/error.hpp"
#include "metrics/finite_features.hpp"
#include "nn/linear.hpp"

namespace gantool {

namespace {

// Rows of the reference and queries per product (a (batch, block) block of dot products).
constexpr int64_t kBlock = 16384, kBatch = 256;

// Squared norms of the rows of t, in double.
std::vector<double> squared_norms(const Tensor& t) {
  std::vector<double> out(static_cast<size_t>(t.rows()));
  for (int64_t r = 0; r < t.rows(); ++r) {
    double s = 0;
    for (int64_t c = 0; c < t.cols(); ++c) s += double(t(r, c)) * double(t(r, c));
    out[static_cast<size_t>(r)] = s;
  }
  return out;
}

double exact_squared(const float* a, const float* b, int64_t d) {
  double s = 0;
  for (int64_t c = 0; c < d; ++c) s += (double(a[c]) - double(b[c])) * (double(a[c]) - double(b[c]));
  return s;
}

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
  const int64_t n = reference.rows(), d = reference.cols(), q = queries.rows();
  const std::vector<double> ref_norm = squared_norms(reference), query_norm = squared_norms(queries);
  // One product gives a·b − |b|²/2 (a query row with −1/2 appended, a reference row with |b|²),
  // whose largest value is the nearest row: |a − b|² = |a|² − 2 (a·b − |b|²/2). Float
  // rounding is within about (d + 8) · 2^-23 · (|a|² + |b|²): candidates within that of the best
  // exact distance so far are measured again in double.
  const double tolerance = double(d + 8) * 1.2e-7;
  Tensor src(q, d + 1), weights(std::min(kBlock, n), d + 1);  // (q, d + 1), (block, d + 1)
  for (int64_t i = 0; i < q; ++i) {
    std::copy(queries.row(i), queries.row(i) + d, src.row(i));
    src(i, d) = -0.5f;
  }
  std::vector<double> best(static_cast<size_t>(q), INFINITY);
  std::vector<float> dots(static_cast<size_t>(kBatch * kBlock));  // (batch, block)
  std::map<int64_t, Linear> products;  // by block rows: dots = src · weightsᵀ
  for (int64_t first = 0; first < n; first += kBlock) {
    const int64_t rows = std::min(kBlock, n - first);
    double block_norm = 0;
    for (int64_t j = 0; j < rows; ++j) {
      std::copy(reference.row(first + j), reference.row(first + j) + d, weights.row(j));
      weights(j, d) = static_cast<float>(ref_norm[static_cast<size_t>(first + j)]);
      block_norm = std::max(block_norm, ref_norm[static_cast<size_t>(first + j)]);
    }
    auto it = products.find(rows);
    if (it == products.end()) it = products.emplace(rows, Linear(d + 1, rows, Activation::identity, 0)).first;
    for (int64_t q0 = 0; q0 < q; q0 += kBatch) {
      const int64_t batch = std::min(kBatch, q - q0);
      it->second.product(src.row(q0), dots.data(), batch, weights.data());
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < batch; ++i) {
        const auto qi = static_cast<size_t>(q0 + i);
        const double qn = query_norm[qi], slack = tolerance * (qn + block_norm) + 1e-12;
        const float* dot = &dots[static_cast<size_t>(i * rows)];
        double threshold = (qn - best[qi] - slack) / 2;  // -inf while best is inf
        for (int64_t j = 0; j < rows; ++j) {
          if (double(dot[j]) < threshold) continue;
          best[qi] = std::min(best[qi], exact_squared(queries.row(q0 + i), reference.row(first + j), d));
          threshold = (qn - best[qi] - slack) / 2;
        }
      }
    }
  }
  for (double& v : best) v = std::sqrt(v);
  return best;
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
