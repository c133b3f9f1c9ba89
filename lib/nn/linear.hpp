// An affine layer on oneDNN: dst = act(A(src) + bias), with A a fully connected map (inner
// product) or a 2-D convolution or transposed convolution, the bias and the activation fused
// into the forward primitive as post-ops. Primitives are made once per batch size and
// reused; executing them needs no allocation on gantool's side. The layer owns its
// primitives, not its parameters: weights ((out, in), or (out channels, in channels,
// kernel, kernel)) and bias (out, or out channels) live in a Net's parameter block and are
// passed to every call. Buffers passed in are plain row-major (batch, in) and (batch, out),
// an image sample in (C, H, W) order; a convolution's primitives pick their own layouts
// (oneDNN's format `any`) and the layer reorders to and from them inside each call, once
// per buffer whose layout differs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "nn/activation.hpp"

namespace gantool {

// The geometry of a convolution layer: input (in_c, in_h, in_w), output (out_c, out_h,
// out_w), square kernel, stride and padding (nn/net_spec.hpp's LayerSpec says how they
// relate, and how transposed differs).
struct ConvShape {
  bool transposed = false;
  int64_t in_c = 1, in_h = 1, in_w = 1, out_c = 1, out_h = 1, out_w = 1;
  int64_t kernel = 1, stride = 1, padding = 0;
};

class Linear {
 public:
  // A fully connected layer in → out.
  Linear(int64_t in, int64_t out, Activation activation, float alpha);
  // A convolution.
  Linear(const ConvShape& conv, Activation activation, float alpha);
  ~Linear();
  Linear(Linear&&) noexcept;
  Linear& operator=(Linear&&) noexcept;

  int64_t in() const { return in_; }    // values of one input sample
  int64_t out() const { return out_; }  // values of one output sample
  bool is_conv() const { return is_conv_; }
  int64_t weights_size() const;
  int64_t bias_size() const;

  Activation activation;
  float alpha;  // the activation's parameter (leaky slope, elu α)

  // src (batch, in) → dst (batch, out), with weights and bias.
  void forward(const float* src, float* dst, int64_t batch, const float* weights, const float* bias);

  // Backward through the forward that read src (batch, in) and wrote dst (batch, out).
  // diff_dst (batch, out) is overwritten with the gradient before the activation. Writes
  // diff_weights and diff_bias (the shapes of weights and bias) when they are non-null
  // (both or neither), and diff_src (batch, in) when non-null.
  void backward(const float* src, const float* dst, float* diff_dst, float* diff_src, int64_t batch,
                const float* weights, float* diff_weights, float* diff_bias);

  // The layer's three products, without its bias and activation (for double
  // backpropagation; backward() is made of the last two):
  //   dst (batch, out) = A(src (batch, in)), e.g. src · weightsᵀ
  void product(const float* src, float* dst, int64_t batch, const float* weights);
  //   diff_src (batch, in) = Aᵀ(diff_dst (batch, out)), e.g. diff_dst · weights
  void product_transposed(const float* diff_dst, float* diff_src, int64_t batch, const float* weights);
  //   dw = the gradient of Σ diff_dst ⊙ A(src) with respect to the weights (diff_dstᵀ · src
  //   for a fully connected layer) and db = its bias's (diff_dst's sums per output channel)
  void weight_product(const float* src, const float* diff_dst, float* dw, float* db, int64_t batch);

  struct Primitives;  // one batch size's (linear.cpp)

 private:
  Primitives& primitives(int64_t batch);
  int64_t in_ = 0, out_ = 0;
  bool is_conv_ = false;
  ConvShape conv_;
  std::map<int64_t, std::unique_ptr<Primitives>> cache_;  // by batch size
};

// How many oneDNN primitives the nn layers have created since the process started (to
// check that a steady-state training step creates none).
int64_t primitives_created();

// True while this thread is inside a oneDNN primitive's execution (lets a test tell
// oneDNN's internal allocations from gantool's).
bool inside_onednn();

}  // namespace gantool
