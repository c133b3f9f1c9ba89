// The GAN training iteration.
#include "gan/gan.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <omp.h>

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

void slerp_rows(const float* a, const float* b, int64_t z_dim, int64_t steps, float* z) {
  double dot = 0, aa = 0, bb = 0;
  for (int64_t j = 0; j < z_dim; ++j) dot += double(a[j]) * b[j], aa += double(a[j]) * a[j], bb += double(b[j]) * b[j];
  const double cosine = aa > 0 && bb > 0 ? std::clamp(dot / std::sqrt(aa * bb), -1.0, 1.0) : 1.0;
  const double omega = std::acos(cosine), sine = std::sin(omega);
  for (int64_t i = 0; i < steps; ++i) {
    const double t = double(i) / double(steps - 1);
    const bool linear = sine < 1e-6;
    const double wa = linear ? 1 - t : std::sin((1 - t) * omega) / sine, wb = linear ? t : std::sin(t * omega) / sine;
    for (int64_t j = 0; j < z_dim; ++j) z[i * z_dim + j] = static_cast<float>(wa * a[j] + wb * b[j]);
  }
}

void check_gan_config(const GanConfig& c, const std::string& what) {
  check_net_spec(c.g, what + " (generator)");
  check_net_spec(c.d, what + " (discriminator)");
  if (c.g.in.size() != 1)
    fail("{}: the generator must read a vector of noise", what);
  if (c.batch < 1 || c.d_steps < 1 || c.pack < 1 || c.batch % c.pack != 0)
    fail("{}: batch {}, pack {} and d_steps {} are not possible (pack must divide batch)", what, c.batch, c.pack,
         c.d_steps);
  if (c.cond_dim < 0 || c.z_dim() < 1)
    fail("{}: the generator reads {} values, not enough for a conditional vector of {}", what, c.g.in_size(), c.cond_dim);
  if (c.d.in_size() != c.pack * (c.data_dim() + c.cond_dim))
    fail("{}: the discriminator reads {} values, but pack × (data_dim + cond_dim) is {} × ({} + {})", what,
         c.d.in_size(), c.pack, c.data_dim(), c.cond_dim);
  if (c.d.out_size() != 1 || !c.d.heads.empty() || c.d.layers.back().activation != Activation::identity)
    fail("{}: the discriminator must end in one logit (a linear layer of width 1 with the identity)", what);
  for (const LayerSpec& layer : c.d.layers)
    if (layer.batch_norm)
      fail("{}: the discriminator has batch norm, which would mix the statistics of real and fake rows and "
           "cannot take a penalty on its input gradient; leave it out of D", what);
}

bool has_batch_norm(const NetSpec& spec) {
  for (const LayerSpec& layer : spec.layers)
    if (layer.batch_norm) return true;
  return false;
}

bool has_penalties(const GanConfig& c) { return c.loss == GanLoss::wgan_gp || c.r1 > 0; }

Gan make_gan(const GanConfig& config, uint64_t seed) {
  check_gan_config(config, "make_gan");
  Gan gan;
  gan.config = config;
  Rng init_rng = make_rng(seed, 0);
  gan.g = Net(config.g, config.init, init_rng);
  gan.d = Net(config.d, config.init, init_rng);
  gan.g_ema = gan.g.copy();  // the average starts at G's initial weights
  gan.noise_rng = make_rng(seed, 1);
  const Param g = gan.g.params.param(), d = gan.d.params.param();
  optimizer_init(config.opt_g, gan.opt_state_g, {&g, 1});
  optimizer_init(config.opt_d, gan.opt_state_d, {&d, 1});
  gan.z = Tensor((config.d_steps + 1) * config.batch, config.z_dim());
  if (config.loss == GanLoss::wgan_gp) gan.eps = Tensor(config.batch / config.pack, 1);
  return gan;
}

namespace {

double mean_output(GanLoss loss, const float* logits, int64_t n) {
  const bool probability = outputs_probability(loss);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += probability ? sigmoid(logits[i]) : logits[i];
  return sum / static_cast<double>(n);
}

void scale(float* x, int64_t n, float factor) {
  for (int64_t i = 0; i < n; ++i) x[i] *= factor;
}

// Sizes a worker's buffers for `inputs` inputs of D per minibatch.
void size_worker(const GanConfig& c, Gan::Worker& w) {
  const int64_t samples = w.inputs * c.pack, width = c.pack * c.data_dim();
  w.d_src.resize((c.loss == GanLoss::wgan_gp ? 3 : 2) * samples, c.data_dim());
  w.diff_logits.resize(2 * w.inputs, 1);
  w.diff_fake.resize(samples, c.data_dim());
  if (has_penalties(c)) w.diff_u.resize(w.inputs, width);
  if (has_batch_norm(c.g)) w.fake_rows.resize((c.d_steps + 1) * samples, c.data_dim());
}

// One worker's share of a D update: D's loss and gradient on its `w.inputs` inputs of the
// minibatch (real and fake: its rows; eps: its coefficients), scaled by inputs/packed so
// that the workers' shares add up to the minibatch's means. Leaves the gradient in d's
// gradient block, penalties included; sets w.stats' loss_d, penalty, d_real, d_fake.
void discriminator_share(const GanConfig& c, Net& d, Gan::Worker& w, const float* real, const float* fake,
                         const float* eps) {
  const int64_t n = w.inputs, packed = c.batch / c.pack, width = c.pack * c.data_dim();
  const int64_t samples = n * c.pack;
  const size_t rows_bytes = static_cast<size_t>(samples * c.data_dim()) * sizeof(float);
  const bool interpolates = c.loss == GanLoss::wgan_gp;
  const double share = static_cast<double>(n) / static_cast<double>(packed);
  StepStats& stats = w.stats;

  // Real rows, fake rows and (wgan_gp) the interpolates, through D in one forward pass.
  std::memcpy(w.d_src.row(0), real, rows_bytes);
  std::memcpy(w.d_src.row(samples), fake, rows_bytes);
  if (interpolates) {
    // x̂ = ε·x + (1 − ε)·G(z), one ε ~ U(0, 1) per input of D (Gulrajani et al., Algorithm 1).
    float* x_hat = w.d_src.row(2 * samples);
    for (int64_t p = 0; p < n; ++p)
      for (int64_t j = p * width; j < (p + 1) * width; ++j) x_hat[j] = eps[p] * real[j] + (1.0f - eps[p]) * fake[j];
  }
  const Tensor& logits = d.forward(w.d_src.data(), (interpolates ? 3 : 2) * n);
  float* diff = w.diff_logits.data();
  stats.loss_d = share * discriminator_loss(c.loss, logits.data(), n, logits.data() + n, n, diff, diff + n);
  if (n != packed) scale(diff, 2 * n, static_cast<float>(share));
  stats.d_real = share * mean_output(c.loss, logits.data(), n);
  stats.d_fake = share * mean_output(c.loss, logits.data() + n, n);
  d.backward(diff, /*param_grads=*/true, /*diff_src=*/nullptr, 0, 2 * n);

  // The penalties' gradients add to the loss's, by double backpropagation.
  stats.penalty = 0;
  if (interpolates) {  // the interpolates are rows [2n, 3n) of the forward
    const Tensor& u = d.input_gradient(2 * n, n);
    stats.penalty += share * gradient_penalty(u.data(), n, width, c.gp_weight, w.diff_u.data());
    if (n != packed) scale(w.diff_u.data(), w.diff_u.size(), static_cast<float>(share));
    d.add_input_gradient_backward(w.diff_u.data());
  }
  if (c.r1 > 0) {  // the real rows are rows [0, n)
    const Tensor& u = d.input_gradient(0, n);
    stats.penalty += share * r1_penalty(u.data(), n, width, c.r1, w.diff_u.data());
    if (n != packed) scale(w.diff_u.data(), w.diff_u.size(), static_cast<float>(share));
    d.add_input_gradient_backward(w.diff_u.data());
  }
  stats.loss_d += stats.penalty;
}

// Workers for the current thread count: at most one per input of D.
void set_up_workers(Gan& gan) {
  const GanConfig& c = gan.config;
  const int64_t packed = c.batch / c.pack;
  // Batch norm in G normalizes by each minibatch's statistics: one worker (the threads
  // then run inside each of oneDNN's primitives).
  const auto count = has_batch_norm(c.g) ? size_t{1} : static_cast<size_t>(std::clamp<int64_t>(threads(), 1, packed));
  if (gan.workers.size() == count) return;
  gan.workers.clear();
  gan.workers.resize(count);
  for (size_t i = 0; i < count; ++i) {
    Gan::Worker& w = gan.workers[i];
    w.first = packed * static_cast<int64_t>(i) / static_cast<int64_t>(count);
    w.inputs = packed * static_cast<int64_t>(i + 1) / static_cast<int64_t>(count) - w.first;
    if (i > 0) {
      w.g = gan.g.copy();
      w.d = gan.d.copy();
    }
    size_worker(c, w);
    if (count > 1) w.z.resize((c.d_steps + 1) * w.inputs * c.pack, c.z_dim());
  }
}

// Sums the workers' gradient blocks into worker 0's network's (`pick` gives a worker's
// network), element-parallel across the team (one barrier, at the end); in worker order, so
// the bits depend only on the count.
template <typename Pick>
void sum_gradients(Gan& gan, Pick pick) {
  if (gan.workers.size() == 1) return;  // nothing to add (the same for the whole team)
  std::vector<float>& to = pick(0).params.grads;
  const auto n = static_cast<int64_t>(to.size());
#pragma omp for schedule(static) nowait
  for (int64_t i = 0; i < n; ++i) {
    float sum = to[static_cast<size_t>(i)];
    for (size_t w = 1; w < gan.workers.size(); ++w) sum += pick(w).params.grads[static_cast<size_t>(i)];
    to[static_cast<size_t>(i)] = sum;
  }
#pragma omp barrier
}

// D's update from the summed gradient, with Wasserstein's weight clipping (Arjovsky et al.
// 2017, Algorithm 1).
void step_d(Gan& gan) {
  const GanConfig& c = gan.config;
  const Param d = gan.d.params.param();
  optimizer_step(c.opt_d, gan.opt_state_d, {&d, 1});
  if (c.loss == GanLoss::wasserstein)
    for (float& v : gan.d.params.values) v = std::clamp(v, -c.clip, c.clip);
}

// G's update from the summed gradient, then the moving average of its parameters.
void step_g(Gan& gan) {
  const GanConfig& c = gan.config;
  const Param g = gan.g.params.param();
  optimizer_step(c.opt_g, gan.opt_state_g, {&g, 1});
  // Batch norm's running statistics are G's own (Yazıcı et al. average the weights only).
  std::copy(gan.g.state.values.begin(), gan.g.state.values.end(), gan.g_ema.state.values.begin());
  if (c.ema <= 0) return;
  const double t = static_cast<double>(gan.opt_state_g.step);
  const auto beta = static_cast<float>(std::min(c.ema, (1 + t) / (10 + t)));
  const float* __restrict theta = gan.g.params.values.data();
  float* __restrict avg = gan.g_ema.params.values.data();
  const int64_t n = gan.g.params.size();
  for (int64_t e = 0; e < n; ++e) avg[e] = beta * avg[e] + (1.0f - beta) * theta[e];
}

}  // namespace

void discriminator_gradient(Gan& gan, const float* real, const float* fake, StepStats& stats) {
  const GanConfig& c = gan.config;
  Gan::Worker w;
  w.inputs = c.batch / c.pack;
  size_worker(c, w);
  if (c.loss == GanLoss::wgan_gp) fill_uniform(gan.noise_rng, gan.eps.data(), w.inputs, 0.0f, 1.0f);
  discriminator_share(c, gan.d, w, real, fake, c.loss == GanLoss::wgan_gp ? gan.eps.data() : nullptr);
  stats = w.stats;
}

StepStats gan_step(Gan& gan, const float* const* real) {
  const GanConfig& c = gan.config;
  const int64_t batch = c.batch, k = c.d_steps, width = c.data_dim();
  set_up_workers(gan);
  const int team = static_cast<int>(gan.workers.size());
  // Fake minibatch j (j < k) is for D update j, minibatch k for G's update; all k + 1 from
  // one forward pass of G per worker (one large product is faster than several small ones).
  sample_noise(c.prior, gan.noise_rng, gan.z.data(), gan.z.size());
  const auto g_of = [&](size_t w) -> Net& { return w == 0 ? gan.g : gan.workers[w].g; };
  const auto d_of = [&](size_t w) -> Net& { return w == 0 ? gan.d : gan.workers[w].d; };
  StepStats stats;
  // wgan_gp's coefficients of D update j are drawn before it, after z: the first here, the
  // others at the end of the update before.
  const bool interpolates = c.loss == GanLoss::wgan_gp;
  if (interpolates) fill_uniform(gan.noise_rng, gan.eps.data(), gan.eps.size(), 0.0f, 1.0f);

#pragma omp parallel num_threads(team) if (team > 1)
  {
    // OpenMP may start fewer threads than asked (OMP_DYNAMIC, OMP_THREAD_LIMIT): each
    // thread then runs several workers, always the same ones.
    const auto each_worker = [&](auto&& work) {
      for (size_t id = static_cast<size_t>(omp_get_thread_num()); id < gan.workers.size();
           id += static_cast<size_t>(omp_get_num_threads()))
        work(id, gan.workers[id]);
    };
    each_worker([&](size_t id, Gan::Worker& w) {
      const int64_t first = w.first * c.pack, samples = w.inputs * c.pack;  // its rows of a minibatch
      const float* z = gan.z.data();
      if (team > 1) {  // its rows of each minibatch, one after the other
        for (int64_t j = 0; j <= k; ++j)
          std::copy_n(gan.z.row(j * batch + first), samples * c.z_dim(), w.z.row(j * samples));
        z = w.z.data();
      }
      if (!has_batch_norm(c.g)) {
        w.fake = &g_of(id).forward(z, (k + 1) * samples);
        return;
      }
      // A training forward per minibatch (batch norm by its own statistics), the G update's
      // last, whose buffers its backward pass reads.
      for (int64_t j = 0; j <= k; ++j) {
        const Tensor& fake = g_of(id).forward(z + j * samples * c.z_dim(), samples, &gan.noise_rng);
        std::copy_n(fake.data(), fake.size(), w.fake_rows.row(j * samples));
      }
      w.fake = &w.fake_rows;
    });

    for (int64_t j = 0; j < k; ++j) {
      // D update: maximize log D(x) + log(1 − D(G(z))) (or the loss's analogue).
      each_worker([&](size_t id, Gan::Worker& w) {
        const int64_t samples = w.inputs * c.pack;
        const float* eps = interpolates ? gan.eps.data() + w.first : nullptr;
        discriminator_share(c, d_of(id), w, real[j] + w.first * c.pack * width, w.fake->row(j * samples), eps);
      });
#pragma omp barrier
      sum_gradients(gan, d_of);
#pragma omp single
      {
        step_d(gan);
        if (interpolates && j + 1 < k) fill_uniform(gan.noise_rng, gan.eps.data(), gan.eps.size(), 0.0f, 1.0f);
        stats.loss_d = stats.penalty = stats.d_real = stats.d_fake = 0;
        for (const Gan::Worker& w : gan.workers) {
          stats.loss_d += w.stats.loss_d;
          stats.penalty += w.stats.penalty;
          stats.d_real += w.stats.d_real;
          stats.d_fake += w.stats.d_fake;
        }
      }
      each_worker([&](size_t id, Gan::Worker&) {
        if (id > 0) copy_parameters(gan.d, d_of(id));
      });
    }

    // G update through D: only D's input gradient is needed, not its weight gradients. The
    // packed inputs' gradient (inputs, pack·width) is the samples' gradient (samples, width).
    each_worker([&](size_t id, Gan::Worker& w) {
      Net& d = d_of(id);
      const int64_t samples = w.inputs * c.pack;
      const double share = static_cast<double>(samples) / static_cast<double>(batch);
      const Tensor& logits = d.forward(w.fake->row(k * samples), w.inputs);
      w.stats.loss_g = share * generator_loss(c.loss, logits.data(), w.inputs, w.diff_logits.data());
      if (team > 1) scale(w.diff_logits.data(), w.inputs, static_cast<float>(share));
      d.backward(w.diff_logits.data(), /*param_grads=*/false, w.diff_fake.data());
      g_of(id).backward(w.diff_fake.data(), /*param_grads=*/true, /*diff_src=*/nullptr,
                        /*first=*/has_batch_norm(c.g) ? 0 : k * samples, samples);
    });
#pragma omp barrier
    sum_gradients(gan, g_of);
#pragma omp single
    {
      step_g(gan);
      stats.loss_g = 0;
      for (const Gan::Worker& w : gan.workers) stats.loss_g += w.stats.loss_g;
    }
    each_worker([&](size_t id, Gan::Worker&) {
      if (id > 0) copy_parameters(gan.g, g_of(id));
    });
  }
  return stats;
}

}  // namespace gantool
