// The GAN iteration: bitwise reproducibility, no allocation or primitive creation in the
// steady state, and that it learns a simple distribution.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "alloc_counter.hpp"
#include "core/threads.hpp"
#include "gan/gan.hpp"
#include "nn/linear.hpp"

using namespace gantool;

namespace {

GanConfig small_config() {
  GanConfig c;
  c.z_dim = 2;
  c.data_dim = 2;
  c.g_hidden = {32, 32};
  c.d_hidden = {32, 32};
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
  const auto pa = a.g.params(), pb = b.g.params(), qa = a.d.params(), qb = b.d.params();
  for (size_t i = 0; i < pa.size(); ++i)
    if (std::memcmp(pa[i].value, pb[i].value, pa[i].size * sizeof(float)) != 0) return false;
  for (size_t i = 0; i < qa.size(); ++i)
    if (std::memcmp(qa[i].value, qb[i].value, qa[i].size * sizeof(float)) != 0) return false;
  return a.opt_state_g.m == b.opt_state_g.m && a.opt_state_g.v == b.opt_state_g.v &&
         a.opt_state_d.m == b.opt_state_d.m && a.opt_state_d.v == b.opt_state_d.v &&
         a.noise_rng.counter == b.noise_rng.counter;
}

double max_relative_difference(Gan& a, Gan& b) {
  double worst = 0;
  const auto pa = a.g.params(), pb = b.g.params();
  for (size_t i = 0; i < pa.size(); ++i)
    for (int64_t j = 0; j < pa[i].size; ++j)
      worst = std::max(worst, std::abs(double(pa[i].value[j]) - pb[i].value[j]) / (std::abs(double(pa[i].value[j])) + 1e-3));
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
  // Another thread count may change the order of floating-point sums: rounding only.
  set_threads(1);
  Gan one = make_gan(small_config(), 11);
  set_threads(2);
  Gan two = make_gan(small_config(), 11);
  RealData d1(4096, 64, 2, 0, 1, 1), d2(4096, 64, 2, 0, 1, 1);
  for (int step = 0; step < 3; ++step) {
    const float* r1 = d1.take();
    const float* r2 = d2.take();
    set_threads(1);
    gan_step(one, &r1);
    set_threads(2);
    gan_step(two, &r2);
  }
  CHECK(max_relative_difference(one, two) < 1e-4);
  set_threads(saved);
}

TEST_CASE("gan: a steady-state step allocates nothing and creates no primitive", "[gan]") {
  for (GanLoss loss : {GanLoss::nonsaturating, GanLoss::wasserstein}) {
    GanConfig config = small_config();
    config.loss = loss;
    config.d_steps = 2;
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

TEST_CASE("gan: learns a 1-D Gaussian's mean and spread", "[gan]") {
  // Data N(3, 0.5²); after training, G's samples must have mean ≈ 3 and std ≈ 0.5
  // (compared with the known parameters of the data distribution).
  GanConfig c;
  c.z_dim = 1;
  c.data_dim = 1;
  c.g_hidden = {32, 32};
  c.d_hidden = {32, 32};
  c.batch = 128;
  c.opt_g.lr = c.opt_d.lr = 1e-3;
  Gan gan = make_gan(c, 5);
  RealData data(1 << 14, 128, 1, 3.0, 0.5, 2);
  for (int step = 0; step < 3000; ++step) {
    const float* real = data.take();
    gan_step(gan, &real);
  }
  Tensor z(4096, 1);
  Rng rng = make_rng(77);
  sample_noise(Prior::normal, rng, z.data(), z.size());
  const Tensor& x = gan.g.forward(z.data(), 4096);
  double s = 0, s2 = 0;
  for (int64_t i = 0; i < x.size(); ++i) s += x.data()[i], s2 += double(x.data()[i]) * x.data()[i];
  const double mean = s / x.size(), std = std::sqrt(s2 / x.size() - mean * mean);
  CHECK(mean == Approx(3.0).margin(0.15));
  CHECK(std == Approx(0.5).margin(0.15));
}
