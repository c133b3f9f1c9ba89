// JSD estimators: histogram, k-nearest neighbours, classifier.
#include "metrics/jsd.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include <fmt/format.h>
#include <nanoflann.hpp>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "gan/losses.hpp"
#include "nn/net.hpp"
#include "optim/optimizer.hpp"

namespace gantool {

namespace {

// The classifier's substreams of the seed: its row order and minibatches, then one per
// fold for the networks' initialization (far from the streams eval-jsd uses).
constexpr uint64_t kFoldStreams = uint64_t{1} << 32;

// ψ(x) for x > 0: recurrence up to 6, then the asymptotic series (error < 1e-12).
double digamma(double x) {
  double shift = 0;
  while (x < 6) shift -= 1 / x, x += 1;
  const double f = 1 / (x * x);
  return shift + std::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

void finish(JsdEstimate& e) { e.jsd = 0.5 * mean(e.terms_a) + 0.5 * mean(e.terms_b) + e.correction; }

// ---- histogram -------------------------------------------------------------------

// The q-quantile (lower) of v, reordering v.
double quantile(std::vector<float>& v, double q) {
  const auto k = static_cast<size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// ---- k-nearest neighbours ----------------------------------------------------------

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

// A sample's distinct rows and how often each occurs. Searches run over distinct rows and
// add multiplicities, so that a sample with a million copies of one point (a collapsed
// generator) costs no more than one with a single copy.
struct Distinct {
  Tensor rows;
  std::vector<double> weight;
  std::vector<int64_t> of_row;  // the distinct row of each row of the sample
};

Distinct distinct_rows(const Tensor& t) {
  const int64_t n = t.rows(), d = t.cols();
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const auto less = [&](int64_t x, int64_t y) {
    return std::lexicographical_compare(t.row(x), t.row(x) + d, t.row(y), t.row(y) + d);
  };
  std::sort(order.begin(), order.end(), less);
  Distinct out;
  out.of_row.resize(static_cast<size_t>(n));
  std::vector<int64_t> first_of;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || less(order[i - 1], order[i])) first_of.push_back(order[i]), out.weight.push_back(0);
    out.weight.back() += 1;
    out.of_row[static_cast<size_t>(order[i])] = static_cast<int64_t>(first_of.size()) - 1;
  }
  out.rows = take_rows(t, first_of);
  return out;
}

// The summed weight of the points within a squared distance, boundary included (nanoflann's
// RadiusResultSet excludes it and stores every match). The tree prunes with float sums of
// squares, which can put a point at exactly `radius` a little farther: the pruning bound
// gets a relative margin, the count itself compares exactly.
struct WeightWithin {
  double radius;
  const std::vector<double>* weight;
  double sum = 0;
  void init() {}
  size_t size() const { return 0; }
  bool full() const { return true; }
  bool addPoint(double dist, uint32_t index) {
    if (dist <= radius) sum += (*weight)[index];
    return true;
  }
  double worstDist() const { return radius * (1 + 1e-5) + 1e-300; }
};

double weight_within(const KdTree& tree, const std::vector<double>& weight, const float* x, double radius) {
  WeightWithin counter{radius, &weight};
  tree.findNeighbors(counter, x, nanoflann::SearchParams());
  return counter.sum;
}

// log p/m for each distinct row of `own` (n_own rows in all; the other sample n_other), m the
// pooled density, bounded by log of its bound (n_own + n_other)/n_own (ln 2 for equal sizes).
std::vector<double> knn_terms(const Distinct& own, const KdTree& own_tree, const Distinct& other,
                              const KdTree& other_tree, int64_t n_own, int64_t n_other, int k) {
  const auto u = own.rows.rows();
  const double pooled = double(n_own) + double(n_other);
  const double offset = std::log((pooled - 1) / (double(n_own) - 1)), atom = std::log(pooled / double(n_own));
  std::vector<double> terms(static_cast<size_t>(u));
#pragma omp parallel
  {
    std::vector<uint32_t> index;
    std::vector<double> dist;
#pragma omp for schedule(dynamic, 256)
    for (int64_t i = 0; i < u; ++i) {
      const float* x = own.rows.row(i);
      const double copies = own.weight[static_cast<size_t>(i)];
      // r: the distance at which the other rows of the own sample reach k (itself excluded).
      double r = 0;
      if (copies - 1 < k) {
        for (size_t want = static_cast<size_t>(k) + 1;; want *= 2) {
          want = std::min(want, static_cast<size_t>(u));
          index.resize(want), dist.resize(want);
          nanoflann::KNNResultSet<double, uint32_t> nearest(want);
          nearest.init(index.data(), dist.data());
          own_tree.findNeighbors(nearest, x, nanoflann::SearchParams());
          double total = -1;  // the row itself
          size_t j = 0;
          for (; j < nearest.size() && total < k; ++j) total += own.weight[index[j]];
          if (total >= k) {
            r = dist[j - 1];
            break;
          }
          GANTOOL_ASSERT(want < static_cast<size_t>(u));
        }
      }
      const double c_own = weight_within(own_tree, own.weight, x, r) - 1;
      const double c_other = weight_within(other_tree, other.weight, x, r);
      // At an atom (r = 0) the counts are multiplicities, the row itself included (out of n
      // a side). Elsewhere the densities in the ball. Digamma for the log of a count.
      const double term = r == 0 ? digamma(c_own + 1) - digamma(c_own + 1 + c_other) + atom
                                 : digamma(c_own) - digamma(c_own + c_other) + offset;
      terms[static_cast<size_t>(i)] = std::min(term, atom);  // log p/m ≤ log 2 for equal sizes
    }
  }
  return terms;
}

// ---- classifier -----------------------------------------------------------------------

// One candidate model: its network, the features it reads, and its best weights.
struct Candidate {
  Net net;
  bool squares = false;  // features (x, x² − 1): a logistic regression with quadratic terms
  std::vector<float> best;  // the parameter block
  double best_loss = INFINITY;
};

// Standardized inputs, clipped to ±20 so that a far outlier cannot blow up training (it
// still stands out), and with their squares for the quadratic model.
Tensor features(const Tensor& x, bool squares) {
  Tensor f(x.rows(), (squares ? 2 : 1) * x.cols());
  for (int64_t r = 0; r < x.rows(); ++r)
    for (int64_t c = 0; c < x.cols(); ++c) {
      const float v = std::clamp(x(r, c), -20.0f, 20.0f);
      f(r, c) = v;
      if (squares) f(r, x.cols() + c) = v * v - 1;
    }
  return f;
}

// Mean binary cross-entropy of the logits against labels (1: A, 0: B).
double cross_entropy(const Tensor& logits, const std::vector<float>& labels) {
  double s = 0;
  for (int64_t i = 0; i < logits.rows(); ++i) s += softplus(logits(i, 0)) - labels[static_cast<size_t>(i)] * logits(i, 0);
  return s / static_cast<double>(logits.rows());
}

// Logits of every row of x, in blocks.
Tensor predict(Net& net, const Tensor& x) {
  Tensor out(x.rows(), 1);
  const int64_t block = 4096;
  for (int64_t first = 0; first < x.rows(); first += block) {
    const int64_t n = std::min(block, x.rows() - first);
    const Tensor& y = net.forward(x.row(first), n);
    std::memcpy(out.row(first), y.data(), static_cast<size_t>(n) * sizeof(float));
  }
  return out;
}

// Adam on the cross-entropy with minibatches of 256, up to 100 epochs (fewer on large data:
// about 12,000 steps at most), stopping after 8 epochs without a better validation loss;
// keeps the best weights.
void train(Candidate& m, const Tensor& x, const std::vector<float>& y, const Tensor& vx, const std::vector<float>& vy,
           Rng& rng) {
  OptimizerConfig opt;
  opt.lr = m.squares ? 1e-2 : 1e-3;
  opt.beta1 = 0.9;
  OptimizerState state;
  const Param params = m.net.params.param();
  optimizer_init(opt, state, {&params, 1});
  const int64_t n = x.rows(), batch = std::min<int64_t>(256, n);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  Tensor xb(batch, x.cols()), diff(batch, 1);
  int since_best = 0;
  const int64_t epochs = std::clamp<int64_t>(3000000 / std::max<int64_t>(n, 1), 5, 100);
  for (int64_t epoch = 0; epoch < epochs && since_best < 8; ++epoch) {
    shuffle(order, rng);
    for (int64_t first = 0; first + batch <= n; first += batch) {
      for (int64_t j = 0; j < batch; ++j)
        std::memcpy(xb.row(j), x.row(order[static_cast<size_t>(first + j)]), static_cast<size_t>(x.cols()) * sizeof(float));
      const Tensor& logits = m.net.forward(xb.data(), batch);
      for (int64_t j = 0; j < batch; ++j)
        diff(j, 0) = static_cast<float>(
            (sigmoid(logits(j, 0)) - y[static_cast<size_t>(order[static_cast<size_t>(first + j)])]) / double(batch));
      m.net.backward(diff.data(), /*param_grads=*/true, nullptr);
      optimizer_step(opt, state, {&params, 1});
    }
    const double loss = cross_entropy(predict(m.net, vx), vy);
    if (loss < m.best_loss - 1e-5) {
      m.best_loss = loss;
      m.best = m.net.params.values;
      since_best = 0;
    } else {
      ++since_best;
    }
  }
  if (!m.best.empty()) m.net.params.values = m.best;
}

}  // namespace

void standardize_pooled(Tensor& a, Tensor& b) {
  GANTOOL_ASSERT(a.cols() == b.cols());
  const int64_t d = a.cols();
  for (int64_t c = 0; c < d; ++c) {
    std::vector<float> col;
    for (const Tensor* t : {&a, &b})
      for (int64_t r = 0; r < t->rows(); ++r) col.push_back((*t)(r, c));
    // Median and IQR (a normal's std is IQR/1.349): one huge outlier must not squash every
    // other row together. A column with IQR 0 falls back to its std, then to 1.
    const double median = quantile(col, 0.5);
    double spread = (quantile(col, 0.75) - quantile(col, 0.25)) / 1.349;
    if (!(spread > 0)) {
      double s2 = 0;
      for (float v : col) s2 += (v - median) * (v - median);
      spread = std::sqrt(s2 / double(col.size()));
    }
    const double scale = spread > 0 && std::isfinite(spread) ? 1 / spread : 1;
    for (Tensor* t : {&a, &b})
      for (int64_t r = 0; r < t->rows(); ++r) (*t)(r, c) = static_cast<float>(((*t)(r, c) - median) * scale);
  }
}

JsdEstimate hist_jsd(const Tensor& a, const Tensor& b) {
  const int64_t d = a.cols();
  GANTOOL_ASSERT(d >= 1 && d <= 3 && b.cols() == d && a.rows() > 0 && b.rows() > 0);
  const double total = double(a.rows() + b.rows());
  // Cells are sized for the smaller side: sparse cells defeat the bias correction.
  const double smaller = double(std::min(a.rows(), b.rows()));
  // Bins per dimension: Freedman–Diaconis on the pooled column, then a common coarsening.
  std::vector<double> lo(d), width(d);
  std::vector<int64_t> bins(d);
  double cells = 1;
  for (int64_t c = 0; c < d; ++c) {
    std::vector<float> col;
    col.reserve(static_cast<size_t>(total));
    for (const Tensor* t : {&a, &b})
      for (int64_t r = 0; r < t->rows(); ++r) col.push_back((*t)(r, c));
    // The grid spans the central 99.8% of the pooled rows; the rest go to the edge cells
    // (so that one far outlier does not stretch every bin).
    lo[c] = quantile(col, 0.001);
    const double hi = quantile(col, 0.999);
    const double range = hi - lo[c];
    double iqr = quantile(col, 0.75) - quantile(col, 0.25);
    if (!(iqr > 0)) iqr = range;
    // Freedman–Diaconis's width, at the rate N^(−1/(d+2)) of a d-dimensional histogram.
    const double h = 2 * iqr * std::pow(total, -1.0 / double(d + 2));
    bins[c] = range > 0 && h > 0 ? static_cast<int64_t>(std::clamp(std::ceil(range / h), 1.0, 100000.0)) : 1;
    width[c] = range / double(bins[c]);
    cells *= double(bins[c]);
  }
  // At least 20 rows of the smaller side per cell on average.
  const double max_cells = std::max(1.0, smaller / 20);
  if (cells > max_cells) {
    const double shrink = std::pow(max_cells / cells, 1.0 / double(d));
    for (int64_t c = 0; c < d; ++c) {
      const int64_t coarser = std::max<int64_t>(1, static_cast<int64_t>(std::floor(double(bins[c]) * shrink)));
      width[c] *= double(bins[c]) / double(coarser);
      bins[c] = coarser;
    }
  }
  int64_t ncells = 1;
  for (int64_t c = 0; c < d; ++c) ncells *= bins[c];
  const auto cell_of = [&](const float* x) {
    int64_t cell = 0;
    for (int64_t c = 0; c < d; ++c) {
      const double at = width[c] > 0 ? (double(x[c]) - lo[c]) / width[c] : 0;
      cell = cell * bins[c] + static_cast<int64_t>(std::clamp(at, 0.0, double(bins[c] - 1)));
    }
    return cell;
  };
  std::vector<double> p(static_cast<size_t>(ncells)), q(static_cast<size_t>(ncells));
  std::vector<int64_t> cell_a(static_cast<size_t>(a.rows())), cell_b(static_cast<size_t>(b.rows()));
  const double na = double(a.rows()), nb = double(b.rows());
  for (int64_t r = 0; r < a.rows(); ++r) p[static_cast<size_t>(cell_a[size_t(r)] = cell_of(a.row(r)))] += 1 / na;
  for (int64_t r = 0; r < b.rows(); ++r) q[static_cast<size_t>(cell_b[size_t(r)] = cell_of(b.row(r)))] += 1 / nb;

  JsdEstimate e;
  const auto term = [](double own, double other) { return std::log(2 * own / (own + other)); };
  for (int64_t r = 0; r < a.rows(); ++r) {
    const auto k = static_cast<size_t>(cell_a[size_t(r)]);
    e.terms_a.push_back(term(p[k], q[k]));
  }
  for (int64_t r = 0; r < b.rows(); ++r) {
    const auto k = static_cast<size_t>(cell_b[size_t(r)]);
    e.terms_b.push_back(term(q[k], p[k]));
  }
  // Plug-in entropies are biased low by Σ Var(p̂_k)/(2 p_k): (K_p − 1)/(2 n_a) for H(P̂), and
  // Σ [p_k(1 − p_k)/n_a + q_k(1 − q_k)/n_b] / (8 m_k) for H(M̂), M̂ = (P̂ + Q̂)/2. With
  // JSD = H(M) − ½H(P) − ½H(Q), the plug-in's bias is −B_M + ½B_P + ½B_Q.
  double bias_p = 0, bias_q = 0, bias_m = 0;
  for (size_t k = 0; k < p.size(); ++k) {
    if (p[k] > 0) bias_p += (1 - p[k]) / (2 * na);
    if (q[k] > 0) bias_q += (1 - q[k]) / (2 * nb);
    const double m = (p[k] + q[k]) / 2;
    if (m > 0) bias_m += (p[k] * (1 - p[k]) / na + q[k] * (1 - q[k]) / nb) / (8 * m);
  }
  e.correction = bias_m - 0.5 * bias_p - 0.5 * bias_q;
  std::string shape;
  for (int64_t c = 0; c < d; ++c) shape += (c ? " × " : "") + std::to_string(bins[c]);
  e.settings = shape + " bins, bias-corrected";
  finish(e);
  return e;
}

void knn_log_ratios(const Tensor& a, const Tensor& b, int k_a, int k_b, std::vector<double>& terms_a,
                    std::vector<double>& terms_b) {
  GANTOOL_ASSERT(a.cols() == b.cols() && k_a >= 0 && k_b >= 0 && a.rows() > k_a && b.rows() > k_b);
  const Distinct da = distinct_rows(a), db = distinct_rows(b);
  const Points pa{da.rows}, pb{db.rows};
  const auto dim = static_cast<size_t>(a.cols());
  const KdTree ta(dim, pa, nanoflann::KDTreeSingleIndexAdaptorParams(16));
  const KdTree tb(dim, pb, nanoflann::KDTreeSingleIndexAdaptorParams(16));
  // A side with k = 0 keeps terms 0.
  const std::vector<double> ua = k_a > 0 ? knn_terms(da, ta, db, tb, a.rows(), b.rows(), k_a)
                                         : std::vector<double>(static_cast<size_t>(da.rows.rows()), 0.0);
  const std::vector<double> ub = k_b > 0 ? knn_terms(db, tb, da, ta, b.rows(), a.rows(), k_b)
                                         : std::vector<double>(static_cast<size_t>(db.rows.rows()), 0.0);
  terms_a.clear(), terms_b.clear();
  for (int64_t of : da.of_row) terms_a.push_back(ua[static_cast<size_t>(of)]);
  for (int64_t of : db.of_row) terms_b.push_back(ub[static_cast<size_t>(of)]);
}

JsdEstimate knn_jsd(const Tensor& a, const Tensor& b, int k) {
  GANTOOL_ASSERT(a.rows() == b.rows() && a.cols() == b.cols() && k >= 1 && a.rows() > k);
  JsdEstimate e;
  knn_log_ratios(a, b, k, k, e.terms_a, e.terms_b);
  e.settings = fmt::format("k = {}, pooled and standardized", k);
  finish(e);
  return e;
}

JsdEstimate classifier_jsd(const Tensor& a, const Tensor& b, int folds, uint64_t seed) {
  GANTOOL_ASSERT(a.rows() == b.rows() && a.cols() == b.cols() && folds >= 2);
  const int64_t n = a.rows(), d = a.cols();
  Rng rng = make_rng(seed, kFoldStreams - 1);
  // Rows of both samples, labelled, in a seeded random order cut into folds.
  std::vector<int64_t> order(static_cast<size_t>(2 * n));
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);
  // Row id of the pooled rows: A's first (label 1), then B's (label 0).
  Tensor pooled = a;
  pooled.resize(2 * n, d);
  std::memcpy(pooled.row(n), b.data(), static_cast<size_t>(b.size()) * sizeof(float));
  const auto gather = [&](const std::vector<int64_t>& ids, Tensor& x, std::vector<float>& y) {
    x = take_rows(pooled, ids);
    y.resize(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) y[i] = ids[i] < n ? 1.0f : 0.0f;
  };
  JsdEstimate e;
  e.terms_a.assign(static_cast<size_t>(n), 0);
  e.terms_b.assign(static_cast<size_t>(n), 0);
  int chose_mlp = 0;
  for (int f = 0; f < folds; ++f) {
    // The fold's rows are scored; of the others, every fifth validates (early stopping and
    // the choice of model), the rest fit.
    std::vector<int64_t> test, fit, valid;
    int64_t others = 0;
    for (size_t i = 0; i < order.size(); ++i) {
      if (static_cast<int>(i % static_cast<size_t>(folds)) == f)
        test.push_back(order[i]);
      else
        (others++ % 5 == 4 ? valid : fit).push_back(order[i]);
    }
    Tensor x_fit, x_valid, x_test;
    std::vector<float> y_fit, y_valid, y_test;
    gather(fit, x_fit, y_fit);
    gather(valid, x_valid, y_valid);
    gather(test, x_test, y_test);
    Rng init = make_rng(seed, kFoldStreams + static_cast<uint64_t>(f));
    Candidate quadratic, mlp;
    quadratic.net = Net(mlp_spec(2 * d, {{}, Activation::identity, 0, Activation::identity}, 1), Init::xavier, init);
    quadratic.squares = true;
    mlp.net = Net(mlp_spec(d, {{128, 128}, Activation::leaky_relu, 0.2f, Activation::identity}, 1), Init::pytorch, init);
    for (Candidate* m : {&quadratic, &mlp})
      train(*m, features(x_fit, m->squares), y_fit, features(x_valid, m->squares), y_valid, rng);
    Candidate& best = mlp.best_loss < quadratic.best_loss ? mlp : quadratic;
    chose_mlp += &best == &mlp;
    const Tensor logits = predict(best.net, features(x_test, best.squares));
    for (size_t i = 0; i < test.size(); ++i) {
      const double l = logits(static_cast<int64_t>(i), 0);
      // ln 2 + ln D and ln 2 + ln(1 − D), D = σ(l).
      if (test[i] < n)
        e.terms_a[static_cast<size_t>(test[i])] = std::log(2.0) - softplus(-l);
      else
        e.terms_b[static_cast<size_t>(test[i] - n)] = std::log(2.0) - softplus(l);
    }
  }
  e.lower_bound = true;
  e.settings = fmt::format("{}-fold cross-fitting; model per fold: {} MLP, {} quadratic logistic", folds, chose_mlp,
                           folds - chose_mlp);
  finish(e);
  return e;
}

}  // namespace gantool
