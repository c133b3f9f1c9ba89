// The GAN training iteration.
#include "gan/gan.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/threads.hpp"

namespace gantool {

Prior parse_prior(const std::string& name, const std::string& flag) {
  if (name == "normal") return Prior::normal;
  if (name == "uniform") return Prior::uniform;
  fail_usage("{} must be normal or uniform (got '{}')", flag, name);
}

const char* prior_name(Prior prior) { return prior == Prior::normal ? "normal" : "uniform"; }

void sample_noise(Prior prior, Rng& rng, float* z, int64_t n) {
  if (prior == Prior::normal)
    fill_normal(rng, z, n);
  else
    fill_uniform(rng, z, n, -1.0f, 1.0f);
}

void sample_noise_rows(Prior prior, const Rng& rng, int64_t first_row, int64_t rows, int64_t z_dim, float* z) {
  // Row-indexed, so chunks of rows can go to any thread.
  const int64_t chunk = 512, chunks = (rows + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (int64_t i = 0; i < chunks; ++i) {
    const int64_t first = i * chunk, n = std::min(chunk, rows - first);
    if (prior == Prior::normal)
      fill_normal_rows(rng, first_row + first, n, z_dim, z + first * z_dim);
    else
      fill_uniform_rows(rng, first_row + first, n, z_dim, z + first * z_dim, -1.0f, 1.0f);
  }
}

Gan make_gan(const GanConfig& config, uint64_t seed) {
  GANTOOL_ASSERT(config.batch > 0 && config.d_steps > 0 && config.z_dim > 0 && config.data_dim > 0);
  GANTOOL_ASSERT(config.pack > 0 && config.batch % config.pack == 0);
  Gan gan;
  gan.config = config;
  Rng init_rng = make_rng(seed, 0);
  const MlpSpec g_spec = {config.z_dim, config.g_hidden, config.data_dim, config.g_activation, config.g_alpha,
                          config.g_out_activation, 0.0f};
  gan.g = Mlp(g_spec, config.init, init_rng);
  gan.d = Mlp({config.pack * config.data_dim, config.d_hidden, 1, config.d_activation, config.d_alpha,
               Activation::identity, 0.0f},
              config.init, init_rng);
  gan.g_ema = gan.g.copy();  // the average starts at G's initial weights
  gan.noise_rng = make_rng(seed, 1);
  gan.params_g = gan.g.params();
  gan.params_d = gan.d.params();
  gan.params_ema = gan.g_ema.params();
  optimizer_init(config.opt_g, gan.opt_state_g, gan.params_g);
  optimizer_init(config.opt_d, gan.opt_state_d, gan.params_d);
  gan.z = Tensor((config.d_steps + 1) * config.batch, config.z_dim);
  const bool interpolates = config.loss == GanLoss::wgan_gp;
  gan.d_src = Tensor((interpolates ? 3 : 2) * config.batch, config.data_dim);
  if (interpolates) gan.eps = Tensor(config.batch / config.pack, 1);
  if (interpolates || config.r1 > 0) {
    const int64_t packed = config.batch / config.pack;
    gan.diff_u = Tensor(packed, config.pack * config.data_dim);
    // Made now: discriminator_gradient may use D from two threads at once.
    for (int64_t rows : {packed, 2 * packed, 3 * packed}) gan.d.prepare(rows);
  }
  gan.diff_logits = Tensor(2 * config.batch / config.pack, 1);
  gan.diff_fake = Tensor(config.batch, config.data_dim);
  return gan;
}

namespace {

double mean_output(GanLoss loss, const float* logits, int64_t n) {
  const bool probability = loss == GanLoss::nonsaturating || loss == GanLoss::minimax;
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += probability ? sigmoid(logits[i]) : logits[i];
  return sum / static_cast<double>(n);
}

}  // namespace

namespace {

// The penalties on D's input gradients and their gradient with respect to D's parameters
// (in gan.d's penalty buffers), after the forward pass of discriminator_gradient; returns
// their sum.
double penalty_gradient(Gan& gan, bool interpolates, int64_t packed) {
  const GanConfig& c = gan.config;
  const int64_t width = c.pack * c.data_dim;
  double penalty = 0;
  if (interpolates) {  // the interpolates are rows [2·packed, 3·packed) of the forward
    const Tensor& u = gan.d.input_gradient(2 * packed, packed);
    penalty += gradient_penalty(u.data(), packed, width, c.gp_weight, gan.diff_u.data());
    gan.d.input_gradient_backward(gan.diff_u.data(), /*accumulate=*/false);
  }
  if (c.r1 > 0) {  // the real rows are rows [0, packed)
    const Tensor& u = gan.d.input_gradient(0, packed);
    penalty += r1_penalty(u.data(), packed, width, c.r1, gan.diff_u.data());
    gan.d.input_gradient_backward(gan.diff_u.data(), /*accumulate=*/interpolates);
  }
  return penalty;
}

}  // namespace

void discriminator_gradient(Gan& gan, const float* real, const float* fake, StepStats& stats) {
  const GanConfig& c = gan.config;
  const int64_t batch = c.batch, width = c.data_dim;
  const int64_t packed = batch / c.pack, packed_width = c.pack * width;  // D's inputs and their width
  const size_t rows_bytes = static_cast<size_t>(batch * width) * sizeof(float);
  const bool interpolates = c.loss == GanLoss::wgan_gp;

  // Real rows, fake rows and (wgan_gp) the interpolates, through D in one forward pass.
  std::memcpy(gan.d_src.row(0), real, rows_bytes);
  std::memcpy(gan.d_src.row(batch), fake, rows_bytes);
  if (interpolates) {
    // x̂ = ε·x + (1 − ε)·G(z), one ε ~ U(0, 1) per input of D (Gulrajani et al., Algorithm 1).
    fill_uniform(gan.noise_rng, gan.eps.data(), packed, 0.0f, 1.0f);
    float* x_hat = gan.d_src.row(2 * batch);
    for (int64_t p = 0; p < packed; ++p) {
      const float e = gan.eps(p, 0);
      for (int64_t j = p * packed_width; j < (p + 1) * packed_width; ++j)
        x_hat[j] = e * real[j] + (1.0f - e) * fake[j];
    }
  }
  const Tensor& logits = gan.d.forward(gan.d_src.data(), (interpolates ? 3 : 2) * packed);
  float* diff = gan.diff_logits.data();
  stats.loss_d = discriminator_loss(c.loss, logits.data(), packed, logits.data() + packed, packed, diff,
                                    diff + packed);
  stats.d_real = mean_output(c.loss, logits.data(), packed);
  stats.d_fake = mean_output(c.loss, logits.data() + packed, packed);
  // The loss's backward pass and the penalties' double backpropagation are independent:
  // other rows, buffers and primitives (batch sizes 2·packed and packed). On two threads
  // each runs on one (oneDNN's own split of these small products scales poorly).
  const bool penalties = interpolates || c.r1 > 0;
  stats.penalty = 0;
#pragma omp parallel sections num_threads(2) if (penalties && threads() == 2)
  {
#pragma omp section
    gan.d.backward(diff, /*param_grads=*/true, /*diff_src=*/nullptr, 0, 2 * packed);
#pragma omp section
    if (penalties) stats.penalty = penalty_gradient(gan, interpolates, packed);
  }
  if (penalties) {
    gan.d.add_penalty_gradient();
    stats.loss_d += stats.penalty;
  }
}

StepStats gan_step(Gan& gan, const float* const* real) {
  const GanConfig& c = gan.config;
  const int64_t batch = c.batch, k = c.d_steps;
  const int64_t packed = batch / c.pack;  // D's inputs per minibatch: rows of pack samples
  StepStats stats;

  // Fake minibatch j (j < k) is for D update j, minibatch k for G's update.
  sample_noise(c.prior, gan.noise_rng, gan.z.data(), gan.z.size());
  const Tensor& fake = gan.g.forward(gan.z.data(), (k + 1) * batch);

  for (int64_t j = 0; j < k; ++j) {
    // D update: maximize log D(x) + log(1 − D(G(z))) (or the loss's analogue).
    discriminator_gradient(gan, real[j], fake.row(j * batch), stats);
    optimizer_step(c.opt_d, gan.opt_state_d, gan.params_d);
    if (c.loss == GanLoss::wasserstein)  // Arjovsky et al. 2017, Algorithm 1: clip D's weights
      for (const Param& p : gan.params_d)
        for (int64_t i = 0; i < p.size; ++i) p.value[i] = std::clamp(p.value[i], -c.clip, c.clip);
  }

  // G update through D: only D's input gradient is needed, not its weight gradients. The
  // packed rows' gradient (packed, pack·width) is the samples' gradient (batch, width).
  const Tensor& logits = gan.d.forward(fake.row(k * batch), packed);
  stats.loss_g = generator_loss(c.loss, logits.data(), packed, gan.diff_logits.data());
  gan.d.backward(gan.diff_logits.data(), /*param_grads=*/false, gan.diff_fake.data());
  gan.g.backward(gan.diff_fake.data(), /*param_grads=*/true, /*diff_src=*/nullptr, /*first=*/k * batch, batch);
  optimizer_step(c.opt_g, gan.opt_state_g, gan.params_g);
  if (c.ema > 0) {
    const double t = static_cast<double>(gan.opt_state_g.step);
    const auto beta = static_cast<float>(std::min(c.ema, (1 + t) / (10 + t)));
    for (size_t i = 0; i < gan.params_g.size(); ++i) {
      const float* __restrict theta = gan.params_g[i].value;
      float* __restrict avg = gan.params_ema[i].value;
      for (int64_t j = 0; j < gan.params_g[i].size; ++j) avg[j] = beta * avg[j] + (1.0f - beta) * theta[j];
    }
  }
  return stats;
}

}  // namespace gantool
