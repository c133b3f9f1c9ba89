// The Fréchet distance, k-NN precision and recall, and class coverage of eval-fd.
// Eigen (header-only) does the symmetric eigendecompositions; the distance products run on
// oneDNN through nn/linear's product.
#include "metrics/frechet.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include <omp.h>

// Eigen's own OpenMP threading would make its products' bits depend on the thread count.
#define EIGEN_DONT_PARALLELIZE
#include <Eigen/Dense>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/linear.hpp"

namespace gantool {

namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Throws unless every value of t is finite; `what` names the set in the message.
void check_finite(const Tensor& t, const char* what) {
  for (int64_t r = 0; r < t.rows(); ++r)
    for (int64_t c = 0; c < t.cols(); ++c)
      if (!std::isfinite(t(r, c)))
        fail("{} features: row {} has a non-finite value ({}) in column {}; the features must be finite numbers",
             what, r, t(r, c), c);
}

// Σ √max(λ, 0) over the eigenvalues λ of the symmetric matrix m.
double trace_sqrt(const RowMatrixD& m) {
  Eigen::SelfAdjointEigenSolver<RowMatrixD> eig(m, Eigen::EigenvaluesOnly);
  double sum = 0;
  for (int64_t i = 0; i < eig.eigenvalues().size(); ++i) sum += std::sqrt(std::max(eig.eigenvalues()(i), 0.0));
  return sum;
}

// ---- exact distances through blocked float products ------------------------------------

// Query rows and reference rows per product: dots (kBatch, kBlock) is 2 MiB.
constexpr int64_t kBatch = 256, kBlock = 2048;

// Rows minus a centre, in float for the products (their distances are those of the rows,
// their norms small), with their squared norms in double.
struct Centred {
  Tensor rows;                // (n, dims)
  std::vector<double> norms;  // (n)
};

Centred centre_rows(const Tensor& t, const std::vector<double>& centre) {
  Centred c{Tensor(t.rows(), t.cols()), std::vector<double>(static_cast<size_t>(t.rows()))};
  for (int64_t r = 0; r < t.rows(); ++r) {
    double s = 0;
    for (int64_t j = 0; j < t.cols(); ++j) {
      c.rows(r, j) = static_cast<float>(double(t(r, j)) - centre[static_cast<size_t>(j)]);
      s += double(c.rows(r, j)) * double(c.rows(r, j));
    }
    c.norms[static_cast<size_t>(r)] = s;
  }
  return c;
}

std::vector<double> column_means(const Tensor& t) {
  std::vector<double> m(static_cast<size_t>(t.cols()), 0.0);
  for (int64_t r = 0; r < t.rows(); ++r)
    for (int64_t j = 0; j < t.cols(); ++j) m[static_cast<size_t>(j)] += t(r, j);
  for (double& v : m) v /= double(std::max<int64_t>(t.rows(), 1));
  return m;
}

double exact_squared(const float* a, const float* b, int64_t d) {
  double s = 0;
  for (int64_t c = 0; c < d; ++c) s += (double(a[c]) - double(b[c])) * (double(a[c]) - double(b[c]));
  return s;
}

// |a − b|² ≈ |a|² + |b|² − 2 a·b with a·b a float product of centred rows is within
// slack(|a|², |b|²) of the exact value: the product's rounding is below d·2⁻²⁴(|a|² + |b|²)
// in any summation order, the centring's below 4·2⁻²⁴(|a|² + |b|²); twice that, plus a floor.
struct Slack {
  double tolerance;
  double operator()(double norm_a, double norm_b) const { return tolerance * (norm_a + norm_b) + 1e-12; }
};
Slack slack_for(int64_t dims) { return Slack{double(dims + 8) * 1.2e-7}; }

// Calls scan(q0, batch, r0, block, dots) for every batch of query rows and block of
// reference rows, dots (batch, block) = queries[q0 …] · refs[r0 …]ᵀ; scan runs on the
// calling thread (it parallelizes over its rows itself).
using BlockScan = std::function<void(int64_t q0, int64_t batch, int64_t r0, int64_t block, const float* dots)>;
void for_each_product(const Tensor& queries, const Tensor& refs, const BlockScan& scan) {
  const int64_t d = queries.cols();
  std::vector<float> dots(static_cast<size_t>(kBatch * kBlock));  // (batch, block)
  std::map<int64_t, Linear> products;                              // by block rows
  for (int64_t r0 = 0; r0 < refs.rows(); r0 += kBlock) {
    const int64_t block = std::min(kBlock, refs.rows() - r0);
    auto it = products.find(block);
    if (it == products.end()) it = products.emplace(block, Linear(d, block, Activation::identity, 0)).first;
    for (int64_t q0 = 0; q0 < queries.rows(); q0 += kBatch) {
      const int64_t batch = std::min(kBatch, queries.rows() - q0);
      it->second.product(queries.row(q0), dots.data(), batch, refs.row(r0));
      scan(q0, batch, r0, block, dots.data());
    }
  }
}

// The squared distance from each row of t to its k-th nearest other row, exact in double.
std::vector<double> kth_squared(const Tensor& t, int k) {
  const Centred c = centre_rows(t, column_means(t));
  const int64_t n = t.rows(), d = t.cols(), kept = k + 1;  // itself (at 0) and k others
  const Slack slack = slack_for(d);
  std::vector<double> best(static_cast<size_t>(n * kept), INFINITY);  // (n, k + 1), ascending
  for_each_product(c.rows, c.rows, [&](int64_t q0, int64_t batch, int64_t r0, int64_t block, const float* dots) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < batch; ++i) {
      const int64_t qi = q0 + i;
      const double qn = c.norms[static_cast<size_t>(qi)];
      double* top = &best[static_cast<size_t>(qi * kept)];
      const float* dot = dots + i * block;
      for (int64_t j = 0; j < block; ++j) {
        const double rn = c.norms[static_cast<size_t>(r0 + j)];
        if (qn + rn - 2 * double(dot[j]) - slack(qn, rn) > top[k]) continue;
        const double e = exact_squared(t.row(qi), t.row(r0 + j), d);
        if (e >= top[k]) continue;
        int64_t at = k;  // insertion into the sorted top
        for (; at > 0 && top[at - 1] > e; --at) top[at] = top[at - 1];
        top[at] = e;
      }
    }
  });
  std::vector<double> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = best[static_cast<size_t>(i * kept + k)];
  return out;
}

// Which rows of a lie in some ball of b (radii² b_radii2) and which rows of b in some ball
// of a (a_radii2), in one pass over the a × b distances; an empty radii vector skips that
// direction. a_in (rows of a) and b_in (rows of b) are 0/1 flags.
void ball_membership(const Tensor& a, const std::vector<double>& a_radii2, const Tensor& b,
                     const std::vector<double>& b_radii2, std::vector<uint8_t>& a_in, std::vector<uint8_t>& b_in) {
  const int64_t d = a.cols(), nb = b.rows();
  const std::vector<double> centre = column_means(a);
  const Centred ca = centre_rows(a, centre), cb = centre_rows(b, centre);
  const Slack slack = slack_for(d);
  const bool want_a = !b_radii2.empty(), want_b = !a_radii2.empty();
  a_in.assign(static_cast<size_t>(a.rows()), 0);
  b_in.assign(static_cast<size_t>(nb), 0);
  // b's flags are set by whichever thread scans a row of a: one copy per thread, merged.
  std::vector<uint8_t> b_local(static_cast<size_t>(omp_get_max_threads() * nb), 0);  // (threads, nb)
  // Whether the rows are within radius² r2: certainly, certainly not, or measured exactly.
  const auto inside = [&](double approx, double s, double r2, int64_t ia, int64_t ib) {
    if (approx + s <= r2) return true;
    if (approx - s > r2) return false;
    return exact_squared(a.row(ia), b.row(ib), d) <= r2;
  };
  for_each_product(ca.rows, cb.rows, [&](int64_t q0, int64_t batch, int64_t r0, int64_t block, const float* dots) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < batch; ++i) {
      const int64_t ia = q0 + i;
      uint8_t* seen_b = &b_local[static_cast<size_t>(omp_get_thread_num() * nb)];
      const double qn = ca.norms[static_cast<size_t>(ia)];
      const double ra2 = want_b ? a_radii2[static_cast<size_t>(ia)] : 0;
      bool in_a = !want_a || a_in[static_cast<size_t>(ia)];
      const float* dot = dots + i * block;
      for (int64_t j = 0; j < block; ++j) {
        const int64_t ib = r0 + j;
        const bool need_b = want_b && !b_in[static_cast<size_t>(ib)] && !seen_b[ib];
        if (in_a && !need_b) continue;
        const double rn = cb.norms[static_cast<size_t>(ib)];
        const double approx = qn + rn - 2 * double(dot[j]), s = slack(qn, rn);
        if (!in_a) in_a = inside(approx, s, b_radii2[static_cast<size_t>(ib)], ia, ib);
        if (need_b && inside(approx, s, ra2, ia, ib)) seen_b[ib] = 1;
      }
      if (want_a) a_in[static_cast<size_t>(ia)] = in_a;
    }
    // Merge the threads' findings for this block (read by the next batches' scans).
    for (size_t t = 0; t * static_cast<size_t>(nb) < b_local.size(); ++t)
      for (int64_t j = r0; j < r0 + block; ++j) b_in[static_cast<size_t>(j)] |= b_local[t * static_cast<size_t>(nb) + static_cast<size_t>(j)];
  });
}

double share_of(const std::vector<uint8_t>& flags) {
  int64_t in = 0;
  for (uint8_t f : flags) in += f;
  return flags.empty() ? 0 : double(in) / double(flags.size());
}

void check_sets(const Tensor& real, const Tensor& fake, int k) {
  if (real.cols() != fake.cols())
    fail("real features have {} dims and fake features {}; compute both with the same features file",
         real.cols(), fake.cols());
  if (k < 1) fail("precision and recall need k ≥ 1 neighbours, not {}", k);
  if (real.rows() <= k || fake.rows() <= k)
    fail("precision and recall with k = {} need more than {} rows in each set (real: {}, fake: {})", k, k,
         real.rows(), fake.rows());
  check_finite(real, "real");
  check_finite(fake, "fake");
}

}  // namespace

GaussianFit fit_gaussian(const Tensor& features) {
  if (features.rows() < 2) fail("a Gaussian fit needs at least 2 rows of features, not {}", features.rows());
  check_finite(features, "the");
  const int64_t n = features.rows(), d = features.cols();
  RowMatrixD x = Eigen::Map<const RowMatrixF>(features.data(), n, d).cast<double>();  // (n, d)
  const Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  RowMatrixD cov = (x.transpose() * x) / double(n - 1);  // (d, d)
  GaussianFit fit;
  fit.rows = n, fit.dims = d;
  fit.mean.assign(mean.data(), mean.data() + d);
  fit.cov.assign(cov.data(), cov.data() + d * d);
  return fit;
}

double frechet_distance(const GaussianFit& a, const GaussianFit& b) {
  if (a.dims != b.dims)
    fail("Fréchet distance of features with {} and {} dims; compute both with the same features file", a.dims, b.dims);
  const int64_t d = a.dims;
  GANTOOL_ASSERT(int64_t(a.mean.size()) == d && int64_t(a.cov.size()) == d * d && int64_t(b.cov.size()) == d * d);
  const Eigen::Map<const RowMatrixD> s1(a.cov.data(), d, d), s2(b.cov.data(), d, d);
  double mean_term = 0;
  for (int64_t j = 0; j < d; ++j) mean_term += (a.mean[size_t(j)] - b.mean[size_t(j)]) * (a.mean[size_t(j)] - b.mean[size_t(j)]);
  // Σ₁^½ = V diag(√λ) Vᵀ, then the symmetric Σ₁^½ Σ₂ Σ₁^½ (its rounding asymmetry removed).
  Eigen::SelfAdjointEigenSolver<RowMatrixD> eig(s1);
  const Eigen::VectorXd root = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  const RowMatrixD half = eig.eigenvectors() * root.asDiagonal() * eig.eigenvectors().transpose();
  RowMatrixD m = half * s2 * half;
  m = (0.5 * (m + m.transpose())).eval();
  const double fd = mean_term + s1.trace() + s2.trace() - 2 * trace_sqrt(m);
  return std::max(fd, 0.0);
}

double frechet_distance(const Tensor& a, const Tensor& b) {
  if (a.cols() != b.cols())
    fail("Fréchet distance of features with {} and {} dims; compute both with the same features file", a.cols(), b.cols());
  return frechet_distance(fit_gaussian(a), fit_gaussian(b));
}

FrechetInterval frechet_interval(const Tensor& a, const Tensor& b, int64_t resamples, uint64_t seed) {
  if (resamples < 2) fail("a bootstrap interval needs at least 2 resamples, not {}", resamples);
  const double fd = frechet_distance(a, b);  // and the checks, once, before the threads
  std::vector<double> fds(static_cast<size_t>(resamples));
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t i = 0; i < resamples; ++i) {
    Rng rng = make_rng(seed, static_cast<uint64_t>(i));
    const auto draw = [&](const Tensor& t) {
      std::vector<int64_t> rows(static_cast<size_t>(t.rows()));
      for (int64_t& r : rows) r = static_cast<int64_t>(below(rng, static_cast<uint64_t>(t.rows())));
      return fit_gaussian(take_rows(t, rows));
    };
    const GaussianFit fa = draw(a), fb = draw(b);
    fds[static_cast<size_t>(i)] = frechet_distance(fa, fb);
  }
  std::sort(fds.begin(), fds.end());
  // A percentile by linear interpolation between order statistics (numpy's default).
  const auto at = [&](double p) {
    const double pos = p * double(resamples - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, fds.size() - 1);
    return fds[lo] + (pos - double(lo)) * (fds[hi] - fds[lo]);
  };
  double mean = 0;
  for (double v : fds) mean += v / double(resamples);
  return FrechetInterval{mean - fd, 2 * fd - at(0.975), 2 * fd - at(0.025)};
}

std::vector<double> knn_radii(const Tensor& points, int k) {
  if (k < 1) fail("k-NN radii need k ≥ 1 neighbours, not {}", k);
  if (points.rows() <= k) fail("k-NN radii with k = {} need more than {} rows, not {}", k, k, points.rows());
  check_finite(points, "the");
  std::vector<double> r = kth_squared(points, k);
  for (double& v : r) v = std::sqrt(v);
  return r;
}

double share_in_balls(const Tensor& centres, const std::vector<double>& radii, const Tensor& queries) {
  GANTOOL_ASSERT(int64_t(radii.size()) == centres.rows() && centres.cols() == queries.cols());
  check_finite(centres, "the centres'");
  check_finite(queries, "the queries'");
  std::vector<double> radii2(radii.size());
  for (size_t i = 0; i < radii.size(); ++i) radii2[i] = radii[i] * radii[i];
  std::vector<uint8_t> queries_in, centres_in;
  ball_membership(queries, {}, centres, radii2, queries_in, centres_in);
  return share_of(queries_in);
}

PrecisionRecall precision_recall(const Tensor& real, const Tensor& fake, int k) {
  check_sets(real, fake, k);
  const std::vector<double> real_r2 = kth_squared(real, k), fake_r2 = kth_squared(fake, k);
  std::vector<uint8_t> real_in, fake_in;  // real rows in some fake ball; fake rows in some real ball
  ball_membership(real, real_r2, fake, fake_r2, real_in, fake_in);
  PrecisionRecall pr;
  pr.k = k;
  pr.precision = share_of(fake_in);
  pr.recall = share_of(real_in);
  return pr;
}

ClassCoverage class_coverage(const std::vector<int64_t>& real, const std::vector<int64_t>& fake, int64_t classes) {
  if (classes < 1) fail("class coverage needs at least 1 class, not {}", classes);
  if (real.empty() || fake.empty())
    fail("class coverage needs predicted classes of both sets (real: {} rows, fake: {})", real.size(), fake.size());
  ClassCoverage cc;
  cc.classes = classes;
  const auto count = [&](const std::vector<int64_t>& predicted, const char* what) {
    std::vector<int64_t> counts(static_cast<size_t>(classes), 0);
    for (size_t r = 0; r < predicted.size(); ++r) {
      if (predicted[r] < 0 || predicted[r] >= classes)
        fail("{} row {} is predicted as class {}, outside 0..{}; the features file must be the classifier's",
             what, r, predicted[r], classes - 1);
      ++counts[static_cast<size_t>(predicted[r])];
    }
    return counts;
  };
  cc.counts_real = count(real, "real");
  cc.counts_fake = count(fake, "fake");
  const double nr = double(real.size()), nf = double(fake.size()), half = 0.5 * double(classes);
  for (size_t c = 0; c < static_cast<size_t>(classes); ++c) {
    cc.share_real.push_back(double(cc.counts_real[c]) / nr);
    cc.share_fake.push_back(double(cc.counts_fake[c]) / nf);
    const double p = (double(cc.counts_real[c]) + 0.5) / (nr + half), q = (double(cc.counts_fake[c]) + 0.5) / (nf + half);
    cc.kl += p * std::log(p / q);
    cc.missing += cc.counts_real[c] > 0 && cc.counts_fake[c] == 0;
    cc.balanced += cc.share_fake[c] >= 0.05 && cc.share_fake[c] <= 0.15;
  }
  return cc;
}

std::vector<int64_t> predicted_classes(const Tensor& probabilities) {
  std::vector<int64_t> out(static_cast<size_t>(probabilities.rows()));
  for (int64_t r = 0; r < probabilities.rows(); ++r) {
    int64_t best = 0;
    for (int64_t c = 0; c < probabilities.cols(); ++c) {
      if (std::isnan(probabilities(r, c))) fail("class probabilities: row {} has a NaN in column {}", r, c);
      if (probabilities(r, c) > probabilities(r, best)) best = c;
    }
    out[static_cast<size_t>(r)] = best;
  }
  return out;
}

}  // namespace gantool
