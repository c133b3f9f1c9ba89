// Convolutions, transposed convolutions and image-shaped batch norm on oneDNN: forward
// against a naive double model written here from the definitions (PyTorch's Conv2d and
// ConvTranspose2d), every gradient (weights, biases, γ, β, input) against central finite
// differences of that model, and the input gradient and its parameter gradient (R1,
// WGAN-GP) against the model's own double backpropagation.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "nn/linear.hpp"
#include "nn/net.hpp"
#include "nn/reference.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// One layer of the double model: its parameters and the connections of its affine map.
struct ConvRef {
  LayerSpec spec;
  std::vector<int64_t> in, out;  // sample shapes
  std::vector<double> w, b, gamma, beta, mean, var;
  // The map's terms: a[out_index] += w[w_index] · x[in_index], bias by channel of out.
  struct Term {
    int64_t out, in, w;
  };
  std::vector<Term> terms;
  int64_t channels = 0, spatial = 1;

  void connect() {
    terms.clear();
    const LayerSpec& s = spec;
    if (s.kind == LayerKind::linear) {
      const int64_t n_in = shape_size(in);
      for (int64_t o = 0; o < s.out; ++o)
        for (int64_t i = 0; i < n_in; ++i) terms.push_back({o, i, o * n_in + i});
    } else {
      const int64_t C = in[0], H = in[1], W = in[2], O = out[0], OH = out[1], OW = out[2], k = s.kernel;
      for (int64_t o = 0; o < O; ++o)
        for (int64_t c = 0; c < C; ++c)
          for (int64_t ky = 0; ky < k; ++ky)
            for (int64_t kx = 0; kx < k; ++kx) {
              const int64_t wi = ((o * C + c) * k + ky) * k + kx;
              if (s.kind == LayerKind::conv2d) {
                // out (oy, ox) reads in (oy·s − p + ky, ox·s − p + kx)
                for (int64_t oy = 0; oy < OH; ++oy)
                  for (int64_t ox = 0; ox < OW; ++ox) {
                    const int64_t iy = oy * s.stride - s.padding + ky, ix = ox * s.stride - s.padding + kx;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                    terms.push_back({(o * OH + oy) * OW + ox, (c * H + iy) * W + ix, wi});
                  }
              } else {
                // in (iy, ix) adds into out (iy·s − p + ky, ix·s − p + kx)
                for (int64_t iy = 0; iy < H; ++iy)
                  for (int64_t ix = 0; ix < W; ++ix) {
                    const int64_t oy = iy * s.stride - s.padding + ky, ox = ix * s.stride - s.padding + kx;
                    if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
                    terms.push_back({(o * OH + oy) * OW + ox, (c * H + iy) * W + ix, wi});
                  }
              }
            }
    }
    channels = batch_norm_channels(s);
    spatial = shape_size(out) / channels;
  }
};

struct RefNet {
  std::vector<ConvRef> layers;
  bool running = false;  // batch norm by the running statistics (evaluation)

  // y (batch, out) of x (batch, in); pre[l] keeps each layer's pre-activation values.
  std::vector<double> forward(std::vector<double> x, int64_t batch, std::vector<std::vector<double>>* pre = nullptr) const {
    for (const ConvRef& l : layers) {
      const int64_t n_in = shape_size(l.in), n_out = shape_size(l.out);
      std::vector<double> a(batch * n_out, 0.0);
      for (int64_t r = 0; r < batch; ++r) {
        const int64_t per_bias = l.spec.kind == LayerKind::linear ? 1 : n_out / l.out[0];  // a bias per channel
        for (int64_t j = 0; j < n_out; ++j) a[r * n_out + j] = l.b[j / per_bias];
        for (const ConvRef::Term& t : l.terms) a[r * n_out + t.out] += l.w[t.w] * x[r * n_in + t.in];
      }
      if (l.spec.batch_norm)
        for (int64_t c = 0; c < l.channels; ++c) {
          double mean = 0, var = 0;
          const double n = double(batch * l.spatial);
          for (int64_t r = 0; r < batch; ++r)
            for (int64_t i = 0; i < l.spatial; ++i) mean += a[r * n_out + c * l.spatial + i] / n;
          for (int64_t r = 0; r < batch; ++r)
            for (int64_t i = 0; i < l.spatial; ++i) {
              const double d = a[r * n_out + c * l.spatial + i] - mean;
              var += d * d / n;
            }
          if (running) mean = l.mean[c], var = l.var[c];
          for (int64_t r = 0; r < batch; ++r)
            for (int64_t i = 0; i < l.spatial; ++i) {
              double& v = a[r * n_out + c * l.spatial + i];
              v = l.gamma[c] * (v - mean) / std::sqrt(var + 1e-5) + l.beta[c];
            }
        }
      if (pre) pre->push_back(a);
      for (double& v : a) v = act_ref(l.spec.activation, l.spec.alpha, v);
      x = std::move(a);
    }
    return x;
  }

  // ∂y/∂x (batch, in) of a one-output net without batch norm, by the chain rule in double.
  std::vector<double> input_gradient(const std::vector<double>& x, int64_t batch) const {
    std::vector<std::vector<double>> pre;
    forward(x, batch, &pre);
    std::vector<double> g(batch, 1.0);
    for (size_t k = layers.size(); k-- > 0;) {
      const ConvRef& l = layers[k];
      const int64_t n_in = shape_size(l.in), n_out = shape_size(l.out);
      std::vector<double> below(batch * n_in, 0.0);
      for (int64_t r = 0; r < batch; ++r)
        for (const ConvRef::Term& t : l.terms)
          below[r * n_in + t.in] +=
              g[r * n_out + t.out] * act_derivative_ref(l.spec.activation, l.spec.alpha, pre[k][r * n_out + t.out]) * l.w[t.w];
      g = std::move(below);
    }
    return g;
  }
};

RefNet ref_net(const Net& net, bool running) {
  RefNet ref;
  ref.running = running;
  const std::vector<std::vector<int64_t>> shapes = net.spec().shapes();
  for (size_t l = 0; l < net.layers.size(); ++l) {
    ConvRef r;
    r.spec = net.spec().layers[l];
    r.in = shapes[l];
    r.out = shapes[l + 1];
    const std::string p = "layer" + std::to_string(l) + "/";
    r.w = view_values(net.params, p + "weights");
    r.b = view_values(net.params, p + "bias");
    if (r.spec.batch_norm) {
      r.gamma = view_values(net.params, p + "bn_scale");
      r.beta = view_values(net.params, p + "bn_shift");
      r.mean = view_values(net.state, p + "bn_mean");
      r.var = view_values(net.state, p + "bn_var");
    }
    r.connect();
    ref.layers.push_back(std::move(r));
  }
  return ref;
}

// float32 gradients of sums over up to a few hundred terms against exact differences.
bool close(double analytic, double fd) { return std::abs(analytic - fd) <= 3e-3 * std::abs(fd) + 3e-4; }

// Up to about 30 indices spread over [0, n).
std::vector<size_t> some(size_t n) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < n; i += 1 + n / 30) idx.push_back(i);
  return idx;
}

// Forward and backward of `net` against the double model, on a training or evaluation forward.
void check_net(Net& net, int64_t batch, uint64_t seed, bool training) {
  Rng rng = make_rng(seed, 7);
  // Random γ, β, running statistics and biases, so that none is trivially 1 or 0.
  for (ParamView& v : net.params.views)
    if (v.name.find("bn_") != std::string::npos || v.name.find("bias") != std::string::npos)
      for (int64_t i = 0; i < v.size; ++i)
        net.params.value(v)[i] = static_cast<float>((v.name.find("bn_scale") != std::string::npos ? 1.0 : 0.0) + 0.3 * normal(rng));
  for (ParamView& v : net.state.views)
    for (int64_t i = 0; i < v.size; ++i)
      net.state.value(v)[i] = static_cast<float>(v.name.find("var") != std::string::npos ? 0.5 + uniform(rng, 0, 1) : 0.2 * normal(rng));
  std::vector<float> x(batch * net.in()), c(batch * net.out());
  for (auto& v : x) v = static_cast<float>(normal(rng));
  for (auto& v : c) v = static_cast<float>(normal(rng));

  RefNet ref = ref_net(net, /*running=*/!training);  // before the forward moves the running statistics
  Rng masks = make_rng(seed, 5);
  const Tensor& y = net.forward(x.data(), batch, training ? &masks : nullptr);
  std::vector<double> xd(x.begin(), x.end()), cd(c.begin(), c.end());
  const std::vector<double> y_ref = ref.forward(xd, batch);
  REQUIRE(y.size() == static_cast<int64_t>(y_ref.size()));
  for (int64_t i = 0; i < y.size(); ++i) {
    INFO("output " << i);
    REQUIRE(y.data()[i] == Approx(y_ref[i]).epsilon(1e-4).margin(1e-4));
  }

  std::vector<float> diff_x(x.size());
  net.backward(c.data(), /*param_grads=*/true, diff_x.data());
  const auto loss = [&] {
    const std::vector<double> out = ref.forward(xd, batch);
    double s = 0;
    for (size_t i = 0; i < out.size(); ++i) s += cd[i] * out[i];
    return s;
  };
  for (size_t l = 0; l < ref.layers.size(); ++l) {
    ConvRef& r = ref.layers[l];
    const std::string p = "layer" + std::to_string(l) + "/";
    const auto check_view = [&](std::vector<double>& values, const std::string& name) {
      const float* grad = net.params.grad(*net.params.find(p + name));
      for (size_t i : some(values.size())) {
        INFO(p << name << " " << i);
        REQUIRE(close(grad[i], central_difference(values[i], loss)));
      }
    };
    check_view(r.w, "weights");
    check_view(r.b, "bias");
    if (r.spec.batch_norm) {
      check_view(r.gamma, "bn_scale");
      check_view(r.beta, "bn_shift");
    }
  }
  for (size_t i : some(xd.size())) {
    INFO("input " << i);
    REQUIRE(close(diff_x[i], central_difference(xd[i], loss)));
  }
}

NetSpec parse(const std::string& text) { return parse_net_spec(text, "test"); }

}  // namespace

TEST_CASE("conv nets: shapes and parameter views follow PyTorch's Conv2d and ConvTranspose2d", "[nn][conv]") {
  const NetSpec g = parse(
      "in 100; linear 6272 relu shape:128x7x7 batch_norm; conv2d_transposed 64 relu k4 s2 p1 op0 batch_norm; "
      "conv2d_transposed 1 tanh k4 s2 p1 op0");
  CHECK(g.shapes() == std::vector<std::vector<int64_t>>{{100}, {128, 7, 7}, {64, 14, 14}, {1, 28, 28}});
  CHECK(g.out_size() == 784);
  const std::vector<ParamView> views = param_views(g);
  CHECK(views[0].shape == std::vector<int64_t>{6272, 100});
  CHECK(views[2].name == "layer0/bn_scale");
  CHECK(views[2].shape == std::vector<int64_t>{128});  // per channel of the (128, 7, 7) output
  CHECK(views[4].shape == std::vector<int64_t>{64, 128, 4, 4});
  CHECK(state_views(g)[0].shape == std::vector<int64_t>{128});
  CHECK(parse_net_spec(format_net_spec(g), "t") == g);

  const NetSpec d = parse("in 1x28x28; conv2d 64 leaky_relu:0.2 k4 s2 p1; conv2d 128 leaky_relu:0.2 k4 s2 p1; linear 1 identity");
  CHECK(d.shapes() == std::vector<std::vector<int64_t>>{{1, 28, 28}, {64, 14, 14}, {128, 7, 7}, {1}});
  CHECK(d.layer_macs(1) == 128.0 * 49 * 64 * 16);
  // Odd sizes: floor for a convolution, output padding for its transpose.
  CHECK(parse("in 3x7x5; conv2d 2 relu k3 s2 p0").shapes().back() == std::vector<int64_t>{2, 3, 2});
  CHECK(parse("in 3x3x2; conv2d_transposed 2 relu k3 s2 p0 op1").shapes().back() == std::vector<int64_t>{2, 8, 6});

  const auto error = [](const std::string& text) {
    try {
      parse_net_spec(text, "t");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error("in 784; conv2d 8 relu k3 s1 p1; linear 1 identity"), Catch::Contains("reads images (C, H, W)"));
  CHECK_THAT(error("in 1x4x4; conv2d 8 relu k5 s1 p0; linear 1 identity"), Catch::Contains("larger than its padded input"));
  CHECK_THAT(error("in 1x4x4; conv2d 8 relu s1 p0; linear 1 identity"), Catch::Contains("kernel 0 is not 1 to 64"));
  CHECK_THAT(error("in 1x4x4; conv2d 8 relu k3 s1 p3; linear 1 identity"), Catch::Contains("padding 3"));
  CHECK_THAT(error("in 1x4x4; conv2d_transposed 8 relu k3 s2 p1 op2; linear 1 identity"), Catch::Contains("output padding 2"));
  CHECK_THAT(error("in 4; linear 8 relu shape:3x3; linear 1 identity"), Catch::Contains("does not hold its 8 outputs"));
  CHECK_THAT(error("in 4; linear 8 relu k3; linear 1 identity"), Catch::Contains("takes no kernel"));
  CHECK_THAT(error("in 1x4x4; conv2d 8 relu k3 k3; linear 1 identity"), Catch::Contains("each at most once"));
  CHECK_THAT(error("in 1x4x4; conv2d 8 relu k3 concat; linear 1 identity"), Catch::Contains("cannot concat"));
}

TEST_CASE("conv layers: every kind and activation, forward and gradients against double differences", "[nn][conv]") {
  for (Activation act : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::elu,
                         Activation::tanh, Activation::sigmoid, Activation::softplus}) {
    const std::string a = activation_name(act) + std::string(act == Activation::leaky_relu ? ":0.2" : act == Activation::elu ? ":1" : "");
    INFO(a);
    Rng rng = make_rng(3);
    Net conv(parse("in 2x6x5; conv2d 3 " + a + " k3 s2 p1; linear 2 identity"), Init::pytorch, rng);
    check_net(conv, 3, 1, false);
    Net deconv(parse("in 3x3x2; conv2d_transposed 2 " + a + " k4 s2 p1 op1; linear 2 identity"), Init::pytorch, rng);
    check_net(deconv, 2, 2, false);
  }
  SECTION("16 channels and more: oneDNN's blocked layouts and the reorders to and from them") {
    Rng rng = make_rng(6);
    Net net(parse("in 3x6x6; conv2d 16 leaky_relu:0.2 k3 s2 p1; conv2d_transposed 17 tanh k4 s2 p1 op0; "
                  "conv2d 32 elu:1 k3 s2 p1 batch_norm; linear 2 identity"),
            Init::pytorch, rng);
    check_net(net, 3, 12, /*training=*/true);
    check_net(net, 2, 13, /*training=*/false);
  }
  SECTION("strides, paddings and a 1×1 kernel; batch 1") {
    Rng rng = make_rng(4);
    Net net(parse("in 3x7x7; conv2d 4 elu:1 k1 s1 p0; conv2d 5 tanh k3 s3 p2; conv2d_transposed 2 sigmoid k3 s2 p0 op1; "
                  "linear 3 identity"),
            Init::pytorch, rng);
    check_net(net, 1, 5, false);
    check_net(net, 4, 6, false);
  }
}

TEST_CASE("conv nets: DCGAN-shaped G and D with image batch norm, training and evaluation forwards", "[nn][conv]") {
  Rng rng = make_rng(5);
  Net g(parse("in 6; linear 18 relu shape:2x3x3 batch_norm; conv2d_transposed 3 relu k4 s2 p1 op0 batch_norm; "
              "conv2d_transposed 1 tanh k3 s1 p1 op0"),
        Init::pytorch, rng);
  check_net(g, 5, 7, /*training=*/true);
  check_net(g, 3, 8, /*training=*/false);
  Net d(parse("in 1x6x6; conv2d 3 leaky_relu:0.2 k4 s2 p1 batch_norm; conv2d 4 leaky_relu:0.2 k3 s1 p1 dropout:0.3; "
              "linear 1 identity"),
        Init::pytorch, rng);
  check_net(d, 4, 9, /*training=*/false);  // dropout is left out of an evaluation forward
  // The running statistics move as PyTorch's BatchNorm2d (unbiased variance over batch × H × W).
  Net bn(parse("in 1x3x3; conv2d 2 identity k2 s1 p0 batch_norm; linear 1 identity"), Init::pytorch, rng);
  std::vector<float> x(4 * 9);
  for (auto& v : x) v = static_cast<float>(normal(rng));
  const RefNet ref = ref_net(bn, false);
  Rng masks = make_rng(1);
  bn.forward(x.data(), 4, &masks);
  // Recompute the affine outputs (before batch norm) from the double model without it.
  RefNet bare = ref;
  bare.layers[0].spec.batch_norm = false;
  bare.layers.resize(1);
  const std::vector<double> a = bare.forward(std::vector<double>(x.begin(), x.end()), 4);
  for (int64_t c = 0; c < 2; ++c) {
    double mean = 0, sq = 0;
    for (int64_t r = 0; r < 4; ++r)
      for (int64_t i = 0; i < 4; ++i) mean += a[r * 8 + c * 4 + i] / 16;
    for (int64_t r = 0; r < 4; ++r)
      for (int64_t i = 0; i < 4; ++i) sq += (a[r * 8 + c * 4 + i] - mean) * (a[r * 8 + c * 4 + i] - mean);
    CHECK(bn.state.value(*bn.state.find("layer0/bn_mean"))[c] == Approx(0.1 * mean).margin(1e-6));
    CHECK(bn.state.value(*bn.state.find("layer0/bn_var"))[c] == Approx(0.9 + 0.1 * sq / 15).margin(1e-6));
  }
}

TEST_CASE("conv nets: the input gradient and its parameter gradient (R1, WGAN-GP) against double backpropagation",
          "[nn][conv]") {
  for (const std::string& text :
       {std::string("in 2x6x6; conv2d 3 leaky_relu:0.2 k4 s2 p1; conv2d 4 leaky_relu:0.2 k3 s1 p1; linear 1 identity"),
        std::string("in 1x5x5; conv2d 3 tanh k3 s2 p1; conv2d_transposed 2 softplus k3 s2 p1 op0; linear 1 identity"),
        std::string("in 2x4x4; conv2d 2 elu:1 k2 s2 p0; linear 3 sigmoid; linear 1 identity"),
        std::string("in 2x8x8; conv2d 16 tanh k4 s2 p1; conv2d 32 leaky_relu:0.2 k4 s2 p1; linear 1 identity")}) {
    INFO(text);
    Rng rng = make_rng(11);
    Net net(parse(text), Init::pytorch, rng);
    const int64_t batch = 3;
    std::vector<float> x(batch * net.in()), cu(batch * net.in());
    for (auto& v : x) v = static_cast<float>(normal(rng));
    for (auto& v : cu) v = static_cast<float>(normal(rng));
    net.forward(x.data(), batch);
    std::vector<float> ones(batch, 0.0f);  // backward first, as the penalties do (it overwrites the gradients)
    net.backward(ones.data(), true, nullptr);
    const Tensor& u = net.input_gradient(0, batch);
    RefNet ref = ref_net(net, false);
    const std::vector<double> xd(x.begin(), x.end());
    const std::vector<double> u_ref = ref.input_gradient(xd, batch);
    for (int64_t i = 0; i < u.size(); ++i) REQUIRE(u.data()[i] == Approx(u_ref[i]).epsilon(1e-4).margin(1e-5));

    net.add_input_gradient_backward(cu.data());
    // P = Σ cu ⊙ u: its gradient with respect to every parameter, by differences of the double u.
    const auto penalty = [&] {
      const std::vector<double> g = ref.input_gradient(xd, batch);
      double s = 0;
      for (size_t i = 0; i < g.size(); ++i) s += double(cu[i]) * g[i];
      return s;
    };
    for (size_t l = 0; l < ref.layers.size(); ++l) {
      const std::string p = "layer" + std::to_string(l) + "/";
      const float* dw = net.params.grad(*net.params.find(p + "weights"));
      const float* db = net.params.grad(*net.params.find(p + "bias"));
      for (size_t i : some(ref.layers[l].w.size())) {
        INFO(p << "weights " << i);
        REQUIRE(close(dw[i], central_difference(ref.layers[l].w[i], penalty)));
      }
      for (size_t i : some(ref.layers[l].b.size())) {
        INFO(p << "bias " << i);
        REQUIRE(close(db[i], central_difference(ref.layers[l].b[i], penalty)));
      }
    }
  }
}

TEST_CASE("conv layers: primitives made once per batch size, and a steady pass makes none", "[nn][conv]") {
  Rng rng = make_rng(2);
  Net net(parse("in 1x8x8; conv2d 16 leaky_relu:0.2 k4 s2 p1; conv2d_transposed 4 relu k4 s2 p1 op0; linear 1 identity"),
          Init::pytorch, rng);
  std::vector<float> x(5 * 64), c(5, 1.0f), dx(5 * 64);
  net.forward(x.data(), 5);
  net.backward(c.data(), true, dx.data());
  const int64_t made = primitives_created();
  for (int i = 0; i < 3; ++i) {
    net.forward(x.data(), 5);
    net.backward(c.data(), true, dx.data());
  }
  CHECK(primitives_created() == made);
}
