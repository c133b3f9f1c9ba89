// Speed of gantool's GAN iteration on the benchmark configurations, or of oneDNN's sgemm
// for a comparable size. Prints one JSON line; bench/compare_gan.py runs it against
// PyTorch (bench/torch_gan.py) on the same networks.
//
//   bench_gan --config small|medium|large|dcgan [--steps N] [--warmup W] [--threads T]
//       [--loss nonsaturating|wgan-gp|...] [--d-steps K] [--gp-weight L] [--r1 G]
//       (the loss's defaults of `gantool train`, gan/cost.hpp: wgan-gp K = 5, Adam 1e-4, β2 0.9)
//   bench_gan --sgemm [--shape M,N,K] [--threads T]   (default shape: the large hidden layer)
//   bench_gan --sample ROWS [--config C] [--batch B] [--threads T]   (generation as `gantool
//       sample` does it, without output: row-indexed noise and G on tiles, B rows per block)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <dnnl.hpp>
#include <fmt/format.h>

#include "core/threads.hpp"
#include "gan/cost.hpp"
#include "gan/gan.hpp"
#include "nn/tiled.hpp"

using namespace gantool;

namespace {

struct Bench {
  std::string config = "small";
  int64_t steps = 300, warmup = 20;
  int threads = 2;
  bool sgemm = false;
  int64_t sample = 0, batch = 65536;
  int64_t m = 512, n = 1024, k = 1024;  // the large configuration's hidden layer
  std::string loss = "nonsaturating";
  int64_t d_steps = 0;  // 0: the loss's default
  double gp_weight = 10, r1 = 0;
};

// The three configurations of the speed targets (issue: neural-network core).
GanConfig config_named(const std::string& name) {
  GanConfig c;
  const auto mlps = [&c](int64_t z_dim, int64_t data_dim, std::vector<int64_t> hidden) {
    c.g = mlp_spec(z_dim, {hidden, Activation::relu, 0.0f, Activation::identity}, data_dim);
    c.d = mlp_spec(data_dim, {hidden, Activation::leaky_relu, 0.2f, Activation::identity}, 1);
  };
  if (name == "small") {
    mlps(2, 2, {128, 128, 128}), c.batch = 256;
  } else if (name == "medium") {
    mlps(64, 64, {512, 512}), c.batch = 256;
  } else if (name == "large") {
    mlps(128, 784, {1024, 1024}), c.batch = 512;
  } else if (name == "dcgan") {  // `gantool train --arch dcgan`'s defaults on 1×28×28 images
    c.g = dcgan_generator(100, {128, 64}, {1, 28, 28}, Activation::relu, 0.0f, Activation::tanh, "--g-hidden");
    c.d = dcgan_discriminator({1, 28, 28}, {64, 128}, Activation::leaky_relu, 0.2f, "--d-hidden");
    c.batch = 64;
    c.init = Init::dcgan;
  } else {
    std::fprintf(stderr, "bench_gan: unknown --config %s\n", name.c_str());
    std::exit(2);
  }
  c.opt_g.lr = c.opt_d.lr = 2e-4;  // Adam(2e-4, β = (0.5, 0.999)), PyTorch's default init
  return c;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run_sgemm(const Bench& bench) {
  const int64_t m = bench.m, n = bench.n, k = bench.k;
  std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n);
  const auto once = [&] {
    dnnl_sgemm('N', 'N', m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n);
  };
  for (int i = 0; i < 20; ++i) once();
  int reps = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (seconds_since(t0) < 2.0) once(), ++reps;
  const double s = seconds_since(t0);
  fmt::print("{{\"impl\":\"onednn_sgemm\",\"m\":{},\"n\":{},\"k\":{},\"threads\":{},\"gflops\":{:.1f}}}\n", m, n, k,
             bench.threads, 2.0 * m * n * k * reps / s / 1e9);
}

void run_gan(const Bench& bench) {
  GanConfig config = config_named(bench.config);
  config.loss = parse_gan_loss(bench.loss);
  const LossDefaults defaults = loss_defaults(bench.loss);
  config.d_steps = bench.d_steps > 0 ? bench.d_steps : defaults.d_steps;
  config.opt_g.lr = defaults.lr_g, config.opt_d.lr = defaults.lr_d;
  config.opt_g.beta1 = config.opt_d.beta1 = defaults.beta1;
  config.opt_g.beta2 = config.opt_d.beta2 = defaults.beta2;
  config.gp_weight = bench.gp_weight;
  config.r1 = bench.r1;
  Gan gan = make_gan(config, 1);
  const GanConfig& c = gan.config;
  const int64_t pool = 65536;
  std::vector<float> real(pool * c.data_dim());
  Rng rng = make_rng(2);
  for (auto& v : real) v = static_cast<float>(normal(rng));
  int64_t next = 0;
  std::vector<const float*> batches(c.d_steps);
  const auto step = [&] {
    for (const float*& batch : batches) {
      batch = real.data() + next * c.data_dim();
      next = next + 2 * c.batch > pool ? 0 : next + c.batch;
    }
    gan_step(gan, batches.data());
  };
  for (int64_t i = 0; i < bench.warmup; ++i) step();
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < bench.steps; ++i) step();
  const double s = seconds_since(t0);
  const double flops = step_flops(gan.config);
  fmt::print("{{\"impl\":\"gantool\",\"config\":\"{}\",\"loss\":\"{}\",\"d_steps\":{},\"gp_weight\":{},"
             "\"r1\":{},\"steps\":{},\"seconds\":{:.4f},\"steps_per_s\":{:.2f},"
             "\"threads\":{},\"gflop_per_step\":{:.4f},\"gflops\":{:.1f}}}\n",
             bench.config, gan_loss_name(c.loss), c.d_steps, c.gp_weight, c.r1, bench.steps, s, bench.steps / s,
             bench.threads, flops / 1e9, flops * bench.steps / s / 1e9);
}

void run_sample(const Bench& bench) {
  const Gan gan = make_gan(config_named(bench.config), 1);
  const GanConfig& c = gan.config;
  TiledForward generator(gan.g, bench.threads);
  const int64_t tile = TiledForward::kTileRows, block = (bench.batch + tile - 1) / tile * tile;
  Tensor z(block, c.z_dim()), x(block, c.data_dim());
  const Rng rng = make_rng(1);
  double check = 0;
  const auto generate = [&](int64_t first, int64_t n) {
    sample_noise_rows(c.prior, rng, first, n, c.z_dim(), z.data());
    generator.run(z.data(), n, x.data());
    check += x(0, 0);
  };
  generate(0, std::min(block, bench.sample));  // warm-up: primitives
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t first = 0; first < bench.sample; first += block) generate(first, std::min(block, bench.sample - first));
  const double s = seconds_since(t0);
  fmt::print("{{\"impl\":\"gantool\",\"config\":\"{}\",\"rows\":{},\"batch\":{},\"seconds\":{:.4f},"
             "\"rows_per_s\":{:.1f},\"threads\":{},\"check\":{}}}\n",
             bench.config, bench.sample, bench.batch, s, bench.sample / s, bench.threads, check);
}

}  // namespace

int main(int argc, char** argv) {
  use_passive_openmp_wait(argv);  // gantool's default; OMP_WAIT_POLICY=active overrides it
  Bench bench;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (arg == "--config") bench.config = value();
    else if (arg == "--steps") bench.steps = std::stoll(value());
    else if (arg == "--warmup") bench.warmup = std::stoll(value());
    else if (arg == "--threads") bench.threads = std::stoi(value());
    else if (arg == "--sgemm") bench.sgemm = true;
    else if (arg == "--sample") bench.sample = std::stoll(value());
    else if (arg == "--batch") bench.batch = std::stoll(value());
    else if (arg == "--loss") bench.loss = value();
    else if (arg == "--d-steps") bench.d_steps = std::stoll(value());
    else if (arg == "--gp-weight") bench.gp_weight = std::stod(value());
    else if (arg == "--r1") bench.r1 = std::stod(value());
    else if (arg == "--shape" && std::sscanf(value().c_str(), "%ld,%ld,%ld", &bench.m, &bench.n, &bench.k) == 3) {}
    else {
      std::fprintf(stderr, "bench_gan: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  set_threads(bench.threads);
  if (bench.sgemm)
    run_sgemm(bench);
  else if (bench.sample > 0)
    run_sample(bench);
  else
    run_gan(bench);
  return 0;
}
