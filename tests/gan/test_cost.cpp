// The cost model of a GAN configuration (FLOPs per step, memory) and the loss defaults.
#include <catch2/catch.hpp>

#include "core/threads.hpp"
#include "gan/cost.hpp"
#include "gan/train_options.hpp"

using namespace gantool;

TEST_CASE("cost: step_flops counts the products of one step by hand", "[gan]") {
  GanConfig c;
  c.g = mlp_spec(2, {{4}, Activation::relu, 0.0f, Activation::identity}, 3);
  c.d = mlp_spec(3, {{5}, Activation::leaky_relu, 0.2f, Activation::identity}, 1);
  c.batch = 10, c.d_steps = 1;
  // Per row, multiply-adds × 2: G 2·(2·4 + 4·3) = 40, G without its first layer 24;
  // D 2·(3·5 + 5·1) = 40, D without its first layer 10.
  const double g = 40, g1 = 24, d = 40, d1 = 10, b = 10;
  const double plain = 2 * b * g + 2 * b * (2 * d + d1) + b * (2 * d + g + g1);
  CHECK(step_flops(c) == Approx(plain));
  c.r1 = 1;  // one penalty: b·(3d − 2·5)
  CHECK(step_flops(c) == Approx(plain + b * (3 * d - 10)));
  c.r1 = 0, c.loss = GanLoss::wgan_gp;  // the penalty and D on the interpolates
  CHECK(step_flops(c) == Approx(plain + b * (3 * d - 10) + b * d));
}

TEST_CASE("cost: memory grows with the batch; small networks get one thread", "[gan]") {
  GanConfig c;
  const double bytes = training_bytes(c);
  CHECK(bytes > 0);
  c.batch *= 2;
  CHECK(training_bytes(c) > bytes);
  CHECK(default_threads(GanConfig{}) == 1);
}

TEST_CASE("cost: train's defaults run on one thread, wgan-gp's too; a medium network on all cores", "[gan]") {
  TrainOptions o;
  CHECK(default_threads(gan_config(o, 2)) == 1);  // 6 · 99,328 · 256 · 2 = 3.1e8 products
  o.loss = "wgan-gp", o.d_steps = 5;
  CHECK(default_threads(gan_config(o, 2)) == 1);  // 6 · 99,328 · 256 · 6 = 9.2e8, under 1e9
  o = {};
  o.z_dim = 64, o.g_hidden = "512,512", o.d_hidden = "512,512";
  CHECK(default_threads(gan_config(o, 64)) == resolve_threads(0));  // 1.9e9: all cores
}

TEST_CASE("cost: wgan-gp has the paper's hyperparameters, every other loss the common ones", "[gan]") {
  const LossDefaults w = loss_defaults("wgan-gp");
  CHECK(w.d_steps == 5);
  CHECK(w.lr_g == 1e-4);
  CHECK(w.lr_d == 1e-4);
  CHECK(w.beta1 == 0.5);
  CHECK(w.beta2 == 0.9);
  const LossDefaults n = loss_defaults("hinge");
  CHECK(n.d_steps == 1);
  CHECK(n.lr_g == 2e-4);
  CHECK(n.beta2 == 0.999);
}
