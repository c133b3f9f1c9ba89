// Double backpropagation (Net::input_gradient, Net::add_input_gradient_backward): the
// input gradient against an independent double-precision chain rule (tests/nn/reference.hpp),
// and the gradient of a function of it with respect to every weight and bias against
// central finite differences of that double model.
#include <catch2/catch.hpp>

#include <vector>

#include "core/rng.hpp"
#include "nn/net.hpp"
#include "nn/reference.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// P = Σ c ⊙ u(x) + ½ Σ u(x)², u the input gradient at x (rows, in): a linear and a
// quadratic term, so that diff_u = c + u depends on u as a penalty's does.
// With dropout_seed > 0, through a training forward whose masks come from that seed.
void check_double_backward(Net& mlp, int64_t rows, uint64_t seed, bool check_every_parameter,
                           uint64_t dropout_seed = 0) {
  Rng rng = make_rng(seed, 7);
  // Two extra rows before and after the checked ones: input_gradient works on a row range.
  const int64_t before = 2, batch = rows + 3;
  std::vector<float> x(batch * mlp.in()), c(rows * mlp.in());
  for (auto& v : x) v = static_cast<float>(normal(rng));
  for (auto& v : c) v = static_cast<float>(normal(rng));
  Rng masks = make_rng(dropout_seed, 5);
  mlp.forward(x.data(), batch, dropout_seed > 0 ? &masks : nullptr);
  // What backward() leaves in the gradients must be kept and added to.
  std::vector<float> diff_out(rows, 0.25f);
  mlp.backward(diff_out.data(), /*param_grads=*/true, nullptr, before, rows);
  std::vector<std::vector<float>> before_w, before_b;
  for (size_t l = 0; l < mlp.layers.size(); ++l) {
    const int64_t in = mlp.layers[l].linear.in(), out = mlp.layers[l].linear.out();
    before_w.emplace_back(mlp.diff_weights(l), mlp.diff_weights(l) + out * in);
    before_b.emplace_back(mlp.diff_bias(l), mlp.diff_bias(l) + out);
  }

  const Tensor& u = mlp.input_gradient(before, rows);
  std::vector<RefLayer> ref = ref_layers(mlp);
  if (dropout_seed > 0) add_dropout_scales(ref, mlp, make_rng(dropout_seed, 5), batch, before, rows);
  const std::vector<double> xd(x.begin() + before * mlp.in(), x.begin() + (before + rows) * mlp.in());
  const std::vector<double> u_ref = ref_input_gradient(ref, xd, rows);
  REQUIRE(u.rows() == rows);
  REQUIRE(u.cols() == mlp.in());
  for (int64_t i = 0; i < u.size(); ++i) REQUIRE(u.data()[i] == Approx(u_ref[i]).epsilon(1e-4).margin(1e-5));

  // In two parts, c then u, to check that the second adds to the first.
  const std::vector<float> u_copy(u.data(), u.data() + u.size());
  mlp.add_input_gradient_backward(c.data());
  mlp.add_input_gradient_backward(u_copy.data());

  const auto penalty = [&] {
    const std::vector<double> g = ref_input_gradient(ref, xd, rows);
    double p = 0;
    for (size_t i = 0; i < g.size(); ++i) p += c[i] * g[i] + 0.5 * g[i] * g[i];
    return p;
  };
  const auto close = [](double analytic, double fd) { return std::abs(analytic - fd) <= 2e-3 * std::abs(fd) + 2e-4; };
  for (size_t l = 0; l < ref.size(); ++l) {
    const size_t stride = check_every_parameter ? 1 : 1 + ref[l].w.size() / 60;
    for (size_t i = 0; i < ref[l].w.size(); i += stride) {
      const double fd = central_difference(ref[l].w[i], penalty);
      INFO("layer " << l << " weight " << i << " of " << ref[l].w.size());
      REQUIRE(close(mlp.diff_weights(l)[i] - before_w[l][i], fd));
    }
    for (size_t i = 0; i < ref[l].b.size(); ++i) {
      const double fd = central_difference(ref[l].b[i], penalty);
      INFO("layer " << l << " bias " << i);
      REQUIRE(close(mlp.diff_bias(l)[i] - before_b[l][i], fd));
    }
  }
}

const Activation kActivations[] = {Activation::identity, Activation::relu,    Activation::leaky_relu,
                                   Activation::elu,      Activation::tanh,    Activation::sigmoid,
                                   Activation::softplus};

}  // namespace

TEST_CASE("double backpropagation: every activation, every parameter", "[nn]") {
  for (Activation act : kActivations) {
    for (int64_t rows : {1, 4, 7}) {
      INFO(activation_name(act) << ", rows " << rows);
      Rng rng = make_rng(rows);
      Net d(mlp(3, {6, 5}, 1, act, default_alpha(act), Activation::identity, 0.0f), Init::pytorch, rng);
      check_double_backward(d, rows, 10 + rows, /*check_every_parameter=*/true);
    }
  }
}

TEST_CASE("double backpropagation: widths, depths and odd batches", "[nn]") {
  const std::vector<std::vector<int64_t>> widths = {{1}, {9}, {33, 17, 5}, {64, 64, 64}};
  for (const auto& hidden : widths)
    for (Activation act : {Activation::leaky_relu, Activation::tanh, Activation::softplus})
      for (int64_t rows : {1, 13, 32}) {
        INFO(activation_name(act) << ", " << hidden.size() << " hidden layers, first " << hidden[0] << ", rows "
                                  << rows);
        Rng rng = make_rng(rows + 100);
        Net d(mlp(4, hidden, 1, act, default_alpha(act), Activation::identity, 0.0f), Init::he, rng);
        check_double_backward(d, rows, rows, /*check_every_parameter=*/false);
      }
}

TEST_CASE("double backpropagation: a network with no hidden layer", "[nn]") {
  // D(x) = w·x + b: u = w in every row, whatever x, and the bias gets nothing.
  Rng rng = make_rng(3);
  Net d(mlp(5, {}, 1, Activation::identity, 0.0f, Activation::identity, 0.0f), Init::pytorch, rng);
  check_double_backward(d, 3, 4, true);
}

TEST_CASE("double backpropagation: through dropout masks, every activation", "[nn]") {
  for (Activation act : kActivations)
    for (int64_t rows : {1, 6}) {
      INFO(activation_name(act) << ", rows " << rows);
      Rng rng = make_rng(rows + 40);
      NetSpec spec = mlp(3, {8, 7}, 1, act, default_alpha(act), Activation::identity, 0.0f);
      spec.layers[0].dropout = 0.5f;
      spec.layers[1].dropout = 0.25f;
      Net d(spec, Init::pytorch, rng);
      check_double_backward(d, rows, 30 + rows, /*check_every_parameter=*/true, /*dropout_seed=*/rows + 1);
    }
}
