// Adam (AdamW) and SGD updates, written to follow torch.optim.Adam/AdamW/SGD (single-tensor
// path) operation by operation: scalars are formed in double, as PyTorch forms them in Python,
// and the per-element arithmetic is float32, as PyTorch's CPU kernels do it.
#include "optim/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace gantool {

OptimizerKind parse_optimizer_kind(const std::string& name) {
  if (name == "adam") return OptimizerKind::adam;
  if (name == "sgd") return OptimizerKind::sgd;
  fail_usage("--optimizer must be adam or sgd (got '{}')", name);
}

const char* optimizer_kind_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::sgd: return "sgd";
  }
  GANTOOL_ASSERT(false && "unknown OptimizerKind");
  return "";
}

void optimizer_init(const OptimizerConfig& config, OptimizerState& state, std::span<const Param> params) {
  state.step = 0;
  state.m.assign(params.size(), {});
  state.v.clear();
  if (config.kind == OptimizerKind::adam) state.v.assign(params.size(), {});
  for (size_t i = 0; i < params.size(); ++i) {
    GANTOOL_ASSERT(params[i].size >= 0);
    const auto size = static_cast<size_t>(params[i].size);
    state.m[i].assign(size, 0.0f);
    if (config.kind == OptimizerKind::adam) state.v[i].assign(size, 0.0f);
  }
}

namespace {

// The state must have been made by optimizer_init for these params and this kind.
void check_state(const OptimizerConfig& config, const OptimizerState& state, std::span<const Param> params) {
  const bool adam = config.kind == OptimizerKind::adam;
  GANTOOL_ASSERT(state.step >= 0);
  GANTOOL_ASSERT(state.m.size() == params.size());
  GANTOOL_ASSERT(state.v.size() == (adam ? params.size() : 0));
  for (size_t i = 0; i < params.size(); ++i) {
    GANTOOL_ASSERT(params[i].value != nullptr && params[i].grad != nullptr);
    GANTOOL_ASSERT(static_cast<int64_t>(state.m[i].size()) == params[i].size);
    if (adam) GANTOOL_ASSERT(static_cast<int64_t>(state.v[i].size()) == params[i].size);
  }
}

// Element-wise Adam update of one tensor. Element-wise, so splitting it across threads
// (for large tensors) changes no bit of the result.
void adam_kernel(int64_t n, float* __restrict p, const float* __restrict g, float* __restrict m,
                 float* __restrict v, float decay, float beta1, float one_minus_beta1, float beta2,
                 float one_minus_beta2, float step_size, float bias_correction2_sqrt, float eps) {
  if (decay != 1.0f)
    for (int64_t k = 0; k < n; ++k) p[k] = p[k] * decay;
#pragma omp parallel for schedule(static) if (n >= 65536)
  for (int64_t k = 0; k < n; ++k) {
    m[k] = beta1 * m[k] + one_minus_beta1 * g[k];
    v[k] = beta2 * v[k] + one_minus_beta2 * g[k] * g[k];
    const float denom = std::sqrt(v[k]) / bias_correction2_sqrt + eps;
    p[k] = p[k] - step_size * m[k] / denom;
  }
}

// Adam with decoupled weight decay: torch.optim.AdamW (and torch.optim.Adam when
// weight_decay is 0), Kingma & Ba 2015 Algorithm 1 with PyTorch's placement of eps.
void adam_step(const OptimizerConfig& config, OptimizerState& state, std::span<const Param> params) {
  state.step += 1;
  const double lr = learning_rate(config, state.step);
  const double beta1 = config.beta1;
  const double beta2 = config.beta2;
  const auto step = static_cast<double>(state.step);
  // Scalars as PyTorch computes them in Python (double), then casts them to float for the kernels.
  const auto decay = static_cast<float>(1.0 - lr * config.weight_decay);  // param.mul_(1 - lr * wd)
  const auto one_minus_beta1 = static_cast<float>(1.0 - beta1);
  const auto one_minus_beta2 = static_cast<float>(1.0 - beta2);
  const double bias_correction1 = 1.0 - std::pow(beta1, step);
  const double bias_correction2 = 1.0 - std::pow(beta2, step);
  const auto step_size = static_cast<float>(lr / bias_correction1);
  const auto bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const auto eps = static_cast<float>(config.eps);
  const auto beta1_f = static_cast<float>(beta1), beta2_f = static_cast<float>(beta2);
  for (size_t i = 0; i < params.size(); ++i)
    adam_kernel(params[i].size, params[i].value, params[i].grad, state.m[i].data(), state.v[i].data(), decay,
                beta1_f, one_minus_beta1, beta2_f, one_minus_beta2, step_size, bias_correction2_sqrt, eps);
}

// SGD with L2 weight decay, momentum (dampening 0) and Nesterov's variant: torch.optim.SGD,
// whose momentum buffer starts as a copy of the first gradient.
void sgd_step(const OptimizerConfig& config, OptimizerState& state, std::span<const Param> params) {
  const auto lr = static_cast<float>(learning_rate(config, state.step + 1));
  const auto wd = static_cast<float>(config.weight_decay);
  const auto mu = static_cast<float>(config.momentum);
  const bool first = state.step == 0;
  for (size_t i = 0; i < params.size(); ++i) {
    float* p = params[i].value;       // (size)
    const float* g = params[i].grad;  // (size)
    float* buf = state.m[i].data();   // (size)
    for (int64_t k = 0; k < params[i].size; ++k) {
      float d = g[k];
      if (wd != 0.0f) d = d + wd * p[k];
      if (mu != 0.0f) {
        buf[k] = first ? d : mu * buf[k] + d;
        d = config.nesterov ? d + mu * buf[k] : buf[k];
      }
      p[k] = p[k] - lr * d;
    }
  }
  state.step += 1;
}

}  // namespace

double learning_rate(const OptimizerConfig& config, int64_t step) {
  if (config.decay_steps <= 0) return config.lr;
  return config.lr * std::max(0.0, 1.0 - static_cast<double>(step - 1) / static_cast<double>(config.decay_steps));
}

void optimizer_step(const OptimizerConfig& config, OptimizerState& state, std::span<const Param> params) {
  check_state(config, state, params);
  switch (config.kind) {
    case OptimizerKind::adam: adam_step(config, state, params); return;
    case OptimizerKind::sgd: sgd_step(config, state, params); return;
  }
  GANTOOL_ASSERT(false && "unknown OptimizerKind");
}

}  // namespace gantool
