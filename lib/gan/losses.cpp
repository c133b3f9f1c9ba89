// GAN losses on the discriminator's logits, in double, with softplus forms that stay finite
// for any float logit. Each loss is a mean over the real logits plus a mean over the fake
// ones, so each function below is one per-logit term and its derivative.
#include "gan/losses.hpp"

#include <cmath>

#include "core/error.hpp"

namespace gantool {

GanLoss parse_gan_loss(const std::string& name) {
  if (name == "nonsaturating") return GanLoss::nonsaturating;
  if (name == "minimax") return GanLoss::minimax;
  if (name == "hinge") return GanLoss::hinge;
  if (name == "least-squares") return GanLoss::least_squares;
  if (name == "wasserstein") return GanLoss::wasserstein;
  if (name == "wgan-gp") return GanLoss::wgan_gp;
  fail_usage("--loss must be one of nonsaturating, minimax, hinge, least-squares, wasserstein, wgan-gp (got '{}')",
             name);
}

const char* gan_loss_name(GanLoss loss) {
  switch (loss) {
    case GanLoss::nonsaturating: return "nonsaturating";
    case GanLoss::minimax: return "minimax";
    case GanLoss::hinge: return "hinge";
    case GanLoss::least_squares: return "least-squares";
    case GanLoss::wasserstein: return "wasserstein";
    case GanLoss::wgan_gp: return "wgan-gp";
  }
  GANTOOL_ASSERT(false && "unknown GanLoss");
  return "";
}

bool outputs_probability(GanLoss loss) { return loss == GanLoss::nonsaturating || loss == GanLoss::minimax; }

// log(1 + e^x) = max(x, 0) + log(1 + e^−|x|): no overflow, and exact to rounding for large |x|.
double softplus(double x) { return std::fmax(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }

// 1 / (1 + e^−x), evaluated through e^−|x| so that nothing overflows.
double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

namespace {

// The discriminator's term for one real logit r; writes d term / d r.
// Cross-entropy: −log σ(r) = softplus(−r), derivative −σ(−r) (= σ(r) − 1, without cancellation).
double real_term_d(GanLoss loss, double r, double& diff) {
  switch (loss) {
    case GanLoss::nonsaturating:
    case GanLoss::minimax: diff = -sigmoid(-r); return softplus(-r);
    case GanLoss::hinge: diff = r < 1.0 ? -1.0 : 0.0; return std::fmax(0.0, 1.0 - r);
    case GanLoss::least_squares: diff = r - 1.0; return 0.5 * (r - 1.0) * (r - 1.0);
    case GanLoss::wasserstein:
    case GanLoss::wgan_gp: diff = -1.0; return -r;
  }
  GANTOOL_ASSERT(false && "unknown GanLoss");
  return 0.0;
}

// The discriminator's term for one fake logit f; writes d term / d f.
// Cross-entropy: −log(1 − σ(f)) = softplus(f), derivative σ(f).
double fake_term_d(GanLoss loss, double f, double& diff) {
  switch (loss) {
    case GanLoss::nonsaturating:
    case GanLoss::minimax: diff = sigmoid(f); return softplus(f);
    case GanLoss::hinge: diff = f > -1.0 ? 1.0 : 0.0; return std::fmax(0.0, 1.0 + f);
    case GanLoss::least_squares: diff = f; return 0.5 * f * f;
    case GanLoss::wasserstein:
    case GanLoss::wgan_gp: diff = 1.0; return f;
  }
  GANTOOL_ASSERT(false && "unknown GanLoss");
  return 0.0;
}

// The generator's term for one fake logit f; writes d term / d f.
// Non-saturating: −log σ(f) = softplus(−f). Minimax: log(1 − σ(f)) = −softplus(f).
double fake_term_g(GanLoss loss, double f, double& diff) {
  switch (loss) {
    case GanLoss::nonsaturating: diff = -sigmoid(-f); return softplus(-f);
    case GanLoss::minimax: diff = -sigmoid(f); return -softplus(f);
    case GanLoss::hinge:
    case GanLoss::wasserstein:
    case GanLoss::wgan_gp: diff = -1.0; return -f;
    case GanLoss::least_squares: diff = f - 1.0; return 0.5 * (f - 1.0) * (f - 1.0);
  }
  GANTOOL_ASSERT(false && "unknown GanLoss");
  return 0.0;
}

}  // namespace

double discriminator_loss(GanLoss loss, const float* real, int64_t n_real, const float* fake,
                          int64_t n_fake, float* diff_real, float* diff_fake) {
  // real, diff_real: (n_real); fake, diff_fake: (n_fake).
  GANTOOL_ASSERT(n_real > 0 && n_fake > 0);
  double sum_real = 0.0;
  for (int64_t i = 0; i < n_real; ++i) {
    double diff = 0.0;
    sum_real += real_term_d(loss, real[i], diff);
    diff_real[i] = static_cast<float>(diff / static_cast<double>(n_real));
  }
  double sum_fake = 0.0;
  for (int64_t i = 0; i < n_fake; ++i) {
    double diff = 0.0;
    sum_fake += fake_term_d(loss, fake[i], diff);
    diff_fake[i] = static_cast<float>(diff / static_cast<double>(n_fake));
  }
  return sum_real / static_cast<double>(n_real) + sum_fake / static_cast<double>(n_fake);
}

double generator_loss(GanLoss loss, const float* fake, int64_t n, float* diff_fake) {
  // fake, diff_fake: (n).
  GANTOOL_ASSERT(n > 0);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    double diff = 0.0;
    sum += fake_term_g(loss, fake[i], diff);
    diff_fake[i] = static_cast<float>(diff / static_cast<double>(n));
  }
  return sum / static_cast<double>(n);
}

namespace {

// Σ u_row² in double.
double squared_norm(const float* u, int64_t cols) {
  double s = 0;
  for (int64_t j = 0; j < cols; ++j) s += double(u[j]) * u[j];
  return s;
}

}  // namespace

double gradient_penalty(const float* u, int64_t rows, int64_t cols, double weight, float* diff_u) {
  // u, diff_u: (rows, cols). d/du (‖u‖ − 1)² = 2(‖u‖ − 1)·u/‖u‖.
  GANTOOL_ASSERT(rows > 0 && cols > 0);
  double sum = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = u + r * cols;
    const double norm = std::sqrt(squared_norm(row, cols));
    sum += (norm - 1) * (norm - 1);
    const double scale = norm > 0 ? weight * 2 * (norm - 1) / norm / static_cast<double>(rows) : 0.0;
    for (int64_t j = 0; j < cols; ++j) diff_u[r * cols + j] = static_cast<float>(scale * row[j]);
  }
  return weight * sum / static_cast<double>(rows);
}

double r1_penalty(const float* u, int64_t rows, int64_t cols, double gamma, float* diff_u) {
  // u, diff_u: (rows, cols). d/du (γ/2)‖u‖² = γ·u.
  GANTOOL_ASSERT(rows > 0 && cols > 0);
  double sum = 0;
  const double scale = gamma / static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = u + r * cols;
    sum += squared_norm(row, cols);
    for (int64_t j = 0; j < cols; ++j) diff_u[r * cols + j] = static_cast<float>(scale * row[j]);
  }
  return 0.5 * gamma * sum / static_cast<double>(rows);
}

}  // namespace gantool
