// What a GAN configuration costs — arithmetic per training step, memory — and the settings
// that follow from it: the default thread count, and each loss's own hyperparameters.
#pragma once

#include <cstdint>
#include <string>

#include "gan/gan.hpp"

namespace gantool {

// Floating-point operations (multiply-adds × 2) of one gan_step on config, counting only the
// matrix products it performs: G's forward on all d_steps + 1 minibatches, each D update
// (forward on real and fake rows, weight and data gradients but not the input's), the G
// update, and the penalties' double backpropagation.
double step_flops(const GanConfig& config);

// An upper estimate of the bytes a training run on config holds: the parameters with their
// gradients, Adam moments and moving average, and each layer's activations and gradients for
// D's real and fake rows (and wgan-gp's interpolates) and G's rows.
double training_bytes(const GanConfig& config);

// Threads when none were asked for: all cores, except for small networks (under 1e9
// multiply-adds × 6 per step, penalties left out: README, "Threads"), whose products are
// too short for a second thread to pay for waking it.
int default_threads(const GanConfig& config);

// A loss's own hyperparameters.
struct LossDefaults {
  int64_t d_steps = 1;  // discriminator updates per generator update
  double lr_g = 2e-4, lr_d = 2e-4;
  double beta1 = 0.5, beta2 = 0.999;  // Adam's
};

// The defaults of the loss named `loss` (as --loss names it): WGAN-GP's are Gulrajani et al.
// 2017's (5 critic steps per generator step, Adam 1e-4 with β2 = 0.9; β1 0.5 as in their toy
// experiments); every other loss, and an unknown name, gets the common ones above.
LossDefaults loss_defaults(const std::string& loss);

}  // namespace gantool
