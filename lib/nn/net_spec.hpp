// NetSpec: an architecture as a plain value (the input shape, the layers, the output
// heads), with the one function pair that writes it as text and reads it back, and the
// one pair that maps the MLP flags of `train` to it and back. Model files store the text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/activation.hpp"

namespace gantool {

// The kinds of layer a Net is made of (a closed set; conv2d, conv2d-transposed, batch norm,
// dropout and residual blocks are to come).
enum class LayerKind { linear };

// "linear"; parse throws Error naming `what`.
LayerKind parse_layer_kind(const std::string& name, const std::string& what);
const char* layer_kind_name(LayerKind kind);

// One layer: for linear, a = src · weightsᵀ + bias (batch, out), then
//   with batch_norm, a normalized per feature (Ioffe & Szegedy 2015): by the batch's mean and
//     variance in a training forward (Net::forward with an Rng), which also moves the running
//     statistics (momentum 0.1, unbiased variance, as PyTorch's BatchNorm1d), and by the
//     running statistics in an evaluation forward; then scaled by γ and shifted by β;
//   the activation;
//   with a dropout rate p > 0, in a training forward, each value kept with probability 1 − p
//     and scaled by 1/(1 − p) (Srivastava et al. 2014, inverted dropout; evaluation forwards
//     leave it out);
//   with concat, the layer's input appended: dst (batch, out + in), CTGAN's residual block.
struct LayerSpec {
  LayerKind kind = LayerKind::linear;
  int64_t out = 1;                            // output features (before concat)
  Activation activation = Activation::identity;
  float alpha = 0.0f;                         // the activation's parameter (leaky slope, elu α)
  float dropout = 0.0f;                       // in [0, 1)
  bool batch_norm = false;
  bool concat = false;
  bool operator==(const LayerSpec&) const = default;
};

// Batch norm's ε and the running statistics' momentum (PyTorch's defaults).
inline constexpr float kBatchNormEps = 1e-5f;
inline constexpr float kBatchNormMomentum = 0.1f;

// A segment of the output's columns with an activation of its own (e.g. one head per
// column of a table). Heads cover the last layer's output in order.
struct OutputHead {
  int64_t width = 1;
  Activation activation = Activation::identity;
  float alpha = 0.0f;
  bool operator==(const OutputHead&) const = default;
};

struct NetSpec {
  std::vector<int64_t> in = {2};  // the shape of one input sample, e.g. {2} or {1, 28, 28}
  std::vector<LayerSpec> layers;
  // Empty: the last layer's activation covers its whole output. Otherwise the last layer's
  // activation is the identity and each head applies its own to its columns.
  std::vector<OutputHead> heads;

  int64_t in_size() const;   // values per input sample
  int64_t out_size() const;  // values per output sample
  // The values each layer reads per sample: in_size(), then the widths before it (each
  // out, plus its input with concat).
  std::vector<int64_t> layer_inputs() const;
  bool operator==(const NetSpec&) const = default;
};

// The number of values of a sample of this shape: the product of its dimensions.
int64_t shape_size(const std::vector<int64_t>& shape);

// The largest width or input size a spec may have.
inline constexpr int64_t kMaxWidth = int64_t{1} << 24;

// Throws Error "{what}: ..." unless the spec is possible: an input shape of 1 to 4
// positive dimensions, at least one layer, widths from 1 to kMaxWidth, finite alphas, and
// heads (when given) that cover the output after an identity last layer, dropout rates in
// [0, 1), and a last layer without dropout, batch norm or concat.
void check_net_spec(const NetSpec& spec, const std::string& what);

// The spec as one line of text, e.g. "in 2; linear 128 relu; linear 2 identity", with
// "leaky_relu:0.2" for an activation with a parameter, then " batch_norm", " dropout:0.5"
// and " concat" for a layer with them, and "; heads 1 tanh, 3 identity".
// parse_net_spec reads it back exactly (alphas round-trip bit for bit) and checks it;
// it throws Error naming `what` and the part it could not read.
std::string format_net_spec(const NetSpec& spec);
NetSpec parse_net_spec(const std::string& text, const std::string& what);

// What train's MLP flags say about one network: hidden widths, their activation, and the
// output activation (--g-hidden, --g-activation, --g-alpha, --g-output).
struct MlpFlags {
  std::vector<int64_t> hidden;
  Activation activation = Activation::relu;
  float alpha = 0.0f;
  Activation out_activation = Activation::identity;
  bool operator==(const MlpFlags&) const = default;
};

// in → hidden → out, linear layers.
NetSpec mlp_spec(int64_t in, const MlpFlags& flags, int64_t out);

// The reverse of mlp_spec, for a spec made by it (info, --resume's checks). A spec that is
// not such an MLP (heads, other kinds, mixed hidden activations) gives false.
bool mlp_flags(const NetSpec& spec, MlpFlags& flags);

}  // namespace gantool
