// The GAN training iteration.
#include "gan/gan.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"

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
  gan.d_src = Tensor(2 * config.batch, config.data_dim);
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

StepStats gan_step(Gan& gan, const float* const* real) {
  const GanConfig& c = gan.config;
  const int64_t batch = c.batch, width = c.data_dim, k = c.d_steps;
  const int64_t packed = batch / c.pack;  // D's inputs per minibatch: rows of pack samples
  const size_t rows_bytes = static_cast<size_t>(batch * width) * sizeof(float);
  StepStats stats;

  // Fake minibatch j (j < k) is for D update j, minibatch k for G's update.
  sample_noise(c.prior, gan.noise_rng, gan.z.data(), gan.z.size());
  const Tensor& fake = gan.g.forward(gan.z.data(), (k + 1) * batch);

  for (int64_t j = 0; j < k; ++j) {
    // D update: maximize log D(x) + log(1 − D(G(z))), real and fake rows in one batch.
    std::memcpy(gan.d_src.row(0), real[j], rows_bytes);
    std::memcpy(gan.d_src.row(batch), fake.row(j * batch), rows_bytes);
    const Tensor& logits = gan.d.forward(gan.d_src.data(), 2 * packed);
    float* diff = gan.diff_logits.data();
    stats.loss_d = discriminator_loss(c.loss, logits.data(), packed, logits.data() + packed, packed, diff,
                                      diff + packed);
    stats.d_real = mean_output(c.loss, logits.data(), packed);
    stats.d_fake = mean_output(c.loss, logits.data() + packed, packed);
    gan.d.backward(diff, /*param_grads=*/true, /*diff_src=*/nullptr);
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
