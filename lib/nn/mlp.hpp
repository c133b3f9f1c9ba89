// A multilayer perceptron: a chain of Linear layers, with the buffers of its forward and
// backward passes kept between calls so that a steady-state step allocates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "nn/linear.hpp"
#include "optim/optimizer.hpp"

namespace gantool {

// Widths and activations: in → hidden[0] → ... → out.
struct MlpSpec {
  int64_t in = 2;
  std::vector<int64_t> hidden;
  int64_t out = 1;
  Activation hidden_activation = Activation::relu;
  float hidden_alpha = 0.0f;  // leaky slope or elu α of the hidden layers
  Activation out_activation = Activation::identity;
  float out_alpha = 0.0f;
};

// Weight initializations: PyTorch's nn.Linear default (weights and bias U(±1/√in)), He
// (He et al. 2015: weights N(0, 2/in), bias 0) and Xavier (Glorot & Bengio 2010: weights
// U(±√(6/(in+out))), bias 0).
enum class Init { pytorch, he, xavier };

// "pytorch" | "he" | "xavier"; parse throws UsageError naming `flag`.
Init parse_init(const std::string& name, const std::string& flag);
const char* init_name(Init init);

class Mlp {
 public:
  Mlp() = default;
  // Layers as in spec, initialized from rng (weights row by row, then bias, layer by layer).
  Mlp(const MlpSpec& spec, Init init, Rng& rng);

  // The same layers and parameters, with buffers and primitives of its own (so that each
  // thread can run its own copy).
  Mlp copy() const;

  int64_t in() const { return layers.front().in(); }
  int64_t out() const { return layers.back().out(); }

  std::vector<Linear> layers;

  // src (batch, in) → the returned (batch, out). src must stay unchanged until backward();
  // the result stays valid until the next forward().
  const Tensor& forward(const float* src, int64_t batch);

  // Backward through rows [first, first + rows) of the last forward (rows < 0: all of
  // them). diff_dst (rows, out) is the loss's gradient with respect to those outputs.
  // Overwrites every layer's diff_weights and diff_bias when param_grads; writes the
  // gradient with respect to the input into diff_src (rows, in) when non-null.
  void backward(const float* diff_dst, bool param_grads, float* diff_src, int64_t first = 0,
                int64_t rows = -1);

  // Double backpropagation, for penalties on the input gradient (Gulrajani et al. 2017's
  // WGAN-GP, Mescheder et al. 2018's R1). Needs out() == 1 and the output layer's
  // activation to be the identity. (nn/input_gradient.cpp)
  //
  // u = ∂out/∂input (rows, in) for rows [first, first + rows) of the last forward. Valid
  // until the next call.
  const Tensor& input_gradient(int64_t first, int64_t rows);
  // Adds to every layer's diff_weights and diff_bias the gradient, with respect to them, of
  // Σ_rows ⟨diff_u[row], u[row]⟩ for the u of the last input_gradient() (diff_u (rows, in):
  // a penalty's gradient with respect to u). The forward must not have run again in
  // between. Call after backward(), which overwrites those gradients.
  void add_input_gradient_backward(const float* diff_u);

  // Weights and biases with their gradients, layer by layer (for the optimizer).
  std::vector<Param> params();
  int64_t parameter_count() const;

 private:
  const float* src_ = nullptr;
  int64_t batch_ = 0;
  std::vector<Tensor> dst_;   // dst_[l] (batch, out_l): output of layer l
  std::vector<Tensor> diff_;  // diff_[l] (rows, out_l): gradient at the output of layer l

  // Buffers of double backpropagation, per layer l (rows, out_l) unless said otherwise.
  struct InputGradient {
    int64_t first = 0, rows = 0;
    std::vector<Tensor> g;      // ∂out/∂(layer l's output); kept for layers with curvature
    std::vector<Tensor> delta;  // g ⊙ f'(a): ∂out/∂(layer l's pre-activation a)
    Tensor u;                   // (rows, in): ∂out/∂input
    std::vector<Tensor> bar;    // the adjoint of delta, then of the next layer's g
    std::vector<Tensor> curve;  // the adjoint of a through f'' (layers with curvature)
    std::vector<Tensor> dw, db; // (out_l, in_l), (1, out_l): one product's result, to add
  } ig_;
};

}  // namespace gantool
