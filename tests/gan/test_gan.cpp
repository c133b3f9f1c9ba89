// The GAN iteration: bitwise reproducibility, no allocation or primitive creation in the
// steady state, and that it learns a simple distribution.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "alloc_counter.hpp"
#include "core/threads.hpp"
#include "gan/gan.hpp"
#include "gan/losses.hpp"
#include "nn/linear.hpp"
#include "nn/reference.hpp"

using namespace gantool;

namespace {

// G: z_dim → g_hidden → data_dim (relu); D: pack·data_dim → d_hidden → 1 (d_act).
void set_nets(GanConfig& c, int64_t z_dim, int64_t data_dim, std::vector<int64_t> g_hidden,
              std::vector<int64_t> d_hidden, Activation d_act = Activation::leaky_relu, float d_alpha = 0.2f) {
  c.g = mlp_spec(z_dim, {g_hidden, Activation::relu, 0.0f, Activation::identity}, data_dim);
  c.d = mlp_spec(c.pack * data_dim, {d_hidden, d_act, d_alpha, Activation::identity}, 1);
}

GanConfig small_config() {
  GanConfig c;
  set_nets(c, 2, 2, {32, 32}, {32, 32});
  c.batch = 64;
  return c;
}

// A fixed pool of real rows N(mean, std²) and a pointer per minibatch.
struct RealData {
  std::vector<float> rows;
  int64_t batch, dim, next = 0, pool;
  RealData(int64_t pool, int64_t batch, int64_t dim, double mean, double std, uint64_t seed)
      : rows(pool * dim), batch(batch), dim(dim), pool(pool) {
    Rng rng = make_rng(seed, 7);
    for (auto& v : rows) v = static_cast<float>(mean + std * normal(rng));
  }
  const float* take() {
    if (next + batch > pool) next = 0;
    const float* p = rows.data() + next * dim;
    next += batch;
    return p;
  }
};

bool same_bits(Gan& a, Gan& b) {
  if (a.g.params.values != b.g.params.values || a.d.params.values != b.d.params.values) return false;
  return a.opt_state_g.m == b.opt_state_g.m && a.opt_state_g.v == b.opt_state_g.v &&
         a.opt_state_d.m == b.opt_state_d.m && a.opt_state_d.v == b.opt_state_d.v &&
         a.noise_rng.counter == b.noise_rng.counter;
}

double max_relative_difference(Gan& a, Gan& b) {
  double worst = 0;
  const std::vector<float>& pa = a.g.params.values;
  const std::vector<float>& pb = b.g.params.values;
  for (size_t j = 0; j < pa.size(); ++j)
    worst = std::max(worst, std::abs(double(pa[j]) - pb[j]) / (std::abs(double(pa[j])) + 1e-3));
  return worst;
}

}  // namespace

TEST_CASE("gan: the same seed and thread count give bitwise-identical states after 1000 steps", "[gan]") {
  const int saved = threads();
  for (int t : {1, 2}) {
    set_threads(t);
    Gan a = make_gan(small_config(), 11), b = make_gan(small_config(), 11);
    RealData data_a(4096, 64, 2, 0, 1, 1), data_b(4096, 64, 2, 0, 1, 1);
    for (int step = 0; step < 1000; ++step) {
      const float* ra = data_a.take();
      const float* rb = data_b.take();
      gan_step(a, &ra);
      gan_step(b, &rb);
    }
    INFO("threads " << t);
    CHECK(same_bits(a, b));
    Gan c = make_gan(small_config(), 12);
    CHECK_FALSE(same_bits(a, c));
  }
  // Another thread count splits each minibatch between workers (data-parallel) and changes
  // the order of floating-point sums: rounding only. Also with penalties, packing, several
  // D steps and a batch that does not split evenly.
  GanConfig penalized = small_config();
  penalized.loss = GanLoss::wgan_gp;
  penalized.r1 = 0.5;
  penalized.pack = 2;
  set_nets(penalized, 2, 2, {32, 32}, {32, 32});
  penalized.d_steps = 3;
  GanConfig odd = small_config();
  odd.batch = 63;
  for (const GanConfig& config : {small_config(), penalized, odd}) {
    INFO(gan_loss_name(config.loss) << ", batch " << config.batch << ", pack " << config.pack);
    set_threads(1);
    Gan one = make_gan(config, 11);
    set_threads(2);
    Gan two = make_gan(config, 11);
    RealData d1(4096, config.batch, 2, 0, 1, 1), d2(4096, config.batch, 2, 0, 1, 1);
    for (int step = 0; step < 3; ++step) {
      std::vector<const float*> r1, r2;
      for (int64_t j = 0; j < config.d_steps; ++j) r1.push_back(d1.take()), r2.push_back(d2.take());
      set_threads(1);
      const StepStats s1 = gan_step(one, r1.data());
      set_threads(2);
      const StepStats s2 = gan_step(two, r2.data());
      CHECK(s2.loss_d == Approx(s1.loss_d).epsilon(1e-4));
      CHECK(s2.loss_g == Approx(s1.loss_g).epsilon(1e-4));
      CHECK(s2.penalty == Approx(s1.penalty).epsilon(1e-4).margin(1e-9));
    }
    if (config.loss == GanLoss::wgan_gp) {  // two workers, run twice: the same bits
      set_threads(2);
      Gan again = make_gan(config, 11);
      RealData d3(4096, config.batch, 2, 0, 1, 1);
      for (int step = 0; step < 3; ++step) {
        std::vector<const float*> r3;
        for (int64_t j = 0; j < config.d_steps; ++j) r3.push_back(d3.take());
        gan_step(again, r3.data());
      }
      CHECK(same_bits(two, again));
    }
    CHECK(one.workers.size() == 1);
    CHECK(two.workers.size() == 2);
    CHECK(max_relative_difference(one, two) < 1e-4);
  }
  set_threads(saved);
}

TEST_CASE("gan: a steady-state step allocates nothing and creates no primitive", "[gan]") {
  for (GanLoss loss : {GanLoss::nonsaturating, GanLoss::wasserstein, GanLoss::wgan_gp}) {
    GanConfig config = small_config();
    config.loss = loss;
    config.d_steps = 2;
    config.r1 = loss == GanLoss::nonsaturating ? 1.0 : 0.0;
    config.pack = loss == GanLoss::wgan_gp ? 2 : 1;
    // tanh has curvature: double backpropagation's longest path
    set_nets(config, 2, 2, {32, 32}, {32, 32}, Activation::tanh);
    Gan gan = make_gan(config, 3);
    RealData data(4096, 64, 2, 0, 1, 1);
    const float* real[2] = {data.take(), data.take()};
    gan_step(gan, real);  // the first step creates the primitives for batch and 2·batch
    gan_step(gan, real);
    const int64_t primitives = primitives_created();
    gantool_test::start_counting();
    for (int step = 0; step < 20; ++step) gan_step(gan, real);
    const gantool_test::AllocationCount count = gantool_test::stop_counting();
    INFO(gan_loss_name(loss) << ": oneDNN's execute() allocated " << count.onednn << " times internally");
    CHECK(count.ours == 0);
    CHECK(primitives_created() == primitives);
  }
}

TEST_CASE("gan: D's loss with WGAN-GP and R1 penalties, value and every gradient against a double model", "[gan]") {
  // The reference recomputes D's whole loss in double from D's weights (tests/nn/reference.hpp,
  // input gradients by an independent chain rule); its central differences check every
  // parameter's gradient.
  using namespace gantool_test;
  struct Case {
    GanLoss loss;
    double r1;
    int64_t batch, pack;
    Activation act;
  };
  const Case cases[] = {{GanLoss::wgan_gp, 0, 6, 1, Activation::leaky_relu}, {GanLoss::wgan_gp, 0, 6, 2, Activation::tanh},
                        {GanLoss::wgan_gp, 2, 1, 1, Activation::softplus},   {GanLoss::nonsaturating, 5, 7, 1, Activation::elu},
                        {GanLoss::hinge, 1, 6, 3, Activation::leaky_relu}};
  for (const Case& k : cases) {
    INFO(gan_loss_name(k.loss) << ", r1 " << k.r1 << ", batch " << k.batch << ", pack " << k.pack << ", "
                               << activation_name(k.act));
    GanConfig c;
    c.batch = k.batch, c.pack = k.pack, c.loss = k.loss, c.r1 = k.r1, c.gp_weight = 10;
    set_nets(c, 2, 3, {4}, {6, 5}, k.act, default_alpha(k.act));
    Gan gan = make_gan(c, 21);
    Rng rng = make_rng(4, 4);
    std::vector<float> real(c.batch * 3), fake(c.batch * 3);
    for (auto& v : real) v = static_cast<float>(normal(rng));
    for (auto& v : fake) v = static_cast<float>(1.5 * normal(rng));
    StepStats stats;
    discriminator_gradient(gan, real.data(), fake.data(), stats);

    std::vector<RefLayer> ref = ref_layers(gan.d);
    const int64_t rows = c.batch / c.pack, width = c.pack * 3;  // D's inputs
    const std::vector<double> r(real.begin(), real.end()), f(fake.begin(), fake.end());
    double penalty = 0;
    const auto loss = [&] {
      const std::vector<double> lr = ref_forward(ref, r, rows), lf = ref_forward(ref, f, rows);
      double adversarial = 0;
      for (int64_t i = 0; i < rows; ++i) {
        if (k.loss == GanLoss::wgan_gp) adversarial += (lf[i] - lr[i]) / rows;
        if (k.loss == GanLoss::nonsaturating)
          adversarial += (std::log1p(std::exp(-lr[i])) + std::log1p(std::exp(lf[i]))) / rows;
        if (k.loss == GanLoss::hinge) adversarial += (std::max(0.0, 1 - lr[i]) + std::max(0.0, 1 + lf[i])) / rows;
      }
      penalty = 0;
      if (k.loss == GanLoss::wgan_gp) {
        std::vector<double> x_hat(r.size());
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < width; ++j)
            x_hat[i * width + j] = gan.eps(i, 0) * r[i * width + j] + (1 - gan.eps(i, 0)) * f[i * width + j];
        const std::vector<double> u = ref_input_gradient(ref, x_hat, rows);
        for (int64_t i = 0; i < rows; ++i) {
          double sq = 0;
          for (int64_t j = 0; j < width; ++j) sq += u[i * width + j] * u[i * width + j];
          penalty += 10 * (std::sqrt(sq) - 1) * (std::sqrt(sq) - 1) / rows;
        }
      }
      const std::vector<double> u = ref_input_gradient(ref, r, rows);
      for (int64_t i = 0; i < rows * width; ++i) penalty += 0.5 * k.r1 * u[i] * u[i] / rows;
      return adversarial + penalty;
    };
    CHECK(stats.loss_d == Approx(loss()).epsilon(1e-4));
    CHECK(stats.penalty == Approx(penalty).epsilon(1e-4));
    CHECK(penalty > 1e-3);  // the penalties are really there
    const auto close = [](double analytic, double fd) { return std::abs(analytic - fd) <= 2e-3 * std::abs(fd) + 2e-4; };
    for (size_t l = 0; l < ref.size(); ++l) {
      for (size_t i = 0; i < ref[l].w.size(); ++i) {
        INFO("layer " << l << " weight " << i);
        CHECK(close(gan.d.diff_weights(l)[i], central_difference(ref[l].w[i], loss)));
      }
      for (size_t i = 0; i < ref[l].b.size(); ++i) {
        INFO("layer " << l << " bias " << i);
        CHECK(close(gan.d.diff_bias(l)[i], central_difference(ref[l].b[i], loss)));
      }
    }
  }
}

namespace {

// Trains on N(3, 0.5²) for `steps` (a config with z_dim = data_dim = 1, batch 128) and
// returns the mean and std of 4096 samples of G, to compare with the data distribution's.
std::pair<double, double> learned_gaussian(const GanConfig& c, int steps) {
  Gan gan = make_gan(c, 5);
  RealData data(1 << 14, 128, 1, 3.0, 0.5, 2);
  std::vector<const float*> real(c.d_steps);
  for (int step = 0; step < steps; ++step) {
    for (auto& r : real) r = data.take();
    gan_step(gan, real.data());
  }
  Tensor z(4096, 1);
  Rng rng = make_rng(77);
  sample_noise(Prior::normal, rng, z.data(), z.size());
  const Tensor& x = gan.g.forward(z.data(), 4096);
  double s = 0, s2 = 0;
  for (int64_t i = 0; i < x.size(); ++i) s += x.data()[i], s2 += double(x.data()[i]) * x.data()[i];
  const double mean = s / x.size();
  return {mean, std::sqrt(s2 / x.size() - mean * mean)};
}

GanConfig gaussian_config() {
  GanConfig c;
  set_nets(c, 1, 1, {32, 32}, {32, 32});
  c.batch = 128;
  c.opt_g.lr = c.opt_d.lr = 1e-3;
  return c;
}

}  // namespace

TEST_CASE("gan: learns a 1-D Gaussian's mean and spread", "[gan]") {
  // Data N(3, 0.5²); after training, G's samples must have mean ≈ 3 and std ≈ 0.5
  // (compared with the known parameters of the data distribution).
  const auto [mean, std] = learned_gaussian(gaussian_config(), 3000);
  CHECK(mean == Approx(3.0).margin(0.15));
  CHECK(std == Approx(0.5).margin(0.15));
}

TEST_CASE("gan: WGAN-GP learns a 1-D Gaussian's mean and spread", "[gan]") {
  // λ = 0.1, Gulrajani et al.'s own choice for toy data (their gan_toy.py): on data of unit
  // scale λ = 10 makes the critic mostly fit the penalty, and training oscillates (as it
  // does in PyTorch with the same settings).
  GanConfig c = gaussian_config();
  c.loss = GanLoss::wgan_gp;
  c.gp_weight = 0.1;
  c.d_steps = 5;
  c.ema = 0;
  c.opt_g.beta2 = c.opt_d.beta2 = 0.9;
  const auto [mean, std] = learned_gaussian(c, 1500);
  CHECK(mean == Approx(3.0).margin(0.15));
  CHECK(std == Approx(0.5).margin(0.15));
}

namespace {

// DCGAN for 1×8×8 images at small widths: G z (6) → 8×2×2 → 4×4×4 → 1×8×8, D 1×8×8 →
// 4×4×4 → 8×2×2 → 1 (pack images stacked along the channels).
GanConfig small_dcgan(GanLoss loss, int64_t pack, double r1) {
  GanConfig c;
  c.loss = loss;
  c.pack = pack;
  c.r1 = r1;
  c.batch = 8;
  c.d_steps = loss == GanLoss::wgan_gp ? 2 : 1;
  c.init = Init::dcgan;
  c.g = dcgan_generator(6, {8, 4}, {1, 8, 8}, Activation::relu, 0.0f, Activation::tanh, "--g-hidden");
  c.d = dcgan_discriminator({pack, 8, 8}, {4, 8}, Activation::leaky_relu, 0.2f, "--d-hidden");
  return c;
}

}  // namespace

TEST_CASE("gan: DCGAN steps allocate nothing, create no primitive, and repeat bit for bit", "[gan][conv]") {
  const int saved = threads();
  for (int t : {1, 2}) {
    set_threads(t);
    for (GanLoss loss : {GanLoss::nonsaturating, GanLoss::wgan_gp, GanLoss::hinge}) {
      const GanConfig config = small_dcgan(loss, loss == GanLoss::wgan_gp ? 2 : 1, loss == GanLoss::hinge ? 1.0 : 0.0);
      INFO(gan_loss_name(loss) << ", " << t << " threads");
      Gan a = make_gan(config, 5), b = make_gan(config, 5);
      RealData data(256, 8, 64, 0, 0.5, 2);
      RealData same(256, 8, 64, 0, 0.5, 2);
      const auto step = [&](Gan& gan, RealData& d) {
        const float* real[2] = {d.take(), d.take()};
        gan_step(gan, real);
      };
      step(a, data), step(a, data);
      const int64_t primitives = primitives_created();
      gantool_test::start_counting(/*calling_thread_only=*/true);  // one worker: gantool's code runs here
      for (int i = 0; i < 5; ++i) step(a, data);
      const gantool_test::AllocationCount count = gantool_test::stop_counting();
      CHECK(count.ours == 0);
      CHECK(primitives_created() == primitives);
      for (int i = 0; i < 7; ++i) step(b, same);
      CHECK(a.workers.size() == 1);  // batch norm in G: one worker, threads inside the primitives
      CHECK(same_bits(a, b));
      // G's batch norm moved its running statistics, and the average keeps G's.
      CHECK(a.g.state.values != make_gan(config, 5).g.state.values);
      CHECK(a.g_ema.state.values == a.g.state.values);
    }
  }
  set_threads(saved);
}

TEST_CASE("gan: D may not have batch norm", "[gan][conv]") {
  GanConfig c = small_dcgan(GanLoss::nonsaturating, 1, 0);
  c.d.layers[0].batch_norm = true;
  CHECK_THROWS_WITH(check_gan_config(c, "t"), Catch::Contains("the discriminator has batch norm"));
}

TEST_CASE("gan: slerp_rows goes along the great circle from a to b at even angles", "[gan]") {
  const float a[3] = {2, 0, 0}, b[3] = {0, 0, 2};
  float z[5 * 3];
  slerp_rows(a, b, 3, 5, z);
  for (int i = 0; i < 5; ++i) {
    const double angle = (M_PI / 2) * i / 4;  // Ω = 90°, in four equal steps; the norm stays 2
    CHECK(z[i * 3 + 0] == Approx(2 * std::cos(angle)).margin(1e-6));
    CHECK(z[i * 3 + 1] == Approx(0).margin(1e-7));
    CHECK(z[i * 3 + 2] == Approx(2 * std::sin(angle)).margin(1e-6));
  }
  const float c[2] = {1, 1};  // the same vector: linear, no division by sin 0
  float same[3 * 2];
  slerp_rows(c, c, 2, 3, same);
  for (float v : same) CHECK(v == Approx(1));
}
