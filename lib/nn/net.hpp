// Net: a network as a sequence of layers of a closed kind (nn/net_spec.hpp), whose
// parameters all live in one contiguous block of floats and whose gradients live in a second
// block of the same layout, each parameter a named view ("layer3/weights"). Whatever walks
// parameters (optimizers, the moving average, replicas, clipping, model files) walks the
// block and its views; summing the gradients of replicas is one loop over one block. The
// buffers of the forward and backward passes are kept between calls, so a steady-state
// step allocates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "nn/linear.hpp"
#include "nn/net_spec.hpp"
#include "optim/optimizer.hpp"

namespace gantool {

// Weight initializations: PyTorch's nn.Linear default (weights and bias U(±1/√in)), He
// (He et al. 2015: weights N(0, 2/in), bias 0), Xavier (Glorot & Bengio 2010: weights
// U(±√(6/(in+out))), bias 0) and DCGAN's (Radford et al. 2016: weights N(0, 0.02²),
// bias 0). `in` and `out` count a convolution's weights per output and per input channel.
enum class Init { pytorch, he, xavier, dcgan };

// "pytorch" | "he" | "xavier" | "dcgan"; parse throws UsageError naming `flag`.
Init parse_init(const std::string& name, const std::string& flag);
const char* init_name(Init init);

// One parameter of a net: where it lives in the block.
struct ParamView {
  std::string name;            // "layer0/weights"
  std::vector<int64_t> shape;  // e.g. (out, in)
  int64_t offset = 0;          // in floats from the block's start: a multiple of kParamAlign
  int64_t size = 0;            // the product of shape
};

// The parameters of a net and their gradients: two blocks of the same layout. Each view
// starts kParamAlign floats (64 bytes) after a multiple of that from the block's start; the
// padding between views holds zeros in both blocks and stays zero under every update
// (Adam, SGD, decay, clipping and averaging all map 0 with gradient 0 to 0). The blocks are
// sized once, by the Net: resizing them would move every view.
struct ParamBlock {
  static constexpr int64_t kParamAlign = 16;  // floats
  std::vector<ParamView> views;
  std::vector<float> values;  // (size)
  std::vector<float> grads;   // (size)

  int64_t size() const { return static_cast<int64_t>(values.size()); }  // with the padding
  int64_t count() const;  // parameters, without the padding
  // The view named `name`, or nullptr.
  const ParamView* find(const std::string& name) const;
  // The first value (or gradient) of view v, followed by the rest of its v.size.
  float* value(const ParamView& v) { return values.data() + v.offset; }
  const float* value(const ParamView& v) const { return values.data() + v.offset; }
  float* grad(const ParamView& v) { return grads.data() + v.offset; }
  const float* grad(const ParamView& v) const { return grads.data() + v.offset; }
  // The whole block, as an optimizer sees it.
  Param param() { return {values.data(), grads.data(), size()}; }
};

// The views of a net of this spec, in order (layer by layer: weights, then bias, then with
// batch norm its scale γ and shift β), with their offsets; nothing is allocated (a model
// reader checks stored shapes first).
std::vector<ParamView> param_views(const NetSpec& spec);

// The views of its state: what a training forward updates but no gradient trains, layer by
// layer: with batch norm the running mean and variance ("layer0/bn_mean", "layer0/bn_var").
std::vector<ParamView> state_views(const NetSpec& spec);

// One layer of a net.
struct Layer {
  LayerKind kind = LayerKind::linear;
  std::vector<int64_t> in_shape, out_shape;  // of one sample
  Linear linear;                             // kind linear: its primitives and (without batch norm) activation
  size_t weights_view = 0, bias_view = 0;    // indices of its views in the net's block
  size_t scale_view = 0, shift_view = 0;     // with batch norm: γ and β in the block
  size_t mean_view = 0, var_view = 0;        // with batch norm: the running statistics in the state
};

// A network: its spec, its layers (each with its oneDNN primitives, made once per batch
// size), its parameter block, and the buffers of its passes. Code outside nn/ reads and
// writes the parameters through `params` (values and gradients, by view) and leaves
// `layers` alone.
class Net {
 public:
  Net() = default;
  // Layers as in spec (checked), initialized from rng: weights row by row, then bias,
  // layer by layer.
  Net(const NetSpec& spec, Init init, Rng& rng);

  // The same layers and parameters, with buffers and primitives of its own (so that each
  // thread can run its own copy).
  Net copy() const;

  // The spec it was built from, and the values one input and one output sample hold.
  const NetSpec& spec() const { return spec_; }
  int64_t in() const { return spec_.in_size(); }
  int64_t out() const { return spec_.out_size(); }

  std::vector<Layer> layers;
  ParamBlock params;
  ParamBlock state;  // batch norm's running statistics (views of state_views; no gradients)

  // src (batch, in) → the returned (batch, out). src must stay unchanged until backward();
  // the result stays valid until the next forward(). With `training` (a training forward),
  // layers with a dropout rate draw their masks from it, and backward() and the input
  // gradient go through the same masks, and batch norm uses the batch's statistics and
  // updates the running ones; without it (evaluation), dropout is left out and batch norm
  // uses the running statistics.
  const Tensor& forward(const float* src, int64_t batch, Rng* training = nullptr);

  // Backward through rows [first, first + rows) of the last forward (rows < 0: all of
  // them; all of them when a layer has batch norm, which couples the rows). diff_dst (rows, out) is the loss's gradient with respect to those outputs.
  // Overwrites params.grads when param_grads; writes the gradient with respect to the input
  // into diff_src (rows, in) when non-null.
  void backward(const float* diff_dst, bool param_grads, float* diff_src, int64_t first = 0,
                int64_t rows = -1);

  // Double backpropagation, for penalties on the input gradient (Gulrajani et al. 2017's
  // WGAN-GP, Mescheder et al. 2018's R1). Needs out() == 1, no heads and the last layer's
  // activation to be the identity, and no batch norm or concat. (nn/input_gradient.cpp)
  //
  // u = ∂out/∂input (rows, in) for rows [first, first + rows) of the last forward. Valid
  // until the next call.
  const Tensor& input_gradient(int64_t first, int64_t rows);
  // Adds to params.grads the gradient, with respect to the parameters, of
  // Σ_rows ⟨diff_u[row], u[row]⟩ for the u of the last input_gradient() (diff_u (rows, in):
  // a penalty's gradient with respect to u). The forward must not have run again in
  // between. Call after backward(), which overwrites those gradients.
  void add_input_gradient_backward(const float* diff_u);

  // Layer l's output in the last forward (batch, out_l), before its dropout and concat: e.g.
  // a classifier's penultimate features.
  const Tensor& layer_output(size_t l) const { return dst_[l]; }

  // Layer l's weights (out, in) and bias (out), and their gradients.
  const float* weights(size_t l) const { return params.value(params.views[layers[l].weights_view]); }
  const float* bias(size_t l) const { return params.value(params.views[layers[l].bias_view]); }
  float* diff_weights(size_t l) { return params.grad(params.views[layers[l].weights_view]); }
  float* diff_bias(size_t l) { return params.grad(params.views[layers[l].bias_view]); }

 private:
  // The layers (with their primitives, none made yet) and pass buffers for spec_, whose
  // parameters params.views already lays out.
  void build_layers();
  void apply_heads(float* dst, int64_t batch, bool backward, const float* y = nullptr);
  // Layer l's output as the next layer reads it (after dropout and concat), from row `first`.
  const float* output(size_t l, int64_t first) const;
  // Batch norm of layer l (training_ or not) on a (batch, out), the linear part's output, in place into â,
  // and y = f(γ ⊙ â + β) into dst_[l]; and its backward: diff (batch, out), the gradient at
  // y, becomes the gradient at a, with γ's and β's gradients written when param_grads.
  void batch_norm_forward(size_t l, int64_t batch);
  void batch_norm_backward(size_t l, float* diff, bool param_grads);
  // x (rows, out_l) *= layer l's dropout scales of rows [first, first + rows), when the last
  // forward applied dropout there: a gradient at its output becomes one at its activation's.
  void apply_dropout(size_t l, int64_t first, int64_t rows, float* x) const;

  NetSpec spec_;
  const float* src_ = nullptr;
  int64_t batch_ = 0;
  std::vector<Tensor> dst_;   // dst_[l] (batch, out_l): output of layer l
  std::vector<Tensor> diff_;  // diff_[l] (rows, out_l): gradient at the output of layer l
  // Layers with dropout, when the last forward applied it: the scales (batch, out_l), each
  // 0 or 1/(1 − p), and the output after them.
  std::vector<Tensor> keep_, dropped_;
  bool training_ = false;  // the last forward was a training forward
  // Layers with batch norm: â (batch, out), 1/√(σ² + ε) and the mean (1, out) of the last
  // forward, and per-feature sums (2·out) in double.
  std::vector<Tensor> hat_, inv_std_, shift_;
  std::vector<double> sums_;
  // Layers with concat: the output [y, input] (batch, out + in), and the gradient at y
  // (rows, out) split from the gradient at the output.
  std::vector<Tensor> cat_, diff_head_;

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

// Copies the parameter values of `from` into `to`, a net of the same spec.
void copy_parameters(const Net& from, Net& to);

}  // namespace gantool
