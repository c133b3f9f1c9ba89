// Nets: construction, initialization, the parameter block, forward and backward.
#include "nn/net.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"

namespace gantool {

Init parse_init(const std::string& name, const std::string& flag) {
  if (name == "pytorch") return Init::pytorch;
  if (name == "he") return Init::he;
  if (name == "xavier") return Init::xavier;
  if (name == "dcgan") return Init::dcgan;
  fail_usage("{} must be pytorch, he, xavier or dcgan (got '{}')", flag, name);
}

const char* init_name(Init init) {
  switch (init) {
    case Init::pytorch: return "pytorch";
    case Init::he: return "he";
    case Init::xavier: return "xavier";
    case Init::dcgan: return "dcgan";
  }
  return "?";
}

// ---- the parameter block ------------------------------------------------------------

int64_t ParamBlock::count() const {
  int64_t n = 0;
  for (const ParamView& v : views) n += v.size;
  return n;
}

const ParamView* ParamBlock::find(const std::string& name) const {
  for (const ParamView& v : views)
    if (v.name == name) return &v;
  return nullptr;
}

// ---- construction ----------------------------------------------------------------------

namespace {

void initialize(float* w, int64_t w_size, float* b, int64_t b_size, double in, double out, Init init, Rng& rng) {
  switch (init) {
    case Init::pytorch: {  // kaiming_uniform(a=√5) gives bound 1/√in for weights and bias
      const double bound = 1.0 / std::sqrt(in);
      for (int64_t i = 0; i < w_size; ++i) w[i] = static_cast<float>(uniform(rng, -bound, bound));
      for (int64_t i = 0; i < b_size; ++i) b[i] = static_cast<float>(uniform(rng, -bound, bound));
      break;
    }
    case Init::he: {
      const double std = std::sqrt(2.0 / in);
      for (int64_t i = 0; i < w_size; ++i) w[i] = static_cast<float>(std * normal(rng));
      for (int64_t i = 0; i < b_size; ++i) b[i] = 0.0f;
      break;
    }
    case Init::xavier: {
      const double bound = std::sqrt(6.0 / (in + out));
      for (int64_t i = 0; i < w_size; ++i) w[i] = static_cast<float>(uniform(rng, -bound, bound));
      for (int64_t i = 0; i < b_size; ++i) b[i] = 0.0f;
      break;
    }
    case Init::dcgan:
      for (int64_t i = 0; i < w_size; ++i) w[i] = static_cast<float>(0.02 * normal(rng));
      for (int64_t i = 0; i < b_size; ++i) b[i] = 0.0f;
      break;
  }
}

}  // namespace

namespace {

// Views laid out one after another, each starting on a multiple of kParamAlign.
struct ViewLayout {
  std::vector<ParamView> views;
  int64_t end = 0;
  void add(std::string name, std::vector<int64_t> shape) {
    const int64_t offset = (end + ParamBlock::kParamAlign - 1) / ParamBlock::kParamAlign * ParamBlock::kParamAlign;
    views.push_back({std::move(name), shape, offset, shape_size(shape)});
    end = offset + views.back().size;
  }
};

// A block of these views, zeros in values and grads.
void allocate(ParamBlock& block, std::vector<ParamView> views) {
  block.views = std::move(views);
  const int64_t size = block.views.empty() ? 0 : block.views.back().offset + block.views.back().size;
  block.values.assign(static_cast<size_t>(size), 0.0f);
  block.grads.assign(static_cast<size_t>(size), 0.0f);
}

}  // namespace

std::vector<ParamView> param_views(const NetSpec& spec) {
  ViewLayout layout;
  const std::vector<std::vector<int64_t>> shapes = spec.shapes();
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& s = spec.layers[l];
    if (s.kind == LayerKind::linear)
      layout.add(fmt::format("layer{}/weights", l), {s.out, shape_size(shapes[l])});
    else  // (out channels, in channels, kernel, kernel)
      layout.add(fmt::format("layer{}/weights", l), {s.out, shapes[l][0], s.kernel, s.kernel});
    layout.add(fmt::format("layer{}/bias", l), {s.out});
    if (s.batch_norm) {
      layout.add(fmt::format("layer{}/bn_scale", l), {batch_norm_channels(s)});
      layout.add(fmt::format("layer{}/bn_shift", l), {batch_norm_channels(s)});
    }
  }
  return layout.views;
}

std::vector<ParamView> state_views(const NetSpec& spec) {
  ViewLayout layout;
  for (size_t l = 0; l < spec.layers.size(); ++l)
    if (spec.layers[l].batch_norm) {
      layout.add(fmt::format("layer{}/bn_mean", l), {batch_norm_channels(spec.layers[l])});
      layout.add(fmt::format("layer{}/bn_var", l), {batch_norm_channels(spec.layers[l])});
    }
  return layout.views;
}

Net::Net(const NetSpec& spec, Init init, Rng& rng) : spec_(spec) {
  check_net_spec(spec, "network");
  allocate(params, param_views(spec));
  allocate(state, state_views(spec));
  build_layers();
  for (size_t l = 0; l < layers.size(); ++l) {
    const Layer& layer = layers[l];
    const ParamView& w = params.views[layer.weights_view];
    const ParamView& b = params.views[layer.bias_view];
    // Fan-in and fan-out: the weights per output and per input (channel), as PyTorch counts
    // them for Linear and Conv2d. (For a transposed convolution PyTorch's default counts
    // out·k² as its fan-in, from its (in, out, k, k) storage; here it is in·k², the weights
    // that reach one output, for every kind alike.)
    initialize(params.value(w), w.size, params.value(b), b.size, static_cast<double>(w.size / w.shape[0]),
               static_cast<double>(w.size / w.shape[1]), init, rng);
    if (!spec.layers[l].batch_norm) continue;
    const int64_t channels = params.views[layer.scale_view].size;
    std::fill_n(params.value(params.views[layer.scale_view]), channels, 1.0f);  // γ 1, β 0
    std::fill_n(state.value(state.views[layer.var_view]), channels, 1.0f);      // running μ 0, σ² 1
  }
}

void Net::build_layers() {
  const std::vector<std::vector<int64_t>> shapes = spec_.shapes();
  size_t view = 0, state_view = 0;  // param_views' and state_views' order
  for (size_t l = 0; l < spec_.layers.size(); ++l) {
    const LayerSpec& s = spec_.layers[l];
    const std::vector<int64_t>& in = shapes[l];
    const std::vector<int64_t>& out = shapes[l + 1];
    // With batch norm the activation comes after it, outside the affine map's primitive.
    const Activation act = s.batch_norm ? Activation::identity : s.activation;
    const float alpha = s.batch_norm ? 0.0f : s.alpha;
    const ConvShape conv = s.kind == LayerKind::linear
                               ? ConvShape{}
                               : ConvShape{s.kind == LayerKind::conv2d_transposed, in[0], in[1], in[2], out[0], out[1],
                                           out[2], s.kernel, s.stride, s.padding};
    Layer layer{s.kind, in, out,
                s.kind == LayerKind::linear ? Linear(shape_size(in), s.out, act, alpha) : Linear(conv, act, alpha), view,
                view + 1};
    view += 2;
    if (s.batch_norm) {
      layer.scale_view = view++;
      layer.shift_view = view++;
      layer.mean_view = state_view++;
      layer.var_view = state_view++;
    }
    layers.push_back(std::move(layer));
  }
  for (std::vector<Tensor>* v : {&dst_, &diff_, &keep_, &dropped_, &hat_, &inv_std_, &shift_, &cat_, &diff_head_})
    v->resize(layers.size());
}

Net Net::copy() const {
  Net n;
  n.spec_ = spec_;
  n.params = params;
  n.state = state;
  std::fill(n.params.grads.begin(), n.params.grads.end(), 0.0f);
  n.build_layers();
  return n;
}

void copy_parameters(const Net& from, Net& to) {
  GANTOOL_ASSERT(from.params.size() == to.params.size());
  std::copy(from.params.values.begin(), from.params.values.end(), to.params.values.begin());
}

// ---- forward and backward ---------------------------------------------------------------

void Net::apply_heads(float* x, int64_t batch, bool backward, const float* y) {
  // x (batch, out): the output (forward) or the gradient at it (backward, through y).
  const int64_t width = out();
  for (int64_t r = 0; r < batch; ++r) {
    int64_t col = 0;
    for (const OutputHead& h : spec_.heads) {
      float* row = x + r * width + col;
      if (backward)
        activation_backward(h.activation, h.alpha, y + r * width + col, row, h.width);
      else
        activation_forward(h.activation, h.alpha, row, row, h.width);
      col += h.width;
    }
  }
}

const float* Net::output(size_t l, int64_t first) const {
  const LayerSpec& s = spec_.layers[l];
  if (s.concat) return cat_[l].row(first);
  return training_ && s.dropout > 0.0f ? dropped_[l].row(first) : dst_[l].row(first);
}

void Net::apply_dropout(size_t l, int64_t first, int64_t rows, float* x) const {
  if (!training_ || spec_.layers[l].dropout <= 0.0f) return;
  const float* keep = keep_[l].row(first);
  const int64_t n = rows * layers[l].linear.out();
  for (int64_t i = 0; i < n; ++i) x[i] *= keep[i];
}

// Sample by sample (each (channels, spatial) and contiguous), with per-channel sums in
// double; a flat output has spatial 1.
void Net::batch_norm_forward(size_t l, int64_t batch) {
  const LayerSpec& s = spec_.layers[l];
  const Layer& layer = layers[l];
  const int64_t channels = batch_norm_channels(s), spatial = layer.linear.out() / channels;
  const int64_t out = layer.linear.out();
  float* hat = hat_[l].data();  // holds a
  inv_std_[l].resize(1, channels);
  shift_[l].resize(1, channels);
  float* inv_std = inv_std_[l].data();
  float* centre = shift_[l].data();
  float* mean = state.value(state.views[layer.mean_view]);
  float* var = state.value(state.views[layer.var_view]);
  const float* gamma = params.value(params.views[layer.scale_view]);
  const float* beta = params.value(params.views[layer.shift_view]);
  if (training_) {  // the batch's mean and (biased) variance
    sums_.assign(static_cast<size_t>(2 * channels), 0.0);  // no allocation once sized
    double* sum = sums_.data();
    double* sq = sums_.data() + channels;
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < spatial; ++i) sum[c] += hat[r * out + c * spatial + i];
    const double n = double(batch) * double(spatial);
    for (int64_t c = 0; c < channels; ++c) sum[c] /= n;
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < spatial; ++i) {
          const double d = hat[r * out + c * spatial + i] - sum[c];
          sq[c] += d * d;
        }
    for (int64_t c = 0; c < channels; ++c) {
      const double v = sq[c] / n, unbiased = n > 1 ? sq[c] / (n - 1) : v;
      mean[c] = static_cast<float>((1 - kBatchNormMomentum) * mean[c] + kBatchNormMomentum * sum[c]);
      var[c] = static_cast<float>((1 - kBatchNormMomentum) * var[c] + kBatchNormMomentum * unbiased);
      inv_std[c] = static_cast<float>(1 / std::sqrt(v + kBatchNormEps));
      centre[c] = static_cast<float>(sum[c]);
    }
  } else {
    for (int64_t c = 0; c < channels; ++c) {
      inv_std[c] = static_cast<float>(1 / std::sqrt(double(var[c]) + kBatchNormEps));
      centre[c] = mean[c];
    }
  }
  float* y = dst_[l].data();
  for (int64_t r = 0; r < batch; ++r)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < spatial; ++i) {
        const int64_t k = r * out + c * spatial + i;
        hat[k] = (hat[k] - centre[c]) * inv_std[c];
        y[k] = gamma[c] * hat[k] + beta[c];
      }
  activation_forward(s.activation, s.alpha, y, y, batch * out);
}

void Net::batch_norm_backward(size_t l, float* diff, bool param_grads) {
  const LayerSpec& s = spec_.layers[l];
  const Layer& layer = layers[l];
  const int64_t channels = batch_norm_channels(s), spatial = layer.linear.out() / channels;
  const int64_t out = layer.linear.out(), batch = batch_;
  activation_backward(s.activation, s.alpha, dst_[l].data(), diff, batch * out);  // at γ ⊙ â + β
  const float* hat = hat_[l].data();
  const float* inv_std = inv_std_[l].data();
  const float* gamma = params.value(params.views[layer.scale_view]);
  sums_.assign(static_cast<size_t>(2 * channels), 0.0);
  double* sum = sums_.data();             // Σ dz
  double* dot = sums_.data() + channels;  // Σ dz ⊙ â
  for (int64_t r = 0; r < batch; ++r)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < spatial; ++i) {
        const int64_t k = r * out + c * spatial + i;
        sum[c] += diff[k];
        dot[c] += double(diff[k]) * hat[k];
      }
  if (param_grads) {
    float* d_gamma = params.grad(params.views[layer.scale_view]);
    float* d_beta = params.grad(params.views[layer.shift_view]);
    for (int64_t c = 0; c < channels; ++c) {
      d_gamma[c] = static_cast<float>(dot[c]);
      d_beta[c] = static_cast<float>(sum[c]);
    }
  }
  if (!training_) {  // the running statistics are constants: a is only scaled
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < spatial; ++i) diff[r * out + c * spatial + i] *= gamma[c] * inv_std[c];
    return;
  }
  // da = γ/(Nσ) ⊙ (N dz − Σ dz − â Σ dz ⊙ â), N the values per channel
  const double n = double(batch) * double(spatial);
  for (int64_t r = 0; r < batch; ++r)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < spatial; ++i) {
        const int64_t k = r * out + c * spatial + i;
        diff[k] = static_cast<float>(double(gamma[c]) * inv_std[c] / n * (n * diff[k] - sum[c] - hat[k] * dot[c]));
      }
}

const Tensor& Net::forward(const float* src, int64_t batch, Rng* training) {
  src_ = src;
  batch_ = batch;
  training_ = training != nullptr;
  const float* x = src;
  for (size_t l = 0; l < layers.size(); ++l) {
    const LayerSpec& s = spec_.layers[l];
    const int64_t out = layers[l].linear.out(), in = layers[l].linear.in();
    dst_[l].resize(batch, out);  // no allocation once the largest batch was seen
    if (s.batch_norm) {
      hat_[l].resize(batch, out);
      layers[l].linear.forward(x, hat_[l].data(), batch, weights(l), bias(l));
      batch_norm_forward(l, batch);
    } else {
      layers[l].linear.forward(x, dst_[l].data(), batch, weights(l), bias(l));
    }
    const float* y = dst_[l].data();
    if (training && s.dropout > 0.0f) {
      Tensor& keep = keep_[l];
      Tensor& dropped = dropped_[l];
      keep.resize(batch, out);
      dropped.resize(batch, out);
      fill_uniform(*training, keep.data(), keep.size(), 0.0f, 1.0f);
      const float scale = 1.0f / (1.0f - s.dropout);
      for (int64_t i = 0; i < keep.size(); ++i) {
        keep.data()[i] = keep.data()[i] >= s.dropout ? scale : 0.0f;
        dropped.data()[i] = y[i] * keep.data()[i];
      }
      y = dropped.data();
    }
    if (s.concat) {
      Tensor& cat = cat_[l];
      cat.resize(batch, out + in);
      for (int64_t r = 0; r < batch; ++r) {
        std::memcpy(cat.row(r), y + r * out, static_cast<size_t>(out) * sizeof(float));
        std::memcpy(cat.row(r) + out, x + r * in, static_cast<size_t>(in) * sizeof(float));
      }
      y = cat.data();
    }
    x = y;
  }
  if (!spec_.heads.empty()) apply_heads(dst_.back().data(), batch, /*backward=*/false);
  return dst_.back();
}

void Net::backward(const float* diff_dst, bool param_grads, float* diff_src, int64_t first, int64_t rows) {
  GANTOOL_ASSERT(src_ != nullptr);
  if (rows < 0) rows = batch_ - first;
  GANTOOL_ASSERT(first >= 0 && rows > 0 && first + rows <= batch_);
  const size_t last = layers.size() - 1;
  diff_[last].resize(rows, out());
  std::memcpy(diff_[last].data(), diff_dst, static_cast<size_t>(diff_[last].size()) * sizeof(float));
  if (!spec_.heads.empty()) apply_heads(diff_[last].data(), rows, /*backward=*/true, dst_[last].row(first));
  for (size_t l = last + 1; l-- > 0;) {
    if (l == 0 && !param_grads && !diff_src) break;  // nothing wanted from the first layer
    const LayerSpec& s = spec_.layers[l];
    Linear& linear = layers[l].linear;
    const int64_t out = linear.out(), in = linear.in();
    const float* src = l == 0 ? src_ + first * in : output(l - 1, first);
    float* diff_below = diff_src;
    if (l > 0) {
      diff_[l - 1].resize(rows, in);
      diff_below = diff_[l - 1].data();
    }
    float* diff = diff_[l].data();  // (rows, out), or (rows, out + in) with concat
    if (s.concat) {
      diff_head_[l].resize(rows, out);
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(diff_head_[l].row(r), diff + r * (out + in), static_cast<size_t>(out) * sizeof(float));
      diff = diff_head_[l].data();
    }
    apply_dropout(l, first, rows, diff);
    if (s.batch_norm) {
      GANTOOL_ASSERT(first == 0 && rows == batch_);  // the batch's statistics couple every row
      batch_norm_backward(l, diff, param_grads);
      if (param_grads) linear.weight_product(src, diff, diff_weights(l), diff_bias(l), rows);
      if (diff_below) linear.product_transposed(diff, diff_below, rows, weights(l));
    } else {
      linear.backward(src, dst_[l].row(first), diff, diff_below, rows, weights(l),
                      param_grads ? diff_weights(l) : nullptr, param_grads ? diff_bias(l) : nullptr);
    }
    if (s.concat && diff_below) {  // the input's copy in the output: its gradient adds
      const float* full = diff_[l].data();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t i = 0; i < in; ++i) diff_below[r * in + i] += full[r * (out + in) + out + i];
    }
  }
}

}  // namespace gantool
