// NetSpec: checks, text form, and the MLP flags.
#include "nn/net_spec.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace gantool {

LayerKind parse_layer_kind(const std::string& name, const std::string& what) {
  if (name == "linear") return LayerKind::linear;
  fail("{}: unknown layer kind '{}' (this gantool knows: linear)", what, name);
}

const char* layer_kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::linear: return "linear";
  }
  return "?";
}

int64_t shape_size(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

int64_t NetSpec::in_size() const { return shape_size(in); }

int64_t NetSpec::out_size() const { return layers.empty() ? 0 : layers.back().out; }

std::vector<int64_t> NetSpec::layer_inputs() const {
  std::vector<int64_t> inputs;
  int64_t width = in_size();
  for (const LayerSpec& layer : layers) {
    inputs.push_back(width);
    width = layer.out + (layer.concat ? width : 0);
  }
  return inputs;
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
  const std::vector<int64_t> inputs = spec.layer_inputs();
  for (size_t l = 0; l < inputs.size(); ++l)
    if (inputs[l] > kMaxWidth) fail("{}: layer {} reads {} values, more than {}", what, l, inputs[l], kMaxWidth);
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
      if (w.size() < 3 || w.size() > 6)
        fail("{}: expected 'KIND WIDTH ACTIVATION [batch_norm] [dropout:RATE] [concat]'", where);
      LayerSpec layer;
      layer.kind = parse_layer_kind(w[0], where);
      layer.out = parse_count(w[1], where);
      parse_activation_text(w[2], where, layer.activation, layer.alpha);
      bool dropout = false;
      for (size_t k = 3; k < w.size(); ++k) {
        const std::string prefix = "dropout:";
        if (w[k] == "batch_norm" && !layer.batch_norm) {
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
          fail("{}: '{}' is not batch_norm, dropout:RATE or concat (each at most once)", where, w[k]);
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

bool mlp_flags(const NetSpec& spec, MlpFlags& flags) {
  if (spec.in.size() != 1 || spec.layers.empty() || !spec.heads.empty()) return false;
  flags = MlpFlags{};
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& layer = spec.layers[l];
    if (layer.kind != LayerKind::linear || layer.dropout != 0.0f || layer.batch_norm || layer.concat) return false;
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
