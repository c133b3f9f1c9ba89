// The adversarial game: a generator G and a discriminator D (nets), their optimizers, and
// one training iteration of Goodfellow et al.'s Algorithm 1 ("Generative Adversarial Nets",
// 2014): k discriminator updates on fresh real and fake minibatches, then one generator
// update. Buffers are kept in the Gan, so a steady-state step allocates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "gan/losses.hpp"
#include "nn/net.hpp"
#include "optim/optimizer.hpp"

namespace gantool {

// The noise prior p_z: N(0, 1) or U(−1, 1) in every coordinate.
enum class Prior { normal, uniform };
Prior parse_prior(const std::string& name, const std::string& flag);
const char* prior_name(Prior prior);

struct GanConfig {
  // G: z_dim → data_dim; D: pack·data_dim → 1, a logit (its last layer linear with the
  // identity, no heads). check_gan_config says whether the two fit.
  NetSpec g = mlp_spec(/*in=*/2, {{128, 128, 128}, Activation::relu, 0.0f, Activation::identity}, /*out=*/2);
  NetSpec d = mlp_spec(/*in=*/2, {{128, 128, 128}, Activation::leaky_relu, 0.2f, Activation::identity}, /*out=*/1);
  // The tabular model (tabular/): the width of the conditional vector that G reads after
  // its noise and D after each data row: G reads z_dim + cond_dim values, D
  // pack·(data_dim + cond_dim). 0 for the other models.
  int64_t cond_dim = 0;
  int64_t z_dim() const { return g.in_size() - cond_dim; }
  int64_t data_dim() const { return g.out_size(); }
  Init init = Init::pytorch;
  Prior prior = Prior::normal;
  GanLoss loss = GanLoss::nonsaturating;
  int64_t d_steps = 1;  // k: discriminator updates per generator update
  int64_t batch = 256;  // samples per minibatch (real and fake alike)
  // PacGAN (Lin et al. 2018): D judges `pack` samples at once, concatenated into one input
  // of pack·data_dim values, so batch/pack packed inputs per minibatch. batch % pack == 0.
  int64_t pack = 1;
  float clip = 0.01f;   // wasserstein: D's weights are clipped to [−clip, clip]
  // Penalties on D's gradient with respect to its input (gan/losses.hpp), by double
  // backpropagation: wgan_gp's weight λ, and R1's γ for any loss (0: off).
  double gp_weight = 10;
  double r1 = 0;
  // Exponential moving average of G's parameters, the generator to sample from (Yazıcı et
  // al. 2019, "The unusual effectiveness of averaging in GAN training"): after update t,
  // ema ← β_t·ema + (1 − β_t)·θ with β_t = min(ema, (1 + t)/(10 + t)). 0 turns it off.
  double ema = 0.999;
  OptimizerConfig opt_g, opt_d;
};

// What one step measured, for logs: the losses of the last D update and of the G update,
// and the mean of D's output on the real and fake rows of the last D update (D = sigmoid of
// the logit for the cross-entropy losses; the raw score for the others).
struct StepStats {
  double loss_d = 0, loss_g = 0;  // loss_d includes the penalties
  double penalty = 0;             // their sum, in the last D update
  double d_real = 0, d_fake = 0;
};

struct Gan {
  GanConfig config;
  Net g;      // z_dim → data_dim
  Net g_ema;  // the same network with G's averaged parameters: the one to sample from
  Net d;      // pack·data_dim → 1 (a logit)
  OptimizerState opt_state_g, opt_state_d;  // over each net's parameter block
  Rng noise_rng;  // draws z (tabular model: every random draw of a step)

  // Buffers of the step, kept between steps.
  Tensor z;    // ((d_steps + 1)·batch, z_dim): the noise of one iteration
  Tensor eps;  // (batch/pack, 1): wgan_gp's interpolation coefficients, one per input of D

  // The step runs data-parallel on threads() workers (set up at the first step): worker w
  // takes a contiguous share of every minibatch's inputs of D, with replicas of G and D
  // (worker 0 uses g and d), and the workers' gradients are summed before each update.
  // gan_step keeps the replicas' weights equal to g's and d's; whoever changes those
  // weights between steps must clear `workers` (the next step makes new replicas).
  struct Worker {
    int64_t first = 0, inputs = 0;  // its inputs of D [first, first + inputs) of a minibatch
    Net g, d;                       // replicas (empty for worker 0)
    Tensor z;            // its rows of z, minibatch by minibatch (unused for a single worker)
    Tensor d_src;        // real rows, fake rows (then, for wgan_gp, interpolates) as D's input
    Tensor diff_logits;  // (2·inputs, 1)
    Tensor diff_u;       // (inputs, pack·data_dim): a penalty's gradient at D's input gradient
    Tensor diff_fake;    // (inputs·pack, data_dim): gradient at G's output
    Tensor fake_rows;    // ((d_steps + 1)·inputs·pack, data_dim): G's output, with batch norm in G
    StepStats stats;     // its share of the step's figures
    const Tensor* fake = nullptr;  // its G's output this iteration: its rows of each minibatch
  };
  std::vector<Worker> workers;
};

// Throws Error naming `what` unless G's and D's specs are possible and fit together (D
// reads pack·data_dim values and writes one logit through an identity last layer), and the
// batch, pack and step counts are possible.
void check_gan_config(const GanConfig& config, const std::string& what);

// True when some layer of the spec has batch norm. G's batch norm normalizes each fake
// minibatch by its own statistics in a training forward (and makes the step run as one
// worker); D may not have it.
bool has_batch_norm(const NetSpec& spec);

// True when D's loss carries a penalty on its input gradient (wgan-gp's, or R1's).
bool has_penalties(const GanConfig& config);

// A new game: G and D initialized from seed's stream 0, noise from its stream 1.
Gan make_gan(const GanConfig& config, uint64_t seed);

// One iteration: for each of config.d_steps real minibatches real[k] (batch, data_dim),
// one D update on it and a fresh fake minibatch; then one G update. G does not change until
// its update, so all d_steps + 1 fake minibatches come from one forward pass of G (one
// large matrix product is faster than several small ones). With threads() > 1 the
// iteration is data-parallel (see Gan::workers): the same draws from noise_rng, the
// gradients summed in a fixed order, so the same seed and thread count give the same bits,
// and another thread count differs by rounding.
StepStats gan_step(Gan& gan, const float* const* real);

// One D update's loss and gradient, without the update (single-threaded; allocates its
// buffers: for tests, not for a training loop): D's loss on real (batch, data_dim)
// and fake (batch, data_dim) rows with its penalties, and D's parameter gradients in
// gan.d.params.grads. For wgan_gp, first draws gan.eps from gan.noise_rng. Sets the loss_d,
// penalty, d_real and d_fake of stats.
void discriminator_gradient(Gan& gan, const float* real, const float* fake, StepStats& stats);

// Writes n values of noise from the prior into z (the training iteration's noise).
void sample_noise(Prior prior, Rng& rng, float* z, int64_t n);

// Writes rows [first_row, first_row + rows) of row-indexed noise (rows, z_dim) into z: row i
// depends on rng and i alone (core/rng.hpp, fill_normal_rows), whatever the blocks asked for
// and the thread count (chunks of rows run in parallel).
void sample_noise_rows(Prior prior, const Rng& rng, int64_t first_row, int64_t rows, int64_t z_dim, float* z);

// The spherical interpolation between noise vectors a and b (z_dim each) at `steps` ≥ 2
// evenly spaced t from 0 to 1, into z (steps, z_dim): sin((1−t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b
// with Ω the angle between a and b (White 2016, "Sampling Generative Networks"), which
// keeps the norm typical of Gaussian noise; linear where Ω is too small to divide by.
void slerp_rows(const float* a, const float* b, int64_t z_dim, int64_t steps, float* z);

}  // namespace gantool
