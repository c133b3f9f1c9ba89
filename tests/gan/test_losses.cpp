// Tests of the GAN losses: every loss's value against a naive formula (log of a plainly computed
// sigmoid), every gradient against central finite differences of the loss itself, and finite,
// correct results for logits far beyond where the naive formulas overflow.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "gan/losses.hpp"

using namespace gantool;

namespace {

const std::vector<GanLoss> all_losses = {GanLoss::nonsaturating, GanLoss::minimax, GanLoss::hinge,
                                         GanLoss::least_squares, GanLoss::wasserstein, GanLoss::wgan_gp};

// Logits that are multiples of 1/64, so that x ± 1/1024 is exact in float; none within 1/1024
// of the hinge kinks at ±1. Different batch sizes for real and fake.
const std::vector<float> real_logits = {2.5f, -0.75f, 0.3125f, 1.5f, -3.0f};  // (n_real = 5)
const std::vector<float> fake_logits = {-1.25f, 0.625f, 4.0f};                // (n_fake = 3)
const double h = 1.0 / 1024;

double naive_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double mean(const std::vector<float>& x, double (*term)(double)) {
  double sum = 0;
  for (float v : x) sum += term(v);
  return sum / static_cast<double>(x.size());
}

// The discriminator's loss written straight from the definitions.
double naive_d(GanLoss loss, const std::vector<float>& real, const std::vector<float>& fake) {
  switch (loss) {
    case GanLoss::nonsaturating:
    case GanLoss::minimax:
      return mean(real, [](double r) { return -std::log(naive_sigmoid(r)); }) +
             mean(fake, [](double f) { return -std::log(1 - naive_sigmoid(f)); });
    case GanLoss::hinge:
      return mean(real, [](double r) { return r < 1 ? 1 - r : 0.0; }) +
             mean(fake, [](double f) { return f > -1 ? 1 + f : 0.0; });
    case GanLoss::least_squares:
      return mean(real, [](double r) { return 0.5 * (r - 1) * (r - 1); }) +
             mean(fake, [](double f) { return 0.5 * f * f; });
    case GanLoss::wasserstein:
    case GanLoss::wgan_gp:  // its penalty is added by the caller (gan/gan.cpp)
      return mean(fake, [](double f) { return f; }) - mean(real, [](double r) { return r; });
  }
  return NAN;
}

// The generator's loss written straight from the definitions.
double naive_g(GanLoss loss, const std::vector<float>& fake) {
  switch (loss) {
    case GanLoss::nonsaturating: return mean(fake, [](double f) { return -std::log(naive_sigmoid(f)); });
    case GanLoss::minimax: return mean(fake, [](double f) { return std::log(1 - naive_sigmoid(f)); });
    case GanLoss::hinge:
    case GanLoss::wasserstein:
    case GanLoss::wgan_gp: return -mean(fake, [](double f) { return f; });
    case GanLoss::least_squares: return mean(fake, [](double f) { return 0.5 * (f - 1) * (f - 1); });
  }
  return NAN;
}

double d_loss(GanLoss loss, const std::vector<float>& real, const std::vector<float>& fake) {
  std::vector<float> diff_real(real.size()), diff_fake(fake.size());
  return discriminator_loss(loss, real.data(), static_cast<int64_t>(real.size()), fake.data(),
                            static_cast<int64_t>(fake.size()), diff_real.data(), diff_fake.data());
}

double g_loss(GanLoss loss, const std::vector<float>& fake) {
  std::vector<float> diff_fake(fake.size());
  return generator_loss(loss, fake.data(), static_cast<int64_t>(fake.size()), diff_fake.data());
}

// (loss(x with x[i] + h) − loss(x with x[i] − h)) / 2h for each i, in double.
template <typename Loss>
std::vector<double> central_differences(std::vector<float> x, Loss loss) {
  std::vector<double> grad(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const float x0 = x[i];
    x[i] = static_cast<float>(x0 + h);
    REQUIRE(x[i] - h == x0);  // the step is exact in float
    const double up = loss(x);
    x[i] = static_cast<float>(x0 - h);
    const double down = loss(x);
    x[i] = x0;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

void check_gradient(const std::vector<float>& analytic, const std::vector<double>& numeric) {
  REQUIRE(analytic.size() == numeric.size());
  for (size_t i = 0; i < analytic.size(); ++i) {
    INFO("logit " << i);
    CHECK(analytic[i] == Approx(numeric[i]).epsilon(1e-5).margin(1e-7));
  }
}

// Checks one loss on one batch: D and G values against the naive formulas, D and G gradients
// against central differences.
void check_loss(GanLoss loss, const std::vector<float>& real, const std::vector<float>& fake) {
  INFO("loss " << gan_loss_name(loss) << ", n_real " << real.size() << ", n_fake " << fake.size());
  std::vector<float> diff_real(real.size(), NAN), diff_fake(fake.size(), NAN);
  const double d = discriminator_loss(loss, real.data(), static_cast<int64_t>(real.size()), fake.data(),
                                      static_cast<int64_t>(fake.size()), diff_real.data(), diff_fake.data());
  CHECK(d == Approx(naive_d(loss, real, fake)).epsilon(1e-12).margin(1e-14));
  check_gradient(diff_real, central_differences(real, [&](const std::vector<float>& r) { return d_loss(loss, r, fake); }));
  check_gradient(diff_fake, central_differences(fake, [&](const std::vector<float>& f) { return d_loss(loss, real, f); }));

  std::vector<float> diff_g(fake.size(), NAN);
  const double g = generator_loss(loss, fake.data(), static_cast<int64_t>(fake.size()), diff_g.data());
  CHECK(g == Approx(naive_g(loss, fake)).epsilon(1e-12).margin(1e-14));
  check_gradient(diff_g, central_differences(fake, [&](const std::vector<float>& f) { return g_loss(loss, f); }));
}

}  // namespace

TEST_CASE("every loss matches the naive formula and finite differences", "[losses]") {
  for (GanLoss loss : all_losses) check_loss(loss, real_logits, fake_logits);
}

TEST_CASE("every loss works on a batch of one", "[losses]") {
  for (GanLoss loss : all_losses) {
    check_loss(loss, {0.8125f}, {-0.5f});
    check_loss(loss, {-2.0f}, {3.5f});
  }
}

TEST_CASE("hinge losses have subgradient zero at the kink", "[losses]") {
  const std::vector<float> real = {1.0f, 0.5f}, fake = {-1.0f, -0.5f};
  std::vector<float> diff_real(2), diff_fake(2);
  const double d = discriminator_loss(GanLoss::hinge, real.data(), 2, fake.data(), 2, diff_real.data(),
                                      diff_fake.data());
  CHECK(d == Approx(0.25 + 0.25));
  CHECK(diff_real == std::vector<float>{0.0f, -0.5f});
  CHECK(diff_fake == std::vector<float>{0.0f, 0.5f});
}

TEST_CASE("softplus and sigmoid are exact far from zero", "[losses]") {
  CHECK(softplus(0) == Approx(std::log(2.0)));
  CHECK(softplus(1000) == 1000);
  CHECK(softplus(-1000) == 0);
  CHECK(softplus(100) == 100);
  CHECK(softplus(-100) == Approx(std::exp(-100.0)).epsilon(1e-12));  // naive log(1 + e^-100) gives 0
  CHECK(softplus(3e38) == 3e38);
  CHECK(sigmoid(0) == 0.5);
  CHECK(sigmoid(1000) == 1);
  CHECK(sigmoid(-1000) == 0);
  CHECK(sigmoid(-100) == Approx(std::exp(-100.0)).epsilon(1e-12));
  CHECK(sigmoid(-3e38) == 0);
}

TEST_CASE("large logits give finite values and gradients", "[losses]") {
  const std::vector<float> big = {100.0f, -100.0f, 1000.0f, -1000.0f, 3e38f, -3e38f};
  const auto n = static_cast<int64_t>(big.size());
  for (GanLoss loss : all_losses) {
    INFO("loss " << gan_loss_name(loss));
    std::vector<float> diff_real(big.size(), NAN), diff_fake(big.size(), NAN), diff_g(big.size(), NAN);
    CHECK(std::isfinite(discriminator_loss(loss, big.data(), n, big.data(), n, diff_real.data(), diff_fake.data())));
    CHECK(std::isfinite(generator_loss(loss, big.data(), n, diff_g.data())));
    for (size_t i = 0; i < big.size(); ++i) {
      CHECK(std::isfinite(diff_real[i]));
      CHECK(std::isfinite(diff_fake[i]));
      CHECK(std::isfinite(diff_g[i]));
    }
  }
}

TEST_CASE("cross-entropy losses are correct at logits of 100 and 1000", "[losses]") {
  // softplus(±1000) = 1000 or 0, softplus(100) = 100, softplus(−100) = e^−100.
  const std::vector<float> x = {100.0f, -100.0f, 1000.0f, -1000.0f};
  const double tiny = std::exp(-100.0);
  std::vector<float> diff_real(4), diff_fake(4), diff_g(4);
  for (GanLoss loss : {GanLoss::nonsaturating, GanLoss::minimax}) {
    INFO("loss " << gan_loss_name(loss));
    // D: mean softplus(−r) + mean softplus(f), each (e^−100 + 100 + 0 + 1000) / 4.
    CHECK(discriminator_loss(loss, x.data(), 4, x.data(), 4, diff_real.data(), diff_fake.data()) ==
          Approx(2 * (1100 + tiny) / 4).epsilon(1e-15));
    // d/dr = (σ(r) − 1)/4, d/df = σ(f)/4.
    CHECK(diff_real[0] == Approx(-tiny / 4).margin(1e-45));
    CHECK(diff_real[1] == -0.25f);
    CHECK(diff_real[2] == 0.0f);
    CHECK(diff_real[3] == -0.25f);
    CHECK(diff_fake[0] == 0.25f);
    CHECK(diff_fake[1] == Approx(tiny / 4).margin(1e-45));
    CHECK(diff_fake[2] == 0.25f);
    CHECK(diff_fake[3] == 0.0f);
  }
  // Non-saturating G: mean softplus(−f); d/df = (σ(f) − 1)/4.
  CHECK(generator_loss(GanLoss::nonsaturating, x.data(), 4, diff_g.data()) == Approx((1100 + tiny) / 4).epsilon(1e-15));
  CHECK(diff_g == std::vector<float>{static_cast<float>(-tiny / 4), -0.25f, 0.0f, -0.25f});
  // Minimax G: −mean softplus(f); d/df = −σ(f)/4.
  CHECK(generator_loss(GanLoss::minimax, x.data(), 4, diff_g.data()) == Approx(-(1100 + tiny) / 4).epsilon(1e-15));
  CHECK(diff_g == std::vector<float>{-0.25f, static_cast<float>(-tiny / 4), -0.25f, 0.0f});
  // Batch of one at ±1000.
  const float r = 1000.0f, f = -1000.0f;
  float dr = NAN, df = NAN;
  CHECK(discriminator_loss(GanLoss::nonsaturating, &f, 1, &r, 1, &dr, &df) == 2000.0);
  CHECK(dr == -1.0f);
  CHECK(df == 1.0f);
  CHECK(generator_loss(GanLoss::nonsaturating, &f, 1, &df) == 1000.0);
  CHECK(df == -1.0f);
  CHECK(generator_loss(GanLoss::minimax, &r, 1, &df) == -1000.0);
  CHECK(df == -1.0f);
}

TEST_CASE("loss names parse and print", "[losses]") {
  for (GanLoss loss : all_losses) CHECK(parse_gan_loss(gan_loss_name(loss)) == loss);
  CHECK(std::string(gan_loss_name(GanLoss::least_squares)) == "least-squares");
  CHECK_THROWS_AS(parse_gan_loss("least_squares"), UsageError);
  CHECK_THROWS_WITH(parse_gan_loss("wgan"),
                    Catch::Contains("--loss") && Catch::Contains("'wgan'") &&
                        Catch::Contains("nonsaturating, minimax, hinge, least-squares, wasserstein"));
}

TEST_CASE("gradient penalties: values from their definitions, gradients by finite differences", "[losses]") {
  // u: 3 rows of 4 values, one of them all zero (the norm's kink) and one of norm exactly 1.
  const std::vector<float> u = {1.0f, -1.0f, 2.0f, 0.5f, 0, 0, 0, 0, 0.5f, -0.5f, 0.5f, 0.5f};
  const int64_t rows = 3, cols = 4;
  const auto naive = [&](const std::vector<float>& x, bool gp) {
    double sum = 0;
    for (int64_t r = 0; r < rows; ++r) {
      double sq = 0;
      for (int64_t j = 0; j < cols; ++j) sq += double(x[r * cols + j]) * x[r * cols + j];
      sum += gp ? 10.0 * (std::sqrt(sq) - 1) * (std::sqrt(sq) - 1) : 0.5 * 3.0 * sq;  // λ = 10, γ = 3
    }
    return sum / rows;
  };
  std::vector<float> diff(u.size(), NAN);
  // Row norms 2.5, 0, 1: λ·((2.5 − 1)² + 1 + 0)/3 and (γ/2)·(6.25 + 0 + 1)/3.
  CHECK(gradient_penalty(u.data(), rows, cols, 10.0, diff.data()) == Approx(10.0 * (2.25 + 1.0) / 3).epsilon(1e-12));
  CHECK(naive(u, true) == Approx(10.0 * 3.25 / 3).epsilon(1e-12));
  std::vector<float> gp_diff = diff;
  CHECK(r1_penalty(u.data(), rows, cols, 3.0, diff.data()) == Approx(1.5 * (6.25 + 0 + 1) / 3).epsilon(1e-12));
  const std::vector<float> r1_diff = diff;
  // Finite differences away from the zero row (where ‖u‖ has no derivative; 0 is used).
  for (bool gp : {true, false}) {
    const std::vector<double> fd = central_differences(u, [&](const std::vector<float>& x) { return naive(x, gp); });
    const std::vector<float>& analytic = gp ? gp_diff : r1_diff;
    for (size_t i = 0; i < u.size(); ++i) {
      INFO((gp ? "gp" : "r1") << " value " << i);
      if (gp && i >= 4 && i < 8)
        CHECK(analytic[i] == 0.0f);
      else
        CHECK(analytic[i] == Approx(fd[i]).epsilon(1e-5).margin(2e-6));
    }
  }
}
