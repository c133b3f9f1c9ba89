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
  fail_usage("{} must be pytorch, he or xavier (got '{}')", flag, name);
}

const char* init_name(Init init) {
  switch (init) {
    case Init::pytorch: return "pytorch";
    case Init::he: return "he";
    case Init::xavier: return "xavier";
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
  }
}

}  // namespace

std::vector<ParamView> param_views(const NetSpec& spec) {
  std::vector<ParamView> views;
  int64_t end = 0;
  const auto add = [&](std::string name, std::vector<int64_t> shape) {
    const int64_t offset = (end + ParamBlock::kParamAlign - 1) / ParamBlock::kParamAlign * ParamBlock::kParamAlign;
    views.push_back({std::move(name), shape, offset, shape_size(shape)});
    end = offset + views.back().size;
  };
  int64_t in = spec.in_size();
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& s = spec.layers[l];
    switch (s.kind) {
      case LayerKind::linear:
        add(fmt::format("layer{}/weights", l), {s.out, in});
        add(fmt::format("layer{}/bias", l), {s.out});
        in = s.out;
        break;
    }
  }
  return views;
}

Net::Net(const NetSpec& spec, Init init, Rng& rng) : spec_(spec) {
  check_net_spec(spec, "network");
  params.views = param_views(spec);
  const ParamView& last = params.views.back();
  params.values.assign(static_cast<size_t>(last.offset + last.size), 0.0f);
  params.grads.assign(params.values.size(), 0.0f);
  build_layers();
  for (Layer& layer : layers) {
    const ParamView& w = params.views[layer.weights_view];
    const ParamView& b = params.views[layer.bias_view];
    initialize(params.value(w), w.size, params.value(b), b.size, static_cast<double>(w.shape[1]),
               static_cast<double>(w.shape[0]), init, rng);
  }
}

void Net::build_layers() {
  std::vector<int64_t> shape = spec_.in;
  size_t view = 0;  // param_views' order: each layer's weights, then its bias
  for (const LayerSpec& s : spec_.layers) {
    switch (s.kind) {
      case LayerKind::linear:
        layers.push_back({s.kind, shape, {s.out}, Linear(shape_size(shape), s.out, s.activation, s.alpha), view,
                          view + 1});
        view += 2;
        shape = {s.out};
        break;
    }
  }
  dst_.resize(layers.size());
  diff_.resize(layers.size());
}

Net Net::copy() const {
  Net n;
  n.spec_ = spec_;
  n.params = params;
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

const Tensor& Net::forward(const float* src, int64_t batch) {
  src_ = src;
  batch_ = batch;
  const float* x = src;
  for (size_t l = 0; l < layers.size(); ++l) {
    dst_[l].resize(batch, layers[l].linear.out());  // no allocation once the largest batch was seen
    layers[l].linear.forward(x, dst_[l].data(), batch, weights(l), bias(l));
    x = dst_[l].data();
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
    const float* src = l == 0 ? src_ + first * in() : dst_[l - 1].row(first);
    float* diff_below = diff_src;
    if (l > 0) {
      diff_[l - 1].resize(rows, layers[l - 1].linear.out());
      diff_below = diff_[l - 1].data();
    }
    layers[l].linear.backward(src, dst_[l].row(first), diff_[l].data(), diff_below, rows, weights(l),
                              param_grads ? diff_weights(l) : nullptr, param_grads ? diff_bias(l) : nullptr);
  }
}

}  // namespace gantool
