// Tests of the optimizers: several steps of Adam, AdamW and SGD (plain, momentum, Nesterov,
// weight decay) against a straightforward double-precision loop written here from the
// torch.optim formulas, hand-derived closed forms for constant gradients, and a count of heap
// allocations (tests/alloc_counter.cpp) showing that a step allocates nothing.
//
// torch was not installed where these tests were written, so no value here comes from PyTorch.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "core/error.hpp"
#include "optim/optimizer.hpp"

using namespace gantool;

namespace {

// A quadratic bowl, loss = Σ ½ a_k (p_k − c_k)², so each step's gradient a_k (p_k − c_k)
// depends on where the previous steps went. Two parameter tensors of sizes 3 and 2.
const std::vector<double> start = {0.5, -1.25, 2.0, 0.75, -0.3};
const std::vector<double> curvature = {1.0, 3.0, 0.5, 2.0, 10.0};
const std::vector<double> centre = {-1.0, 0.5, 1.5, 0.0, 0.2};
const std::vector<int64_t> sizes = {3, 2};

// Float parameters and gradients laid out as the optimizer sees them.
struct FloatModel {
  std::vector<float> value;
  std::vector<float> grad;
  std::vector<Param> params;

  FloatModel() : value(start.begin(), start.end()), grad(start.size(), 0.0f) {
    int64_t offset = 0;
    for (int64_t size : sizes) {
      params.push_back({value.data() + offset, grad.data() + offset, size});
      offset += size;
    }
  }
  void compute_grad() {
    for (size_t k = 0; k < value.size(); ++k)
      grad[k] = static_cast<float>(curvature[k] * (value[k] - centre[k]));
  }
};

// The reference: `steps` updates of the same bowl in double, one plain loop per rule, with
// the hyperparameters taken as the exact values of their floats.
std::vector<double> reference(const OptimizerConfig& c, int steps) {
  const double lr = c.lr, beta1 = c.beta1, beta2 = c.beta2, eps = c.eps;
  const double wd = c.weight_decay, mu = c.momentum;
  std::vector<double> p = start, m(p.size(), 0.0), v(p.size(), 0.0);
  for (int t = 1; t <= steps; ++t) {
    for (size_t k = 0; k < p.size(); ++k) {
      double g = curvature[k] * (p[k] - centre[k]);
      if (c.kind == OptimizerKind::adam) {
        p[k] -= lr * wd * p[k];
        m[k] = beta1 * m[k] + (1 - beta1) * g;
        v[k] = beta2 * v[k] + (1 - beta2) * g * g;
        const double m_hat = m[k] / (1 - std::pow(beta1, t));
        const double v_hat_sqrt = std::sqrt(v[k]) / std::sqrt(1 - std::pow(beta2, t));
        p[k] -= lr * m_hat / (v_hat_sqrt + eps);
      } else {
        g += wd * p[k];
        if (mu != 0) {
          m[k] = t == 1 ? g : mu * m[k] + g;
          g = c.nesterov ? g + mu * m[k] : m[k];
        }
        p[k] -= lr * g;
      }
    }
  }
  return p;
}

// Runs `steps` updates of the code under test on the bowl and compares every parameter with
// the reference after each step.
void check_against_reference(const OptimizerConfig& config, int steps) {
  FloatModel model;
  OptimizerState state;
  optimizer_init(config, state, model.params);
  for (int t = 1; t <= steps; ++t) {
    model.compute_grad();
    optimizer_step(config, state, model.params);
    CHECK(state.step == t);
    const std::vector<double> expected = reference(config, t);
    for (size_t k = 0; k < expected.size(); ++k) {
      INFO("step " << t << ", parameter " << k);
      // Float rounding: the largest error seen was 3.4e-7 (about 2 ulp of values near 2).
      CHECK(model.value[k] == Approx(expected[k]).epsilon(1e-6).margin(1e-6));
    }
  }
}

OptimizerConfig adam(float lr, float weight_decay) {
  OptimizerConfig c;
  c.kind = OptimizerKind::adam;
  c.lr = lr;
  c.beta1 = 0.9f;
  c.beta2 = 0.999f;
  c.eps = 1e-8f;
  c.weight_decay = weight_decay;
  return c;
}

OptimizerConfig sgd(float lr, float momentum, bool nesterov, float weight_decay) {
  OptimizerConfig c;
  c.kind = OptimizerKind::sgd;
  c.lr = lr;
  c.momentum = momentum;
  c.nesterov = nesterov;
  c.weight_decay = weight_decay;
  return c;
}

}  // namespace

TEST_CASE("Adam matches the double-precision reference over several steps", "[optimizer]") {
  check_against_reference(adam(/*lr=*/0.05f, /*weight_decay=*/0.0f), 8);
  OptimizerConfig gan_betas = adam(/*lr=*/2e-3f, /*weight_decay=*/0.0f);
  gan_betas.beta1 = 0.5f;
  gan_betas.eps = 1e-3f;  // large enough to matter
  check_against_reference(gan_betas, 8);
}

TEST_CASE("AdamW matches the double-precision reference over several steps", "[optimizer]") {
  check_against_reference(adam(/*lr=*/0.05f, /*weight_decay=*/0.1f), 8);
  check_against_reference(adam(/*lr=*/0.01f, /*weight_decay=*/2.0f), 8);
}

TEST_CASE("SGD matches the double-precision reference over several steps", "[optimizer]") {
  check_against_reference(sgd(/*lr=*/0.05f, /*momentum=*/0.0f, /*nesterov=*/false, /*weight_decay=*/0.0f), 8);
}

TEST_CASE("SGD with momentum matches the double-precision reference", "[optimizer]") {
  check_against_reference(sgd(/*lr=*/0.05f, /*momentum=*/0.9f, /*nesterov=*/false, /*weight_decay=*/0.0f), 8);
}

TEST_CASE("Nesterov SGD matches the double-precision reference", "[optimizer]") {
  check_against_reference(sgd(/*lr=*/0.05f, /*momentum=*/0.9f, /*nesterov=*/true, /*weight_decay=*/0.0f), 8);
}

TEST_CASE("SGD with weight decay matches the double-precision reference", "[optimizer]") {
  check_against_reference(sgd(/*lr=*/0.05f, /*momentum=*/0.0f, /*nesterov=*/false, /*weight_decay=*/0.3f), 8);
  check_against_reference(sgd(/*lr=*/0.05f, /*momentum=*/0.5f, /*nesterov=*/true, /*weight_decay=*/0.3f), 8);
}

TEST_CASE("closed forms for a constant gradient", "[optimizer]") {
  // With g fixed, Adam's bias-corrected m̂ = g and √v̂ = |g| at every step, so each step moves
  // p by −lr g / (|g| + eps); AdamW first scales p by (1 − lr wd).
  // SGD with momentum μ: buf = g, (1+μ) g, (1+μ+μ²) g; Nesterov adds μ buf to each update.
  const float g = 0.25f;
  std::vector<float> value = {1.0f};
  std::vector<float> grad = {g};
  const std::vector<Param> params = {{value.data(), grad.data(), 1}};
  OptimizerState state;
  const auto run = [&](const OptimizerConfig& config, int steps) {
    value[0] = 1.0f;
    optimizer_init(config, state, params);
    for (int t = 0; t < steps; ++t) optimizer_step(config, state, params);
    return static_cast<double>(value[0]);
  };
  const double move = 0.1 * 0.25 / (0.25 + 1e-8);
  CHECK(run(adam(/*lr=*/0.1f, /*weight_decay=*/0.0f), 3) == Approx(1.0 - 3 * move).epsilon(1e-6));
  const double decay = 1 - 0.1 * 0.5;
  CHECK(run(adam(/*lr=*/0.1f, /*weight_decay=*/0.5f), 2) ==
        Approx((1.0 * decay - move) * decay - move).epsilon(1e-6));
  const double mu = 0.5;
  CHECK(run(sgd(/*lr=*/0.1f, /*momentum=*/0.5f, /*nesterov=*/false, /*weight_decay=*/0.0f), 3) ==
        Approx(1.0 - 0.1 * 0.25 * (1 + (1 + mu) + (1 + mu + mu * mu))).epsilon(1e-6));
  CHECK(run(sgd(/*lr=*/0.1f, /*momentum=*/0.5f, /*nesterov=*/true, /*weight_decay=*/0.0f), 3) ==
        Approx(1.0 - 0.1 * 0.25 * ((1 + mu) + (1 + mu + mu * mu) + (1 + mu + mu * mu + mu * mu * mu)))
            .epsilon(1e-6));
  // Plain SGD with weight decay 0.2: p ← p − lr (g + 0.2 p).
  CHECK(run(sgd(/*lr=*/0.1f, /*momentum=*/0.0f, /*nesterov=*/false, /*weight_decay=*/0.2f), 1) ==
        Approx(1.0 - 0.1 * (0.25 + 0.2)).epsilon(1e-6));
}

TEST_CASE("optimizer_init sizes the state and optimizer_step allocates nothing", "[optimizer]") {
  for (const OptimizerConfig& config : {adam(/*lr=*/0.01f, /*weight_decay=*/0.1f),
                                        sgd(/*lr=*/0.01f, /*momentum=*/0.9f, /*nesterov=*/true,
                                            /*weight_decay=*/0.1f)}) {
    const bool is_adam = config.kind == OptimizerKind::adam;
    INFO(optimizer_kind_name(config.kind));
    FloatModel model;
    OptimizerState state;
    state.step = 7;  // stale values that init must reset
    state.v.resize(9);

    gantool_test::start_counting();
    optimizer_init(config, state, model.params);
    CHECK(gantool_test::stop_counting().ours > 0);  // the counter works: init allocates the state

    CHECK(state.step == 0);
    REQUIRE(state.m.size() == 2);
    CHECK(state.m[0] == std::vector<float>(3, 0.0f));
    CHECK(state.m[1] == std::vector<float>(2, 0.0f));
    if (is_adam) {
      REQUIRE(state.v.size() == 2);
      CHECK(state.v[0] == std::vector<float>(3, 0.0f));
      CHECK(state.v[1] == std::vector<float>(2, 0.0f));
    } else {
      CHECK(state.v.empty());
    }

    model.compute_grad();
    gantool_test::start_counting();
    for (int t = 0; t < 10; ++t) optimizer_step(config, state, model.params);
    const gantool_test::AllocationCount count = gantool_test::stop_counting();
    CHECK(count.ours == 0);
    CHECK(count.onednn == 0);
    CHECK(state.step == 10);
  }
}

TEST_CASE("optimizer_step refuses a state made for other parameters", "[optimizer]") {
  FloatModel model;
  OptimizerState state;
  const OptimizerConfig config = adam(/*lr=*/0.01f, /*weight_decay=*/0.0f);
  optimizer_init(config, state, std::span(model.params.data(), 1));
  CHECK_THROWS_AS(optimizer_step(config, state, model.params), std::logic_error);
  optimizer_init(config, state, model.params);
  std::vector<Param> wrong_size = model.params;
  wrong_size[1].size = 1;
  CHECK_THROWS_AS(optimizer_step(config, state, wrong_size), std::logic_error);
  // An SGD state has no second moments, so it cannot drive Adam.
  optimizer_init(sgd(/*lr=*/0.01f, /*momentum=*/0.9f, /*nesterov=*/false, /*weight_decay=*/0.0f), state,
                 model.params);
  CHECK_THROWS_AS(optimizer_step(config, state, model.params), std::logic_error);
}

TEST_CASE("optimizer names parse and print", "[optimizer]") {
  CHECK(parse_optimizer_kind("adam") == OptimizerKind::adam);
  CHECK(parse_optimizer_kind("sgd") == OptimizerKind::sgd);
  CHECK(std::string(optimizer_kind_name(OptimizerKind::adam)) == "adam");
  CHECK(std::string(optimizer_kind_name(OptimizerKind::sgd)) == "sgd");
  CHECK_THROWS_AS(parse_optimizer_kind("Adam"), UsageError);
  CHECK_THROWS_WITH(parse_optimizer_kind("rmsprop"),
                    Catch::Contains("--optimizer") && Catch::Contains("adam or sgd") &&
                        Catch::Contains("'rmsprop'"));
}
