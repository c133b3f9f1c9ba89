// Double backpropagation through a net of affine layers (fully connected or convolutions): the gradient of the output with respect to the
// input, and the gradient of a function of that input gradient with respect to the weights.
//
// Layer i maps x_i to y_i = f_i(a_i), a_i = x_i·W_iᵀ + b_i. The input-gradient pass runs
// down the layers with g_{L-1} = 1:
//     δ_i = g_i ⊙ f_i'(a_i),   g_{i-1} = δ_i·W_i   (g_{-1} = u, the input gradient).
// Its adjoint runs back up, from ḡ_{-1} = ∂P/∂u:
//     W̄_i += δ_iᵀ·ḡ_{i-1}          (W_i enters g_{i-1} directly)
//     δ̄_i  = ḡ_{i-1}·W_iᵀ
//     ḡ_i  = δ̄_i ⊙ f_i'(a_i)       (the next layer's ḡ_{i-1})
//     ã_i  = δ̄_i ⊙ g_i ⊙ f_i''(a_i) (through f' depending on a_i)
// and, where some f'' is non-zero, the ã feed an ordinary backward pass down the forward
// graph: ā_i = ã_i + (ā_{i+1}·W_{i+1}) ⊙ f_i'(a_i), W̄_i += ā_iᵀ·x_i, b̄_i += Σ ā_i.
// For a convolution, x·Wᵀ, g·W and δᵀ·x above stand for the layer's map A, its transpose Aᵀ
// and the gradient of ⟨δ, A(x)⟩ with respect to W: the same three primitives (Linear's
// product, product_transposed, weight_product) serve both kinds.
// Biases enter only through that last pass, so for relu and leaky relu (f'' = 0) they get
// nothing and the whole adjoint is one weight product and one product per layer.
// A layer with dropout in the last forward outputs s_i ⊙ f_i(a_i) with fixed scales s_i
// (0 or 1/(1 − p)): every f_i' and f_i'' above is then s_i ⊙ f_i' and s_i ⊙ f_i'', and x_{i+1}
// is the output after the scales.
#include "core/error.hpp"
#include "nn/net.hpp"

namespace gantool {

namespace {

void add_into(float* __restrict to, const float* __restrict from, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= 262144)
  for (int64_t i = 0; i < n; ++i) to[i] += from[i];
}

}  // namespace

const Tensor& Net::input_gradient(int64_t first, int64_t rows) {
  GANTOOL_ASSERT(src_ != nullptr && out() == 1 && spec_.heads.empty() &&
                 layers.back().linear.activation == Activation::identity);
  GANTOOL_ASSERT(first >= 0 && rows > 0 && first + rows <= batch_);
  for (const LayerSpec& s : spec_.layers) GANTOOL_ASSERT(!s.batch_norm && !s.concat);
  const size_t n = layers.size();
  InputGradient& ig = ig_;
  ig.first = first;
  ig.rows = rows;
  for (std::vector<Tensor>* v : {&ig.g, &ig.delta, &ig.bar, &ig.curve, &ig.dw, &ig.db}) v->resize(n);

  ig.delta[n - 1].resize(rows, 1);
  for (int64_t r = 0; r < rows; ++r) ig.delta[n - 1](r, 0) = 1.0f;  // identity output: δ = g = 1
  for (size_t i = n; i-- > 0;) {
    Linear& layer = layers[i].linear;
    Tensor& delta = ig.delta[i];  // holds g_i, written by the layer above
    if (i + 1 < n) {
      apply_dropout(i, first, rows, delta.data());
      if (has_curvature(layer.activation)) ig.g[i] = delta;  // g_i ⊙ s_i, kept for ã_i (no allocation once sized)
      activation_backward(layer.activation, layer.alpha, dst_[i].row(first), delta.data(), delta.size());
    }
    Tensor& below = i > 0 ? ig.delta[i - 1] : ig.u;
    below.resize(rows, layer.in());
    layer.product_transposed(delta.data(), below.data(), rows, weights(i));
  }
  return ig.u;
}

void Net::add_input_gradient_backward(const float* diff_u) {
  InputGradient& ig = ig_;
  GANTOOL_ASSERT(ig.rows > 0 && ig.first + ig.rows <= batch_);
  const int64_t rows = ig.rows, first = ig.first;
  const size_t n = layers.size();

  // Up the layers: the adjoint of the input-gradient pass.
  const float* g_bar = diff_u;  // ḡ_{i-1} (rows, in_i)
  int64_t top = -1;             // the highest layer with curvature
  for (size_t i = 0; i < n; ++i) {
    Linear& layer = layers[i].linear;
    // W̄_i = δ_iᵀ·ḡ_{i-1}; the column sums that come with it are not part of the gradient.
    ig.dw[i].resize(1, layer.weights_size());
    ig.db[i].resize(1, layer.bias_size());
    layer.weight_product(g_bar, ig.delta[i].data(), ig.dw[i].data(), ig.db[i].data(), rows);
    add_into(diff_weights(i), ig.dw[i].data(), ig.dw[i].size());
    const bool curved = has_curvature(layer.activation);
    if (i + 1 == n && !curved) break;  // g_{L-1} = 1 is constant: nothing above
    Tensor& bar = ig.bar[i];
    bar.resize(rows, layer.out());
    layer.product(g_bar, bar.data(), rows, weights(i));  // δ̄_i
    const float* y = dst_[i].row(first);
    if (curved) {
      Tensor& curve = ig.curve[i];
      curve.resize(rows, layer.out());
      const float* g = ig.g[i].data();
      for (int64_t j = 0; j < curve.size(); ++j) curve.data()[j] = bar.data()[j] * g[j];
      activation_curvature(layer.activation, layer.alpha, y, curve.data(), curve.size());
      top = static_cast<int64_t>(i);
    }
    activation_backward(layer.activation, layer.alpha, y, bar.data(), bar.size());
    apply_dropout(i, first, rows, bar.data());  // ḡ_i
    g_bar = bar.data();
  }

  // Down the layers from the highest curvature: the ã_i through the forward graph. ig.bar
  // is free again and holds the adjoint at each layer's output (a_{i+1}'s through W_{i+1}).
  for (int64_t i = top; i >= 0; --i) {
    Linear& layer = layers[i].linear;
    const float* y = dst_[i].row(first);
    float* a_bar = nullptr;
    if (i < top) {
      Tensor& from_above = ig.bar[i];
      apply_dropout(i, first, rows, from_above.data());
      activation_backward(layer.activation, layer.alpha, y, from_above.data(), from_above.size());
      a_bar = from_above.data();
      if (has_curvature(layer.activation)) add_into(a_bar, ig.curve[i].data(), from_above.size());
    } else {
      a_bar = ig.curve[i].data();
    }
    const float* x = i == 0 ? src_ + first * in() : output(static_cast<size_t>(i - 1), first);
    layer.weight_product(x, a_bar, ig.dw[i].data(), ig.db[i].data(), rows);
    add_into(diff_weights(i), ig.dw[i].data(), ig.dw[i].size());
    add_into(diff_bias(i), ig.db[i].data(), ig.db[i].size());
    if (i > 0) {
      ig.bar[i - 1].resize(rows, layers[i - 1].linear.out());
      layer.product_transposed(a_bar, ig.bar[i - 1].data(), rows, weights(i));
    }
  }
}

}  // namespace gantool
