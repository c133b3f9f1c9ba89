// A fully connected layer on oneDNN's inner product: dst = act(src · weightsᵀ + bias), the
// bias and the activation fused into the forward primitive as post-ops. Primitives are made
// once per batch size and reused; executing them needs no allocation on gantool's side.
// The layer owns its primitives, not its parameters: weights (out, in) and bias (out) live
// in a Net's parameter block and are passed to every call.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "nn/activation.hpp"

namespace gantool {

class Linear {
 public:
  Linear(int64_t in, int64_t out, Activation activation, float alpha);
  ~Linear();
  Linear(Linear&&) noexcept;
  Linear& operator=(Linear&&) noexcept;

  int64_t in() const { return in_; }
  int64_t out() const { return out_; }

  Activation activation;
  float alpha;  // the activation's parameter (leaky slope, elu α)

  // src (batch, in) → dst (batch, out), with weights (out, in) and bias (out).
  void forward(const float* src, float* dst, int64_t batch, const float* weights, const float* bias);

  // Backward through the forward that read src (batch, in) and wrote dst (batch, out).
  // diff_dst (batch, out) is overwritten with the gradient before the activation. Writes
  // diff_weights (out, in) and diff_bias (out) when they are non-null (both or neither),
  // and diff_src (batch, in) when non-null.
  void backward(const float* src, const float* dst, float* diff_dst, float* diff_src, int64_t batch,
                const float* weights, float* diff_weights, float* diff_bias);

  // The layer's three products, without its bias and activation (for double
  // backpropagation; backward() is made of the last two):
  //   dst (batch, out) = src (batch, in) · weightsᵀ
  void product(const float* src, float* dst, int64_t batch, const float* weights);
  //   diff_src (batch, in) = diff_dst (batch, out) · weights
  void product_transposed(const float* diff_dst, float* diff_src, int64_t batch, const float* weights);
  //   dw (out, in) = diff_dstᵀ · src and db (out) = diff_dst's column sums
  void weight_product(const float* src, const float* diff_dst, float* dw, float* db, int64_t batch);

 private:
  struct Primitives;
  Primitives& primitives(int64_t batch);
  int64_t in_ = 0, out_ = 0;
  std::map<int64_t, std::unique_ptr<Primitives>> cache_;  // by batch size
};

// How many oneDNN primitives the nn layers have created since the process started (to
// check that a steady-state training step creates none).
int64_t primitives_created();

// True while this thread is inside a oneDNN primitive's execution (lets a test tell
// oneDNN's internal allocations from gantool's).
bool inside_onednn();

}  // namespace gantool
