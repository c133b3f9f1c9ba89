// Logistic and ridge regression.
#include "metrics/linear_models.hpp"

#include <algorithm>
#include <cmath>
#include <deque>

#include "core/error.hpp"

namespace gantool {

namespace {

constexpr int64_t kChunk = 1024;  // rows per partial sum (a fixed split: the same bits on any thread count)

double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// The logistic objective of fit_logistic divided by n, and its gradient.
struct LogisticProblem {
  const std::vector<double>& x;
  int64_t n = 0, d = 0;
  std::vector<int64_t> y;  // class index 0 … k − 1
  int64_t k = 0, scored = 0;  // classes; scored rows of weights (1 when k = 2)
  double c = 1;

  // The loss of row i added to loss and its gradient to grad_t, with the weights transposed:
  // w_t and grad_t (d + 1, scored). Zero features (most one-hot ones) are skipped; the loops
  // over classes are contiguous (vectorized).
  void add_row(const double* w_t, int64_t i, double& loss, double* grad_t, double* z) const {
    const double* xi = &x[static_cast<size_t>(i * d)];
    for (int64_t j = 0; j < scored; ++j) z[j] = w_t[d * scored + j];
    for (int64_t f = 0; f < d; ++f) {
      const double xf = xi[f];
      if (xf == 0) continue;
      const double* wf = w_t + f * scored;
      for (int64_t j = 0; j < scored; ++j) z[j] += wf[j] * xf;
    }
    const int64_t yi = y[static_cast<size_t>(i)];
    if (scored == 1) {  // binary: P(class 1) = σ(z)
      const double target = yi == 1 ? 1.0 : 0.0;
      loss += softplus(z[0]) - target * z[0];
      z[0] = 1 / (1 + std::exp(-z[0])) - target;
    } else {  // multinomial: softmax over the classes
      double top = z[0];
      for (int64_t j = 1; j < scored; ++j) top = std::max(top, z[j]);
      double sum = 0;
      for (int64_t j = 0; j < scored; ++j) sum += std::exp(z[j] - top);
      const double lse = top + std::log(sum);
      loss += lse - z[yi];
      for (int64_t j = 0; j < scored; ++j) z[j] = std::exp(z[j] - lse) - (j == yi ? 1.0 : 0.0);
    }
    for (int64_t f = 0; f < d; ++f) {
      const double xf = xi[f];
      if (xf == 0) continue;
      double* gf = grad_t + f * scored;
      for (int64_t j = 0; j < scored; ++j) gf[j] += z[j] * xf;
    }
    for (int64_t j = 0; j < scored; ++j) grad_t[d * scored + j] += z[j];
  }

  double eval(const std::vector<double>& w, std::vector<double>& grad) const {
    const int64_t chunks = (n + kChunk - 1) / kChunk, size = scored * (d + 1);
    std::vector<double> w_t(static_cast<size_t>(size));  // (d + 1, scored)
    for (int64_t j = 0; j < scored; ++j)
      for (int64_t f = 0; f <= d; ++f) w_t[static_cast<size_t>(f * scored + j)] = w[static_cast<size_t>(j * (d + 1) + f)];
    std::vector<double> losses(static_cast<size_t>(chunks), 0), grads(static_cast<size_t>(chunks * size), 0);
#pragma omp parallel for schedule(static)
    for (int64_t ch = 0; ch < chunks; ++ch) {
      std::vector<double> z(static_cast<size_t>(scored));
      for (int64_t i = ch * kChunk; i < std::min(n, (ch + 1) * kChunk); ++i)
        add_row(w_t.data(), i, losses[static_cast<size_t>(ch)], &grads[static_cast<size_t>(ch * size)], z.data());
    }
    double loss = 0;
    std::vector<double> grad_t(static_cast<size_t>(size), 0);
    for (int64_t ch = 0; ch < chunks; ++ch) {
      loss += losses[static_cast<size_t>(ch)];
      for (int64_t p = 0; p < size; ++p) grad_t[static_cast<size_t>(p)] += grads[static_cast<size_t>(ch * size + p)];
    }
    grad.assign(static_cast<size_t>(size), 0);
    for (int64_t j = 0; j < scored; ++j)
      for (int64_t f = 0; f <= d; ++f) grad[static_cast<size_t>(j * (d + 1) + f)] = grad_t[static_cast<size_t>(f * scored + j)];
    for (int64_t p = 0; p < size; ++p) {  // the penalty, intercepts excluded
      const auto q = static_cast<size_t>(p);
      if (p % (d + 1) != d) loss += w[q] * w[q] / (2 * c), grad[q] += w[q] / c;
      grad[q] /= double(n);
    }
    return loss / double(n);
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The inverse of the objective's Hessian diagonal at W = 0 (σ'(0) = 1/4, or (1/k)(1 − 1/k) for
// a softmax of k classes, times the mean x², plus the penalty): L-BFGS's initial matrix, which
// evens out features of very different scales (rare categories) and saves most iterations.
std::vector<double> inverse_diagonal(const LogisticProblem& problem) {
  const int64_t d = problem.d;
  const double curvature = problem.scored == 1 ? 0.25 : (1.0 / double(problem.k)) * (1 - 1.0 / double(problem.k));
  std::vector<double> mean_sq(static_cast<size_t>(d + 1), 0);
  for (int64_t i = 0; i < problem.n; ++i)
    for (int64_t f = 0; f < d; ++f) mean_sq[static_cast<size_t>(f)] += problem.x[static_cast<size_t>(i * d + f)] * problem.x[static_cast<size_t>(i * d + f)];
  for (int64_t f = 0; f < d; ++f) mean_sq[static_cast<size_t>(f)] /= double(problem.n);
  mean_sq[static_cast<size_t>(d)] = 1;  // the intercept's "feature"
  std::vector<double> out;
  for (int64_t j = 0; j < problem.scored; ++j)
    for (int64_t f = 0; f <= d; ++f)
      out.push_back(1 / (curvature * mean_sq[static_cast<size_t>(f)] + (f < d ? 1 / (problem.c * double(problem.n)) : 1e-12)));
  return out;
}

// L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.4 and 7.5; 10 pairs;
// the initial matrix γ·inverse_diagonal) with a backtracking Armijo line search; stops when
// every gradient entry is below 1e-10 (the objective is divided by n) or no step decreases
// the objective.
std::vector<double> minimize(const LogisticProblem& problem) {
  std::vector<double> w(static_cast<size_t>(problem.scored * (problem.d + 1)), 0), g, w_new, g_new;
  const std::vector<double> h0 = inverse_diagonal(problem);
  double f = problem.eval(w, g);
  std::deque<std::vector<double>> ss, ys;
  for (int iter = 0; iter < 2000; ++iter) {
    double top = 0;
    for (const double v : g) top = std::max(top, std::fabs(v));
    if (top < 1e-10) break;
    // Two-loop recursion: p = −H g.
    std::vector<double> p = g, alpha(ss.size());
    for (size_t m = ss.size(); m-- > 0;) {
      alpha[m] = dot(ss[m], p) / dot(ys[m], ss[m]);
      for (size_t i = 0; i < p.size(); ++i) p[i] -= alpha[m] * ys[m][i];
    }
    double gamma = 1;  // sᵀy / yᵀH0y of the newest pair
    if (!ss.empty()) {
      double yhy = 0;
      for (size_t i = 0; i < h0.size(); ++i) yhy += ys.back()[i] * h0[i] * ys.back()[i];
      gamma = dot(ss.back(), ys.back()) / yhy;
    }
    for (size_t i = 0; i < p.size(); ++i) p[i] *= gamma * h0[i];
    for (size_t m = 0; m < ss.size(); ++m) {
      const double beta = dot(ys[m], p) / dot(ys[m], ss[m]);
      for (size_t i = 0; i < p.size(); ++i) p[i] += ss[m][i] * (alpha[m] - beta);
    }
    for (double& v : p) v = -v;
    double slope = dot(g, p);
    if (!(slope < 0)) {  // not a descent direction: restart from the gradient
      ss.clear(), ys.clear();
      for (size_t i = 0; i < p.size(); ++i) p[i] = -g[i];
      slope = dot(g, p);
    }
    double step = 1, f_new = f;
    bool moved = false;
    for (int tries = 0; tries < 60 && !moved; ++tries, step *= 0.5) {
      w_new = w;
      for (size_t i = 0; i < w.size(); ++i) w_new[i] += step * p[i];
      f_new = problem.eval(w_new, g_new);
      moved = f_new <= f + 1e-4 * step * slope;
    }
    if (!moved) break;
    std::vector<double> s(w.size()), yv(w.size());
    for (size_t i = 0; i < w.size(); ++i) s[i] = w_new[i] - w[i], yv[i] = g_new[i] - g[i];
    if (dot(s, yv) > 1e-300) {
      ss.push_back(std::move(s)), ys.push_back(std::move(yv));
      if (ss.size() > 10) ss.pop_front(), ys.pop_front();
    }
    const bool stalled = f - f_new <= 1e-16 * std::max(1.0, std::fabs(f));
    w.swap(w_new), g.swap(g_new), f = f_new;
    if (stalled && top < 1e-7) break;
  }
  return w;
}

// Solves a x = b for a symmetric positive definite (n, n) by Cholesky; b becomes x.
void cholesky_solve(std::vector<double> a, int64_t n, std::vector<double>& b) {
  const auto at = [&](int64_t i, int64_t j) -> double& { return a[static_cast<size_t>(i * n + j)]; };
  for (int64_t j = 0; j < n; ++j) {
    double s = at(j, j);
    for (int64_t k = 0; k < j; ++k) s -= at(j, k) * at(j, k);
    GANTOOL_ASSERT(s > 0);
    at(j, j) = std::sqrt(s);
    for (int64_t i = j + 1; i < n; ++i) {
      double t = at(i, j);
      for (int64_t k = 0; k < j; ++k) t -= at(i, k) * at(j, k);
      at(i, j) = t / at(j, j);
    }
  }
  for (int64_t i = 0; i < n; ++i) {  // L z = b
    for (int64_t k = 0; k < i; ++k) b[static_cast<size_t>(i)] -= at(i, k) * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] /= at(i, i);
  }
  for (int64_t i = n; i-- > 0;) {  // Lᵀ x = z
    for (int64_t k = i + 1; k < n; ++k) b[static_cast<size_t>(i)] -= at(k, i) * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] /= at(i, i);
  }
}

// The scores (scored) of row xi.
void scores(const LinearModel& m, const double* xi, std::vector<double>& z) {
  const int64_t d = m.features, rows = static_cast<int64_t>(m.weights.size()) / (d + 1);
  z.assign(static_cast<size_t>(rows), 0);
  for (int64_t j = 0; j < rows; ++j) {
    const double* wj = &m.weights[static_cast<size_t>(j * (d + 1))];
    double s = wj[d];
    for (int64_t f = 0; f < d; ++f) s += wj[f] * xi[f];
    z[static_cast<size_t>(j)] = s;
  }
}

}  // namespace

LinearModel fit_logistic(const std::vector<double>& x, int64_t d, const std::vector<int64_t>& y, double c) {
  LinearModel model;
  model.features = d;
  model.classes = y;
  std::sort(model.classes.begin(), model.classes.end());
  model.classes.erase(std::unique(model.classes.begin(), model.classes.end()), model.classes.end());
  const auto k = static_cast<int64_t>(model.classes.size());
  if (k < 2) return model;  // one class (or none): always predicted
  LogisticProblem problem{x, static_cast<int64_t>(y.size()), d, {}, k, k == 2 ? 1 : k, c};
  for (const int64_t code : y)
    problem.y.push_back(std::lower_bound(model.classes.begin(), model.classes.end(), code) - model.classes.begin());
  model.weights = minimize(problem);
  return model;
}

std::vector<int64_t> predict_classes(const LinearModel& model, const std::vector<double>& x) {
  const int64_t d = model.features, n = static_cast<int64_t>(x.size()) / std::max<int64_t>(d, 1);
  std::vector<int64_t> out(static_cast<size_t>(d > 0 ? n : 0), model.classes.empty() ? -1 : model.classes[0]);
  if (model.weights.empty()) return out;
  std::vector<double> z;
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    scores(model, &x[static_cast<size_t>(i * d)], z);
    size_t best = 0;
    if (z.size() == 1) best = z[0] > 0 ? 1 : 0;
    else
      for (size_t j = 1; j < z.size(); ++j)
        if (z[j] > z[best]) best = j;
    out[static_cast<size_t>(i)] = model.classes[best];
  }
  return out;
}

LinearModel fit_ridge(const std::vector<double>& x, int64_t d, const std::vector<double>& y, double alpha) {
  const auto n = static_cast<int64_t>(y.size());
  GANTOOL_ASSERT(n > 0 && static_cast<int64_t>(x.size()) == n * d);
  std::vector<double> mean_x(static_cast<size_t>(d), 0);
  double mean_y = 0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t f = 0; f < d; ++f) mean_x[static_cast<size_t>(f)] += x[static_cast<size_t>(i * d + f)];
    mean_y += y[static_cast<size_t>(i)];
  }
  for (double& m : mean_x) m /= double(n);
  mean_y /= double(n);
  // (XcᵀXc + alpha I) w = Xcᵀ yc.
  std::vector<double> a(static_cast<size_t>(d * d), 0), b(static_cast<size_t>(d), 0), xc(static_cast<size_t>(d));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t f = 0; f < d; ++f) xc[static_cast<size_t>(f)] = x[static_cast<size_t>(i * d + f)] - mean_x[static_cast<size_t>(f)];
    const double yc = y[static_cast<size_t>(i)] - mean_y;
    for (int64_t f = 0; f < d; ++f) {
      b[static_cast<size_t>(f)] += xc[static_cast<size_t>(f)] * yc;
      for (int64_t g = 0; g <= f; ++g) a[static_cast<size_t>(f * d + g)] += xc[static_cast<size_t>(f)] * xc[static_cast<size_t>(g)];
    }
  }
  for (int64_t f = 0; f < d; ++f) {
    a[static_cast<size_t>(f * d + f)] += alpha;
    for (int64_t g = 0; g < f; ++g) a[static_cast<size_t>(g * d + f)] = a[static_cast<size_t>(f * d + g)];
  }
  if (d > 0) cholesky_solve(a, d, b);
  LinearModel model;
  model.features = d;
  model.weights = b;
  double intercept = mean_y;
  for (int64_t f = 0; f < d; ++f) intercept -= mean_x[static_cast<size_t>(f)] * b[static_cast<size_t>(f)];
  model.weights.push_back(intercept);
  return model;
}

std::vector<double> predict_values(const LinearModel& model, const std::vector<double>& x) {
  const int64_t d = model.features, n = d > 0 ? static_cast<int64_t>(x.size()) / d : 0;
  std::vector<double> out(static_cast<size_t>(n)), z;
  for (int64_t i = 0; i < n; ++i) {
    scores(model, &x[static_cast<size_t>(i * d)], z);
    out[static_cast<size_t>(i)] = z[0];
  }
  return out;
}

}  // namespace gantool
