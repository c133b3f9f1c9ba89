// Linear layers and MLPs on oneDNN: forward against a naive double loop, every gradient
// (weights, biases, input) against central finite differences of that double model.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/rng.hpp"
#include "nn/net.hpp"
#include "nn/reference.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// Checks forward and backward of `mlp` on a random batch against the double reference; with
// training_seed > 0, of a training forward (dropout masks from that seed, batch norm by the
// batch's statistics), else of an evaluation forward (batch norm by the running statistics).
void check_mlp(Net& mlp, int64_t batch, uint64_t seed, uint64_t training_seed = 0) {
  Rng rng = make_rng(seed, 99);
  std::vector<float> x(batch * mlp.in()), c(batch * mlp.out());
  for (auto& v : x) v = static_cast<float>(normal(rng));
  for (auto& v : c) v = static_cast<float>(normal(rng));

  Rng masks = make_rng(training_seed, 5);
  const Tensor& y = mlp.forward(x.data(), batch, training_seed > 0 ? &masks : nullptr);
  std::vector<RefLayer> ref = ref_layers(mlp, /*running=*/training_seed == 0);
  if (training_seed > 0) add_dropout_scales(ref, mlp, make_rng(training_seed, 5), batch, 0, batch);
  std::vector<double> xd(x.begin(), x.end()), cd(c.begin(), c.end());
  const std::vector<double> y_ref = ref_forward(ref, xd, batch);
  for (int64_t i = 0; i < y.size(); ++i) REQUIRE(y.data()[i] == Approx(y_ref[i]).epsilon(1e-4).margin(1e-5));

  std::vector<float> diff_x(x.size());
  mlp.backward(c.data(), /*param_grads=*/true, diff_x.data());
  const auto loss = [&] { return ref_loss(ref, xd, batch, cd); };
  // Tolerance: float32 gradients of sums over up to ~100 terms against exact differences.
  const auto close = [](double analytic, double fd) { return std::abs(analytic - fd) <= 2e-3 * std::abs(fd) + 2e-4; };
  for (size_t l = 0; l < ref.size(); ++l) {
    for (size_t i = 0; i < ref[l].w.size(); i += 1 + ref[l].w.size() / 40) {
      const double fd = central_difference(ref[l].w[i], loss);
      INFO("layer " << l << " weight " << i);
      REQUIRE(close(mlp.diff_weights(l)[i], fd));
    }
    for (size_t i = 0; i < ref[l].b.size(); ++i) {
      const double fd = central_difference(ref[l].b[i], loss);
      INFO("layer " << l << " bias " << i);
      REQUIRE(close(mlp.diff_bias(l)[i], fd));
    }
    if (!ref[l].batch_norm) continue;
    const float* d_gamma = mlp.params.grad(*mlp.params.find("layer" + std::to_string(l) + "/bn_scale"));
    const float* d_beta = mlp.params.grad(*mlp.params.find("layer" + std::to_string(l) + "/bn_shift"));
    for (size_t i = 0; i < ref[l].gamma.size(); ++i) {
      INFO("layer " << l << " batch norm γ and β " << i);
      REQUIRE(close(d_gamma[i], central_difference(ref[l].gamma[i], loss)));
      REQUIRE(close(d_beta[i], central_difference(ref[l].beta[i], loss)));
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
    Net single(mlp(5, {}, 7, act, default_alpha(act), act, default_alpha(act)), Init::pytorch, rng);
    check_mlp(single, 9, 1);
  }
}

TEST_CASE("MLPs: gradients for several widths and batch sizes, including 1 and odd ones", "[nn]") {
  const std::vector<std::vector<int64_t>> widths = {{3}, {16, 16}, {33, 17, 5}, {128, 128, 128}};
  for (const auto& hidden : widths) {
    for (int64_t batch : {1, 5, 17, 64}) {
      INFO("hidden " << hidden.size() << " first " << hidden[0] << " batch " << batch);
      Rng rng = make_rng(batch);
      Net g(mlp(2, hidden, 3, Activation::relu, 0.0f, Activation::tanh, 0.0f), Init::pytorch, rng);
      check_mlp(g, batch, 2);
      Net d(mlp(3, hidden, 1, Activation::leaky_relu, 0.2f, Activation::identity, 0.0f), Init::he, rng);
      check_mlp(d, batch, 3);
    }
  }
}

TEST_CASE("MLPs: alternating batch sizes reuse the right primitives", "[nn]") {
  Rng rng = make_rng(4);
  Net mlp(gantool_test::mlp(4, {8, 8}, 2, Activation::elu, 1.0f, Activation::sigmoid, 0.0f), Init::xavier, rng);
  for (int64_t batch : {10, 3, 10, 1, 3}) check_mlp(mlp, batch, static_cast<uint64_t>(batch));
}

TEST_CASE("initializations have the documented ranges and spreads", "[nn]") {
  // PyTorch: U(±1/√in), variance 1/(3·in); He: N(0, 2/in); Xavier: U(±√(6/(in+out))).
  const int64_t in = 400, out = 300;
  for (Init init : {Init::pytorch, Init::he, Init::xavier}) {
    INFO(init_name(init));
    Rng rng = make_rng(5);
    Net mlp(gantool_test::mlp(in, {}, out, Activation::identity, 0, Activation::identity, 0), init, rng);
    const std::vector<float> w(mlp.weights(0), mlp.weights(0) + in * out);
    double s2 = 0, max_abs = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      s2 += double(w[i]) * w[i];
      max_abs = std::max(max_abs, std::abs(double(w[i])));
    }
    const double var = s2 / double(w.size());
    const double expected = init == Init::pytorch ? 1.0 / (3 * in) : init == Init::he ? 2.0 / in : 2.0 / (in + out);
    CHECK(var == Approx(expected).epsilon(0.02));
    if (init == Init::pytorch) CHECK(max_abs <= 1 / std::sqrt(double(in)));
    if (init == Init::xavier) CHECK(max_abs <= std::sqrt(6.0 / (in + out)));
    if (init != Init::pytorch) CHECK(mlp.bias(0)[0] == 0.0f);
  }
}

TEST_CASE("nets: one parameter block, named aligned views in layer order", "[nn]") {
  Rng rng = make_rng(6);
  Net net(mlp(3, {5, 4}, 2, Activation::relu, 0.0f, Activation::identity, 0.0f), Init::pytorch, rng);
  const std::vector<std::string> names = {"layer0/weights", "layer0/bias", "layer1/weights",
                                          "layer1/bias",    "layer2/weights", "layer2/bias"};
  REQUIRE(net.params.views.size() == names.size());
  int64_t end = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const ParamView& v = net.params.views[i];
    CHECK(v.name == names[i]);
    CHECK(v.offset % ParamBlock::kParamAlign == 0);
    CHECK(v.offset >= end);
    end = v.offset + v.size;
  }
  CHECK(net.params.views[2].shape == std::vector<int64_t>{4, 5});
  CHECK(net.params.count() == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2);
  CHECK(net.params.size() == end);
  CHECK(net.params.find("layer1/bias") == &net.params.views[3]);
  CHECK(net.params.find("layer9/bias") == nullptr);
  CHECK(net.weights(1) == net.params.values.data() + net.params.views[2].offset);
  // The padding is zero and gradients land in the block's views.
  std::vector<float> x(3 * 4, 0.5f), d(4 * 2, 1.0f);
  net.forward(x.data(), 4);
  net.backward(d.data(), /*param_grads=*/true, nullptr);
  for (int64_t i = 0; i < net.params.size(); ++i) {
    bool inside = false;
    for (const ParamView& v : net.params.views) inside |= i >= v.offset && i < v.offset + v.size;
    if (!inside) REQUIRE((net.params.values[i] == 0.0f && net.params.grads[i] == 0.0f));
  }
  CHECK(net.diff_bias(2)[0] == 4.0f);  // Σ over the batch of a gradient of 1
  // A copy owns its block.
  Net copy = net.copy();
  copy.params.values[0] += 1;
  CHECK(copy.params.values[0] != net.params.values[0]);
  copy_parameters(net, copy);
  CHECK(copy.params.values == net.params.values);
}

TEST_CASE("nets: output heads apply their own activation to their columns", "[nn]") {
  Rng rng = make_rng(7);
  NetSpec spec = mlp(3, {6}, 4, Activation::relu, 0.0f, Activation::identity, 0.0f);
  spec.heads = {{1, Activation::tanh, 0.0f}, {2, Activation::sigmoid, 0.0f}, {1, Activation::identity, 0.0f}};
  Net net(spec, Init::pytorch, rng);
  NetSpec plain_spec = spec;
  plain_spec.heads.clear();
  Net plain(plain_spec, Init::pytorch, rng);
  copy_parameters(net, plain);
  const int64_t batch = 5;
  std::vector<float> x(batch * 3), c(batch * 4);
  Rng data = make_rng(8);
  for (auto& v : x) v = static_cast<float>(normal(data));
  for (auto& v : c) v = static_cast<float>(normal(data));
  const Tensor& plain_y = plain.forward(x.data(), batch);
  const std::vector<float> z(plain_y.data(), plain_y.data() + batch * 4);
  const Tensor& y = net.forward(x.data(), batch);
  const Activation acts[] = {Activation::tanh, Activation::sigmoid, Activation::sigmoid, Activation::identity};
  for (int64_t r = 0; r < batch; ++r)
    for (int64_t j = 0; j < 4; ++j) REQUIRE(y(r, j) == Approx(act_ref(acts[j], 0, z[r * 4 + j])).epsilon(1e-5).margin(1e-6));

  // The gradient with respect to the last layer's bias: Σ_rows c · f'(z) per column.
  net.backward(c.data(), /*param_grads=*/true, nullptr);
  for (int64_t j = 0; j < 4; ++j) {
    double expected = 0;
    for (int64_t r = 0; r < batch; ++r) expected += c[r * 4 + j] * act_derivative_ref(acts[j], 0, z[r * 4 + j]);
    CHECK(net.diff_bias(1)[j] == Approx(expected).epsilon(1e-4).margin(1e-5));
  }
}

TEST_CASE("dropout: a training forward and its gradients go through the same masks", "[nn]") {
  for (const float p : {0.5f, 0.2f})
    for (Activation act : {Activation::leaky_relu, Activation::tanh, Activation::relu}) {
      INFO(activation_name(act) << ", p " << p);
      Rng rng = make_rng(21);
      NetSpec spec = mlp(6, {16, 9}, 3, act, default_alpha(act), Activation::identity, 0.0f);
      spec.layers[0].dropout = p;
      spec.layers[1].dropout = p;
      Net net(spec, Init::pytorch, rng);
      check_mlp(net, 11, 3, /*dropout_seed=*/7);
      // Without an rng the same net is the plain MLP (inverted dropout needs no scaling then).
      check_mlp(net, 5, 4);
    }
}

TEST_CASE("dropout: a share p of the values is dropped and the rest scaled by 1/(1 − p)", "[nn]") {
  Rng rng = make_rng(2);
  NetSpec spec = mlp(4, {1000}, 1, Activation::identity, 0.0f, Activation::identity, 0.0f);
  spec.layers[0].dropout = 0.3f;
  Net net(spec, Init::pytorch, rng);
  // The output is Σ_j w_j·s_j·h_j + b: with one input row of zeros, h = bias of layer 0.
  std::vector<float> x(200 * 4, 0.0f);
  Rng masks = make_rng(9);
  const Tensor& with = net.forward(x.data(), 200, &masks);
  std::vector<float> y(with.data(), with.data() + with.size());
  const Tensor& without = net.forward(x.data(), 200);
  // Rows differ (masks are per row), and their mean is the evaluation output's.
  double mean = 0;
  for (float v : y) mean += v / 200.0;
  REQUIRE(y[0] != y[1]);
  double var = 0;  // per-row spread of Σ w·s·h: p/(1 − p)·Σ (w·h)²
  for (float v : y) var += (v - without.data()[0]) * (v - without.data()[0]) / 200.0;
  double expected = 0;
  for (int64_t j = 0; j < 1000; ++j) {
    const double wh = double(net.weights(1)[j]) * net.bias(0)[j];
    expected += wh * wh * 0.3 / 0.7;
  }
  REQUIRE(mean == Approx(without.data()[0]).margin(4 * std::sqrt(expected / 200)));
  REQUIRE(var == Approx(expected).epsilon(0.3));
}

TEST_CASE("batch norm and concat (CTGAN's residual blocks): forward and every gradient", "[nn]") {
  for (Activation act : {Activation::relu, Activation::tanh, Activation::leaky_relu})
    for (int64_t batch : {2, 7, 32})
      for (const bool dropout : {false, true}) {
        INFO(activation_name(act) << ", batch " << batch << (dropout ? ", dropout" : ""));
        NetSpec spec = mlp(5, {12, 9}, 4, act, default_alpha(act), Activation::identity, 0.0f);
        for (size_t l = 0; l < 2; ++l) spec.layers[l].batch_norm = spec.layers[l].concat = true;
        spec.layers[0].dropout = dropout ? 0.3f : 0.0f;
        Rng rng = make_rng(batch);
        Net net(spec, Init::pytorch, rng);
        // γ and β away from 1 and 0, so that a swapped or missing term shows.
        for (const char* name : {"layer0/bn_scale", "layer0/bn_shift", "layer1/bn_scale", "layer1/bn_shift"}) {
          const ParamView& v = *net.params.find(name);
          for (int64_t i = 0; i < v.size; ++i) net.params.value(v)[i] = static_cast<float>(0.5 + uniform(rng));
        }
        REQUIRE(net.layers[1].linear.in() == 12 + 5);
        REQUIRE(net.out() == 4);
        check_mlp(net, batch, batch + 1, /*training_seed=*/3);
        // After training forwards the running statistics have moved: evaluation uses them.
        check_mlp(net, batch, batch + 2);
      }
}

TEST_CASE("batch norm: running statistics follow PyTorch's update, and copies and evaluation use them", "[nn]") {
  NetSpec spec = mlp(3, {4}, 1, Activation::relu, 0.0f, Activation::identity, 0.0f);
  spec.layers[0].batch_norm = true;
  Rng rng = make_rng(4);
  Net net(spec, Init::pytorch, rng);
  CHECK(net.state.count() == 8);
  CHECK(view_values(net.state, "layer0/bn_mean") == std::vector<double>(4, 0.0));
  CHECK(view_values(net.state, "layer0/bn_var") == std::vector<double>(4, 1.0));
  const int64_t batch = 6;
  std::vector<float> x(batch * 3);
  for (auto& v : x) v = static_cast<float>(normal(rng));
  Rng training = make_rng(1);
  net.forward(x.data(), batch, &training);
  // The linear part's output a, in double: its mean and unbiased variance per feature.
  const std::vector<double> w = view_values(net.params, "layer0/weights"), b = view_values(net.params, "layer0/bias");
  const std::vector<double> mean = view_values(net.state, "layer0/bn_mean"), var = view_values(net.state, "layer0/bn_var");
  for (int64_t o = 0; o < 4; ++o) {
    std::vector<double> a(batch);
    double m = 0, v = 0;
    for (int64_t r = 0; r < batch; ++r) {
      a[r] = b[o];
      for (int64_t i = 0; i < 3; ++i) a[r] += w[o * 3 + i] * x[r * 3 + i];
      m += a[r] / batch;
    }
    for (int64_t r = 0; r < batch; ++r) v += (a[r] - m) * (a[r] - m) / (batch - 1);
    CHECK(mean[o] == Approx(0.1 * m).margin(1e-6));
    CHECK(var[o] == Approx(0.9 + 0.1 * v).epsilon(1e-5));
  }
  // A copy has the same statistics; an evaluation forward does not move them, and gives
  // each row alone what it gives it in a batch.
  Net twin = net.copy();
  CHECK(twin.state.values == net.state.values);
  const std::vector<float> before = net.state.values;
  const Tensor& all = net.forward(x.data(), batch);
  const std::vector<float> together(all.data(), all.data() + batch);
  CHECK(net.state.values == before);
  for (int64_t r = 0; r < batch; ++r) CHECK(twin.forward(x.data() + r * 3, 1).data()[0] == Approx(together[r]).epsilon(1e-4).margin(1e-6));
}
