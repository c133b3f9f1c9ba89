// Optimizers: Adam (with optional decoupled weight decay, i.e. AdamW) and SGD with
// momentum, following PyTorch's update rules exactly so results compare with PyTorch.
// The state is plain data, so a model file can store and restore it bit for bit.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace gantool {

// A run of parameters and their gradients, as the optimizer sees them (not owned): a net's
// whole parameter block (nn/net.hpp), or any array of floats.
struct Param {
  float* value = nullptr;
  const float* grad = nullptr;
  int64_t size = 0;
};

enum class OptimizerKind { adam, sgd };

// Hyperparameters are doubles, as PyTorch's are (Python floats); the per-element arithmetic
// is float32.
struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::adam;
  double lr = 2e-4;
  // Adam (Kingma & Ba 2015, Algorithm 1):
  double beta1 = 0.5;
  double beta2 = 0.999;
  double eps = 1e-8;
  // Adam: decoupled weight decay (Loshchilov & Hutter 2019, AdamW), p -= lr * wd * p.
  // SGD: L2 weight decay added to the gradient, as torch.optim.SGD does.
  double weight_decay = 0.0;
  // SGD: momentum μ (0: plain SGD) and Nesterov's variant, as torch.optim.SGD.
  double momentum = 0.0;
  bool nesterov = false;
  // Linear learning-rate decay: update t (1-based) uses lr · (1 − (t − 1)/decay_steps), down
  // to 0 at t = decay_steps + 1; 0 keeps lr constant.
  int64_t decay_steps = 0;
};

// The learning rate of update `step` (1-based), with the decay applied.
double learning_rate(const OptimizerConfig& config, int64_t step);

// Everything an optimizer remembers between steps.
struct OptimizerState {
  int64_t step = 0;                   // updates done so far
  std::vector<std::vector<float>> m;  // Adam: first moments; SGD: momentum buffers
  std::vector<std::vector<float>> v;  // Adam: second moments; SGD: unused (empty)
};

// "adam" | "sgd" <-> OptimizerKind; parse throws UsageError naming the accepted values.
OptimizerKind parse_optimizer_kind(const std::string& name);
const char* optimizer_kind_name(OptimizerKind kind);

// Sizes the state for `params` (zeros, step 0). Allocates; call once, not per step.
void optimizer_init(const OptimizerConfig& config, OptimizerState& state, std::span<const Param> params);

// One update of every parameter from its gradient. Allocates nothing.
void optimizer_step(const OptimizerConfig& config, OptimizerState& state, std::span<const Param> params);

}  // namespace gantool
