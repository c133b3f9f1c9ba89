// The linear layer alone: forward against a naive double loop, backward (weights, bias,
// input) against exact sums, the three bare products, and primitives made once per batch.
#include <catch2/catch.hpp>

#include <vector>

#include "core/rng.hpp"
#include "nn/linear.hpp"
#include "nn/reference.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

struct Case {
  int64_t in, out, batch;
  std::vector<float> w, b, x;
};

Case make_case(int64_t in, int64_t out, int64_t batch, uint64_t seed) {
  Rng rng = make_rng(seed, 3);
  Case c{in, out, batch, std::vector<float>(out * in), std::vector<float>(out), std::vector<float>(batch * in)};
  for (auto* v : {&c.w, &c.b, &c.x})
    for (float& f : *v) f = static_cast<float>(normal(rng));
  return c;
}

// a (rows, inner) · b (inner, cols) in double, b given as (cols, inner) when transposed.
double dot(const std::vector<float>& a, int64_t a_row, const std::vector<float>& b, int64_t b_row, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += double(a[a_row * n + i]) * b[b_row * n + i];
  return s;
}

}  // namespace

TEST_CASE("linear: forward is act(x·Wᵀ + b) for every activation", "[linear]") {
  for (Activation act : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::elu,
                         Activation::tanh, Activation::sigmoid, Activation::softplus}) {
    INFO(activation_name(act));
    const Case c = make_case(7, 5, 3, 1);
    Linear layer(c.in, c.out, act, default_alpha(act));
    std::vector<float> y(c.batch * c.out);
    layer.forward(c.x.data(), y.data(), c.batch, c.w.data(), c.b.data());
    for (int64_t r = 0; r < c.batch; ++r)
      for (int64_t o = 0; o < c.out; ++o)
        REQUIRE(y[r * c.out + o] ==
                Approx(act_ref(act, default_alpha(act), dot(c.x, r, c.w, o, c.in) + c.b[o])).epsilon(1e-5).margin(1e-6));
  }
}

TEST_CASE("linear: backward gives Wᵀ-products and column sums", "[linear]") {
  const Case c = make_case(6, 4, 9, 2);
  Linear layer(c.in, c.out, Activation::identity, 0.0f);
  std::vector<float> y(c.batch * c.out), diff(c.batch * c.out), dx(c.batch * c.in), dw(c.out * c.in), db(c.out);
  layer.forward(c.x.data(), y.data(), c.batch, c.w.data(), c.b.data());
  Rng rng = make_rng(5);
  for (float& f : diff) f = static_cast<float>(normal(rng));
  const std::vector<float> d0 = diff;
  layer.backward(c.x.data(), y.data(), diff.data(), dx.data(), c.batch, c.w.data(), dw.data(), db.data());
  for (int64_t r = 0; r < c.batch; ++r)
    for (int64_t i = 0; i < c.in; ++i) {
      double s = 0;
      for (int64_t o = 0; o < c.out; ++o) s += double(d0[r * c.out + o]) * c.w[o * c.in + i];
      REQUIRE(dx[r * c.in + i] == Approx(s).epsilon(1e-5).margin(1e-6));
    }
  for (int64_t o = 0; o < c.out; ++o) {
    double sb = 0;
    for (int64_t r = 0; r < c.batch; ++r) sb += d0[r * c.out + o];
    REQUIRE(db[o] == Approx(sb).epsilon(1e-5).margin(1e-6));
    for (int64_t i = 0; i < c.in; ++i) {
      double s = 0;
      for (int64_t r = 0; r < c.batch; ++r) s += double(d0[r * c.out + o]) * c.x[r * c.in + i];
      REQUIRE(dw[o * c.in + i] == Approx(s).epsilon(1e-5).margin(1e-6));
    }
  }
  // Without parameter gradients, the input's gradient is the same.
  std::vector<float> dx2(dx.size());
  diff = d0;
  layer.backward(c.x.data(), y.data(), diff.data(), dx2.data(), c.batch, c.w.data(), nullptr, nullptr);
  CHECK(dx2 == dx);
}

TEST_CASE("linear: the bare product ignores bias and activation", "[linear]") {
  const Case c = make_case(3, 2, 4, 3);
  Linear layer(c.in, c.out, Activation::tanh, 0.0f);
  std::vector<float> y(c.batch * c.out);
  layer.product(c.x.data(), y.data(), c.batch, c.w.data());
  for (int64_t r = 0; r < c.batch; ++r)
    for (int64_t o = 0; o < c.out; ++o) REQUIRE(y[r * c.out + o] == Approx(dot(c.x, r, c.w, o, c.in)).epsilon(1e-5));
}

TEST_CASE("linear: primitives are made once per batch size, whatever the parameters", "[linear]") {
  const Case c = make_case(4, 3, 8, 4);
  Linear layer(c.in, c.out, Activation::relu, 0.0f);
  std::vector<float> y(c.batch * c.out), other_w(c.w.size(), 0.5f);
  layer.forward(c.x.data(), y.data(), c.batch, c.w.data(), c.b.data());
  const int64_t made = primitives_created();
  for (int i = 0; i < 5; ++i) {
    layer.forward(c.x.data(), y.data(), c.batch, i % 2 ? c.w.data() : other_w.data(), c.b.data());
    layer.forward(c.x.data(), y.data(), 2, c.w.data(), c.b.data());
  }
  CHECK(primitives_created() == made + 3);  // batch 2: forward, backward data and weights
  // The parameters passed are the ones used: all-0.5 weights give 0.5·Σx + b before relu.
  layer.forward(c.x.data(), y.data(), c.batch, other_w.data(), c.b.data());
  double s = 0;
  for (int64_t i = 0; i < c.in; ++i) s += 0.5 * c.x[i];
  CHECK(y[0] == Approx(std::max(0.0, s + c.b[0])).epsilon(1e-5).margin(1e-6));
}
