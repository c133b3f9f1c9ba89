// Activations: forward against the textbook formula in double, backward against central
// finite differences of that formula.
#include <catch2/catch.hpp>

#include <vector>

#include "nn/activation.hpp"
#include "nn/reference.hpp"

using namespace gantool;
using gantool_test::act_ref;

TEST_CASE("activations: forward and backward match the formulas and finite differences", "[nn]") {
  const std::vector<float> xs = {-6.0f, -2.5f, -0.7f, -0.01f, 0.02f, 0.3f, 1.0f, 3.5f, 7.0f};
  for (Activation act : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::elu,
                         Activation::tanh, Activation::sigmoid, Activation::softplus}) {
    const float alpha = act == Activation::elu ? 0.7f : default_alpha(act);
    INFO(activation_name(act));
    std::vector<float> y(xs.size()), grad(xs.size(), 1.0f);
    activation_forward(act, alpha, xs.data(), y.data(), static_cast<int64_t>(xs.size()));
    activation_backward(act, alpha, y.data(), grad.data(), static_cast<int64_t>(xs.size()));
    for (size_t i = 0; i < xs.size(); ++i) {
      double x = xs[i];
      CHECK(y[i] == Approx(act_ref(act, alpha, x)).epsilon(1e-6).margin(1e-7));
      const double fd = gantool_test::central_difference(x, [&] { return act_ref(act, alpha, x); });
      CHECK(grad[i] == Approx(fd).epsilon(1e-4).margin(1e-6));
    }
  }
}

TEST_CASE("activations: names round-trip and unknown names are usage errors", "[nn]") {
  for (Activation act : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::elu,
                         Activation::tanh, Activation::sigmoid, Activation::softplus})
    CHECK(parse_activation(activation_name(act), "--x") == act);
  REQUIRE_THROWS_WITH(parse_activation("swish", "--g-activation"),
                      Catch::Contains("--g-activation") && Catch::Contains("swish"));
}
