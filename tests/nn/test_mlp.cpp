// Linear layers and MLPs on oneDNN: forward against a naive double loop, every gradient
// (weights, biases, input) against central finite differences of that double model.
#include <catch2/catch.hpp>

#include <vector>

#include "core/rng.hpp"
#include "nn/mlp.hpp"
#include "nn/reference.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// Checks forward and backward of `mlp` on a random batch against the double reference.
void check_mlp(Mlp& mlp, int64_t batch, uint64_t seed) {
  Rng rng = make_rng(seed, 99);
  std::vector<float> x(batch * mlp.in()), c(batch * mlp.out());
  for (auto& v : x) v = static_cast<float>(normal(rng));
  for (auto& v : c) v = static_cast<float>(normal(rng));

  const Tensor& y = mlp.forward(x.data(), batch);
  std::vector<RefLayer> ref = ref_layers(mlp);
  std::vector<double> xd(x.begin(), x.end()), cd(c.begin(), c.end());
  const std::vector<double> y_ref = ref_forward(ref, xd, batch);
  for (int64_t i = 0; i < y.size(); ++i) REQUIRE(y.data()[i] == Approx(y_ref[i]).epsilon(1e-4).margin(1e-5));

  std::vector<float> diff_x(x.size());
  mlp.backward(c.data(), /*param_grads=*/true, diff_x.data());
  const auto loss = [&] { return ref_loss(ref, xd, batch, cd); };
  // Tolerance: float32 gradients of sums over up to ~100 terms against exact differences.
  const auto close = [](double analytic, double fd) { return std::abs(analytic - fd) <= 2e-3 * std::abs(fd) + 2e-4; };
  for (size_t l = 0; l < ref.size(); ++l) {
    const Linear& layer = mlp.layers[l];
    for (size_t i = 0; i < ref[l].w.size(); i += 1 + ref[l].w.size() / 40) {
      const double fd = central_difference(ref[l].w[i], loss);
      INFO("layer " << l << " weight " << i);
      REQUIRE(close(layer.diff_weights.data()[i], fd));
    }
    for (size_t i = 0; i < ref[l].b.size(); ++i) {
      const double fd = central_difference(ref[l].b[i], loss);
      INFO("layer " << l << " bias " << i);
      REQUIRE(close(layer.diff_bias.data()[i], fd));
    }
  }
  for (size_t i = 0; i < xd.size(); i += 1 + xd.size() / 40) {
    const double fd = central_difference(xd[i], loss);
    INFO("input " << i);
    REQUIRE(close(diff_x[i], fd));
  }
}

}  // namespace

TEST_CASE("linear layers: every activation, forward and gradients", "[nn]") {
  for (Activation act : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::elu,
                         Activation::tanh, Activation::sigmoid, Activation::softplus}) {
    INFO(activation_name(act));
    Rng rng = make_rng(1);
    Mlp single({5, {}, 7, act, default_alpha(act), act, default_alpha(act)}, Init::pytorch, rng);
    check_mlp(single, 9, 1);
  }
}

TEST_CASE("MLPs: gradients for several widths and batch sizes, including 1 and odd ones", "[nn]") {
  const std::vector<std::vector<int64_t>> widths = {{3}, {16, 16}, {33, 17, 5}, {128, 128, 128}};
  for (const auto& hidden : widths) {
    for (int64_t batch : {1, 5, 17, 64}) {
      INFO("hidden " << hidden.size() << " first " << hidden[0] << " batch " << batch);
      Rng rng = make_rng(batch);
      Mlp g({2, hidden, 3, Activation::relu, 0.0f, Activation::tanh, 0.0f}, Init::pytorch, rng);
      check_mlp(g, batch, 2);
      Mlp d({3, hidden, 1, Activation::leaky_relu, 0.2f, Activation::identity, 0.0f}, Init::he, rng);
      check_mlp(d, batch, 3);
    }
  }
}

TEST_CASE("MLPs: alternating batch sizes reuse the right primitives", "[nn]") {
  Rng rng = make_rng(4);
  Mlp mlp({4, {8, 8}, 2, Activation::elu, 1.0f, Activation::sigmoid, 0.0f}, Init::xavier, rng);
  for (int64_t batch : {10, 3, 10, 1, 3}) check_mlp(mlp, batch, static_cast<uint64_t>(batch));
}

TEST_CASE("initializations have the documented ranges and spreads", "[nn]") {
  // PyTorch: U(±1/√in), variance 1/(3·in); He: N(0, 2/in); Xavier: U(±√(6/(in+out))).
  const int64_t in = 400, out = 300;
  for (Init init : {Init::pytorch, Init::he, Init::xavier}) {
    INFO(init_name(init));
    Rng rng = make_rng(5);
    Mlp mlp({in, {}, out, Activation::identity, 0, Activation::identity, 0}, init, rng);
    const Tensor& w = mlp.layers[0].weights;
    double s2 = 0, max_abs = 0;
    for (int64_t i = 0; i < w.size(); ++i) {
      s2 += double(w.data()[i]) * w.data()[i];
      max_abs = std::max(max_abs, std::abs(double(w.data()[i])));
    }
    const double var = s2 / w.size();
    const double expected = init == Init::pytorch ? 1.0 / (3 * in) : init == Init::he ? 2.0 / in : 2.0 / (in + out);
    CHECK(var == Approx(expected).epsilon(0.02));
    if (init == Init::pytorch) CHECK(max_abs <= 1 / std::sqrt(double(in)));
    if (init == Init::xavier) CHECK(max_abs <= std::sqrt(6.0 / (in + out)));
    if (init != Init::pytorch) CHECK(mlp.layers[0].bias.data()[0] == 0.0f);
  }
}
