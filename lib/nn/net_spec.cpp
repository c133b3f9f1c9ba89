// NetSpec: checks, text form, and the MLP flags.
#include "nn/net_spec.hpp"

#include <cerrno>
#include <cmath>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace gantool {

LayerKind parse_layer_kind(const std::string& name, const std::string& what) {
  if (name == "linear") return LayerKind::linear;
  if (name == "conv2d") return LayerKind::conv2d;
  if (name == "conv2d_transposed") return LayerKind::conv2d_transposed;
  fail("{}: unknown layer kind '{}' (this gantool knows: linear, conv2d, conv2d_transposed)", what, name);
}

const char* layer_kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::linear: return "linear";
    case LayerKind::conv2d: return "conv2d";
    case LayerKind::conv2d_transposed: return "conv2d_transposed";
  }
  return "?";
}

std::vector<int64_t> layer_output_shape(const LayerSpec& layer, const std::vector<int64_t>& in, std::string* why) {
  const auto refuse = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return std::vector<int64_t>{};
  };
  if (layer.kind == LayerKind::linear) {
    if (layer.concat) return {layer.out + shape_size(in)};
    if (layer.shape.empty()) return {layer.out};
    if (layer.shape.size() > 3 || shape_size(layer.shape) != layer.out)
      return refuse(fmt::format("its shape {} does not hold its {} outputs in 1 to 3 dimensions",
                                fmt::join(layer.shape, "x"), layer.out));
    return layer.shape;
  }
  const char* kind = layer_kind_name(layer.kind);
  if (in.size() != 3) return refuse(fmt::format("{} reads images (C, H, W), not a sample of shape {}", kind, fmt::join(in, "x")));
  if (layer.concat) return refuse(fmt::format("{} cannot concat", kind));
  if (layer.kernel < 1 || layer.kernel > 64) return refuse(fmt::format("kernel {} is not 1 to 64", layer.kernel));
  if (layer.stride < 1 || layer.stride > 64) return refuse(fmt::format("stride {} is not 1 to 64", layer.stride));
  if (layer.padding < 0 || layer.padding >= layer.kernel)
    return refuse(fmt::format("padding {} is not 0 to kernel − 1", layer.padding));
  if (layer.output_padding < 0 || (layer.output_padding > 0 && layer.output_padding >= layer.stride))
    return refuse(fmt::format("output padding {} is not 0 to stride − 1", layer.output_padding));
  if (layer.kind == LayerKind::conv2d && layer.output_padding != 0)
    return refuse("conv2d has no output padding (conv2d_transposed has)");
  std::vector<int64_t> out = {layer.out, 0, 0};
  for (int d = 1; d < 3; ++d) {
    if (layer.kind == LayerKind::conv2d) {
      const int64_t padded = in[d] + 2 * layer.padding;
      if (padded < layer.kernel)
        return refuse(fmt::format("kernel {} is larger than its padded input ({})", layer.kernel, padded));
      out[d] = (padded - layer.kernel) / layer.stride + 1;
    } else {
      out[d] = (in[d] - 1) * layer.stride - 2 * layer.padding + layer.kernel + layer.output_padding;
      if (out[d] < 1) return refuse(fmt::format("its output would have size {}", out[d]));
    }
  }
  if (static_cast<double>(out[0]) * static_cast<double>(out[1]) * static_cast<double>(out[2]) > double(kMaxWidth))
    return refuse(fmt::format("its output {}x{}x{} has more than {} values", out[0], out[1], out[2], kMaxWidth));
  return out;
}

int64_t shape_size(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

int64_t NetSpec::in_size() const { return shape_size(in); }

int64_t NetSpec::out_size() const {
  // Without allocating (training steps ask): only a convolution's height and width are
  // followed, through the layers.
  if (layers.empty()) return 0;
  int64_t h = in.size() == 3 ? in[1] : 0, w = in.size() == 3 ? in[2] : 0;
  for (const LayerSpec& l : layers) {
    if (l.kind == LayerKind::linear) {
      h = l.shape.size() == 3 ? l.shape[1] : 0;
      w = l.shape.size() == 3 ? l.shape[2] : 0;
    } else if (l.kind == LayerKind::conv2d) {
      h = (h + 2 * l.padding - l.kernel) / std::max<int64_t>(l.stride, 1) + 1;
      w = (w + 2 * l.padding - l.kernel) / std::max<int64_t>(l.stride, 1) + 1;
    } else {
      h = (h - 1) * l.stride - 2 * l.padding + l.kernel + l.output_padding;
      w = (w - 1) * l.stride - 2 * l.padding + l.kernel + l.output_padding;
    }
  }
  // A last layer has no concat (check_net_spec), and a linear one's shape holds its out.
  return layers.back().kind == LayerKind::linear ? layers.back().out : layers.back().out * h * w;
}

std::vector<std::vector<int64_t>> NetSpec::shapes() const {
  std::vector<std::vector<int64_t>> s = {in};
  for (const LayerSpec& layer : layers) {
    std::vector<int64_t> out = layer_output_shape(layer, s.back(), nullptr);
    if (out.empty()) out = {layer.out};  // an unchecked spec: check_net_spec says why
    s.push_back(std::move(out));
  }
  return s;
}

std::vector<int64_t> NetSpec::layer_inputs() const {
  std::vector<int64_t> inputs;
  const std::vector<std::vector<int64_t>> s = shapes();
  for (size_t l = 0; l < layers.size(); ++l) inputs.push_back(shape_size(s[l]));
  return inputs;
}

double NetSpec::layer_macs(size_t l) const {
  const std::vector<std::vector<int64_t>> s = shapes();
  const double k2 = double(layers[l].kernel) * double(layers[l].kernel);
  switch (layers[l].kind) {
    case LayerKind::linear: return double(shape_size(s[l])) * double(layers[l].out);
    case LayerKind::conv2d: return double(shape_size(s[l + 1])) * double(s[l][0]) * k2;  // per output, C·k² terms
    case LayerKind::conv2d_transposed: return double(shape_size(s[l])) * double(layers[l].out) * k2;  // per input
  }
  return 0;
}

bool NetSpec::has_convolutions() const {
  for (const LayerSpec& layer : layers)
    if (layer.kind != LayerKind::linear) return true;
  return false;
}

void check_net_spec(const NetSpec& spec, const std::string& what) {
  if (spec.in.empty() || spec.in.size() > 4)
    fail("{}: a network's input has {} dimensions, expected 1 to 4", what, spec.in.size());
  double in = 1;
  for (int64_t d : spec.in) {
    if (d < 1 || d > kMaxWidth) fail("{}: a network's input dimension is {}, expected 1 to {}", what, d, kMaxWidth);
    in *= static_cast<double>(d);
  }
  if (in > static_cast<double>(kMaxWidth))
    fail("{}: a network's input has {} values, more than {}", what, in, kMaxWidth);
  if (spec.layers.empty()) fail("{}: a network has no layers", what);
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& layer = spec.layers[l];
    if (layer.out < 1 || layer.out > kMaxWidth)
      fail("{}: layer {} has width {}, expected 1 to {}", what, l, layer.out, kMaxWidth);
    if (!std::isfinite(layer.alpha) || (layer.activation == Activation::leaky_relu && layer.alpha < 0))
      fail("{}: layer {} has activation parameter {}", what, l, layer.alpha);
    if (!(layer.dropout >= 0.0f && layer.dropout < 1.0f))
      fail("{}: layer {} has dropout rate {}, expected 0 to below 1", what, l, layer.dropout);
    if ((layer.dropout > 0.0f || layer.batch_norm || layer.concat) && l + 1 == spec.layers.size())
      fail("{}: the last layer has {} (only hidden layers may)", what,
           layer.dropout > 0.0f ? "dropout" : layer.batch_norm ? "batch norm" : "concat");
  }
  std::vector<int64_t> shape = spec.in;
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    if (shape_size(shape) > kMaxWidth)
      fail("{}: layer {} reads {} values, more than {}", what, l, shape_size(shape), kMaxWidth);
    const LayerSpec& layer = spec.layers[l];
    if (layer.kind != LayerKind::linear && !layer.shape.empty())
      fail("{}: layer {} ({}) has a shape: only linear layers take one", what, l, layer_kind_name(layer.kind));
    if (layer.kind == LayerKind::linear && (layer.kernel != 0 || layer.stride != 1 || layer.padding != 0 ||
                                            layer.output_padding != 0))
      fail("{}: layer {} is linear: it takes no kernel, stride or padding", what, l);
    if (layer.concat && !layer.shape.empty()) fail("{}: layer {} has both concat and a shape", what, l);
    std::string why;
    std::vector<int64_t> out = layer_output_shape(layer, shape, &why);
    if (out.empty()) fail("{}: layer {} ({}): {}", what, l, layer_kind_name(layer.kind), why);
    shape = std::move(out);
  }
  if (spec.heads.empty()) return;
  if (spec.layers.back().activation != Activation::identity)
    fail("{}: a network with output heads needs an identity last layer", what);
  int64_t covered = 0;
  for (const OutputHead& head : spec.heads) {
    if (head.width < 1) fail("{}: an output head has width {}", what, head.width);
    if (!std::isfinite(head.alpha) || (head.activation == Activation::leaky_relu && head.alpha < 0))
      fail("{}: an output head has activation parameter {}", what, head.alpha);
    covered += head.width;
  }
  if (covered != spec.out_size())
    fail("{}: the output heads cover {} columns of {}", what, covered, spec.out_size());
}

namespace {

// "relu", "leaky_relu:0.2": the parameter is written when the activation uses one.
std::string activation_text(Activation act, float alpha) {
  const bool has_alpha = act == Activation::leaky_relu || act == Activation::elu || alpha != 0.0f;
  return has_alpha ? fmt::format("{}:{}", activation_name(act), alpha) : activation_name(act);
}

void parse_activation_text(const std::string& text, const std::string& what, Activation& act, float& alpha) {
  const size_t colon = text.find(':');
  const std::string name = text.substr(0, colon);
  try {
    act = parse_activation(name, what);
  } catch (const UsageError&) {  // a stored text, not a flag: not the user's usage
    fail("{}: unknown activation '{}' (this gantool knows identity, relu, leaky_relu, elu, tanh, sigmoid, softplus)",
         what, name);
  }
  alpha = 0.0f;
  if (colon == std::string::npos) return;
  const std::string number = text.substr(colon + 1);
  char* end = nullptr;
  errno = 0;
  alpha = std::strtof(number.c_str(), &end);
  if (number.empty() || *end != '\0' || errno != 0) fail("{}: '{}' is not an activation parameter", what, text);
}

int64_t parse_count(const std::string& text, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < 1 || v > kMaxWidth)
    fail("{}: '{}' is not a size from 1 to {}", what, text, kMaxWidth);
  return v;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::string format_net_spec(const NetSpec& spec) {
  std::string text = fmt::format("in {}", fmt::join(spec.in, "x"));
  for (const LayerSpec& l : spec.layers) {
    text += fmt::format("; {} {} {}", layer_kind_name(l.kind), l.out, activation_text(l.activation, l.alpha));
    if (l.kind != LayerKind::linear) text += fmt::format(" k{} s{} p{}", l.kernel, l.stride, l.padding);
    if (l.kind == LayerKind::conv2d_transposed) text += fmt::format(" op{}", l.output_padding);
    if (!l.shape.empty()) text += fmt::format(" shape:{}", fmt::join(l.shape, "x"));
    if (l.batch_norm) text += " batch_norm";
    if (l.dropout > 0.0f) text += fmt::format(" dropout:{}", l.dropout);
    if (l.concat) text += " concat";
  }
  if (!spec.heads.empty()) {
    text += "; heads";
    for (size_t i = 0; i < spec.heads.size(); ++i)
      text += fmt::format("{} {} {}", i ? "," : "", spec.heads[i].width,
                          activation_text(spec.heads[i].activation, spec.heads[i].alpha));
  }
  return text;
}

NetSpec parse_net_spec(const std::string& text, const std::string& what) {
  NetSpec spec;
  spec.in.clear();
  const std::vector<std::string> parts = split(text, ';');
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::vector<std::string> w = words(parts[i]);
    const std::string where = fmt::format("{} (network '{}', part {})", what, text, i + 1);
    if (w.empty()) fail("{}: empty", where);
    if (i == 0) {
      if (w[0] != "in" || w.size() != 2) fail("{}: expected 'in SHAPE'", where);
      for (const std::string& d : split(w[1], 'x')) spec.in.push_back(parse_count(d, where));
    } else if (w[0] == "heads") {
      for (const std::string& head : split(parts[i].substr(parts[i].find("heads") + 5), ',')) {
        const std::vector<std::string> h = words(head);
        if (h.size() != 2) fail("{}: expected 'heads WIDTH ACTIVATION, ...'", where);
        OutputHead out;
        out.width = parse_count(h[0], where);
        parse_activation_text(h[1], where, out.activation, out.alpha);
        spec.heads.push_back(out);
      }
      if (i + 1 != parts.size()) fail("{}: heads must come last", where);
    } else {
      if (w.size() < 3 || w.size() > 11)
        fail("{}: expected 'KIND WIDTH ACTIVATION [kK sS pP opP] [shape:CxHxW] [batch_norm] [dropout:RATE] [concat]'",
             where);
      LayerSpec layer;
      layer.kind = parse_layer_kind(w[0], where);
      layer.out = parse_count(w[1], where);
      parse_activation_text(w[2], where, layer.activation, layer.alpha);
      bool dropout = false, has_shape = false;
      std::string seen;  // the convolution numbers read, by letter
      const auto number_after = [&](const std::string& word, size_t skip) {
        char* end = nullptr;
        errno = 0;
        const long long v = std::strtoll(word.c_str() + skip, &end, 10);
        if (word.size() == skip || *end != '\0' || errno != 0 || v < 0 || v > 4096)
          fail("{}: '{}' is not a number from 0 to 4096 after '{}'", where, word, word.substr(0, skip));
        return static_cast<int64_t>(v);
      };
      for (size_t k = 3; k < w.size(); ++k) {
        const std::string prefix = "dropout:";
        const bool digit_after = [&](size_t skip) {
          return w[k].size() > skip && std::isdigit(static_cast<unsigned char>(w[k][skip]));
        }(w[k].compare(0, 2, "op") == 0 ? 2 : 1);
        if (w[k].compare(0, 2, "op") == 0 && digit_after && seen.find('o') == std::string::npos) {
          layer.output_padding = number_after(w[k], 2);
          seen += 'o';
        } else if (digit_after && (w[k][0] == 'k' || w[k][0] == 's' || w[k][0] == 'p') &&
                   seen.find(w[k][0]) == std::string::npos) {
          const int64_t v = number_after(w[k], 1);
          (w[k][0] == 'k' ? layer.kernel : w[k][0] == 's' ? layer.stride : layer.padding) = v;
          seen += w[k][0];
        } else if (w[k].compare(0, 6, "shape:") == 0 && !has_shape) {
          for (const std::string& d : split(w[k].substr(6), 'x')) layer.shape.push_back(parse_count(d, where));
          has_shape = true;
        } else if (w[k] == "batch_norm" && !layer.batch_norm) {
          layer.batch_norm = true;
        } else if (w[k] == "concat" && !layer.concat) {
          layer.concat = true;
        } else if (w[k].compare(0, prefix.size(), prefix) == 0 && !dropout) {
          const std::string number = w[k].substr(prefix.size());
          char* end = nullptr;
          errno = 0;
          layer.dropout = std::strtof(number.c_str(), &end);
          if (number.empty() || *end != '\0' || errno != 0) fail("{}: '{}' is not 'dropout:RATE'", where, w[k]);
          dropout = true;
        } else {
          fail("{}: '{}' is not kK, sS, pP, opP, shape:CxHxW, batch_norm, dropout:RATE or concat (each at most once)",
               where, w[k]);
        }
      }
      spec.layers.push_back(layer);
    }
  }
  check_net_spec(spec, fmt::format("{} (network '{}')", what, text));
  return spec;
}

NetSpec mlp_spec(int64_t in, const MlpFlags& flags, int64_t out) {
  NetSpec spec;
  spec.in = {in};
  for (int64_t width : flags.hidden) spec.layers.push_back({LayerKind::linear, width, flags.activation, flags.alpha});
  spec.layers.push_back({LayerKind::linear, out, flags.out_activation, 0.0f});
  return spec;
}

namespace {

// The image side after `stages` stride-2 stages halve it, or a UsageError naming `flag`
// that says which counts of widths would fit.
int64_t halved(int64_t size, size_t stages, const std::vector<int64_t>& image, const std::string& flag) {
  const auto fits = [&](size_t s) { return image[1] % (int64_t{1} << s) == 0 && image[2] % (int64_t{1} << s) == 0; };
  if (fits(stages) && size >> stages >= 1) return size >> stages;
  size_t most = 0;
  while (most < 6 && fits(most + 1) && (image[1] >> (most + 1)) >= 2 && (image[2] >> (most + 1)) >= 2) ++most;
  const std::string hint =
      most >= 1 ? fmt::format("give {} at most {} width{} (one per stage)", flag, most, most > 1 ? "s" : "")
                : "resize or crop the images to even sides (a multiple of 4 for the default), or train --arch mlp";
  fail_usage("--arch dcgan: images of {}×{} cannot be halved {} time{} by stride-2 stages (their sides must be "
             "multiples of {}); {}",
             image[1], image[2], stages, stages > 1 ? "s" : "", int64_t{1} << stages, hint);
}

}  // namespace

NetSpec dcgan_generator(int64_t z_dim, const std::vector<int64_t>& widths, const std::vector<int64_t>& image,
                        Activation activation, float alpha, Activation out_activation, const std::string& flag) {
  GANTOOL_ASSERT(image.size() == 3 && !widths.empty());
  const int64_t h = halved(image[1], widths.size(), image, flag), w = halved(image[2], widths.size(), image, flag);
  NetSpec spec;
  spec.in = {z_dim};
  LayerSpec project{LayerKind::linear, widths[0] * h * w, activation, alpha};
  project.batch_norm = true;
  project.shape = {widths[0], h, w};
  spec.layers.push_back(project);
  for (size_t i = 0; i < widths.size(); ++i) {
    const bool last = i + 1 == widths.size();
    LayerSpec up{LayerKind::conv2d_transposed, last ? image[0] : widths[i + 1], last ? out_activation : activation,
                 last ? 0.0f : alpha};
    up.kernel = 4;
    up.stride = 2;
    up.padding = 1;
    up.batch_norm = !last;
    spec.layers.push_back(up);
  }
  return spec;
}

NetSpec dcgan_discriminator(const std::vector<int64_t>& image, const std::vector<int64_t>& widths, Activation activation,
                            float alpha, const std::string& flag) {
  GANTOOL_ASSERT(image.size() == 3 && !widths.empty());
  halved(image[1], widths.size(), image, flag);
  halved(image[2], widths.size(), image, flag);
  NetSpec spec;
  spec.in = image;
  for (int64_t width : widths) {
    LayerSpec down{LayerKind::conv2d, width, activation, alpha};
    down.kernel = 4;
    down.stride = 2;
    down.padding = 1;
    spec.layers.push_back(down);
  }
  spec.layers.push_back({LayerKind::linear, 1, Activation::identity, 0.0f});
  return spec;
}

bool mlp_flags(const NetSpec& spec, MlpFlags& flags) {
  if (spec.in.size() != 1 || spec.layers.empty() || !spec.heads.empty()) return false;
  flags = MlpFlags{};
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& layer = spec.layers[l];
    if (layer.kind != LayerKind::linear || !layer.shape.empty() || layer.dropout != 0.0f || layer.batch_norm ||
        layer.concat)
      return false;
    if (l + 1 == spec.layers.size()) {
      flags.out_activation = layer.activation;
      if (layer.alpha != 0.0f) return false;
    } else {
      if (l > 0 && (layer.activation != flags.activation || layer.alpha != flags.alpha)) return false;
      flags.activation = layer.activation;
      flags.alpha = layer.alpha;
      flags.hidden.push_back(layer.out);
    }
  }
  return true;
}

}  // namespace gantool
