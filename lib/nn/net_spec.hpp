// NetSpec: an architecture as a plain value (the input shape, the layers, the output
// heads), with the one function pair that writes it as text and reads it back, and the
// one pair that maps the MLP flags of `train` to it and back. Model files store the text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/activation.hpp"

namespace gantool {

// The kinds of layer a Net is made of (a closed set; batch norm, dropout and concat are
// options of a layer).
enum class LayerKind { linear, conv2d, conv2d_transposed };

// "linear", "conv2d", "conv2d_transposed"; parse throws Error naming `what`.
LayerKind parse_layer_kind(const std::string& name, const std::string& what);
const char* layer_kind_name(LayerKind kind);

// One layer: an affine map a of its input, then
//     linear: a = src · weightsᵀ + bias (batch, out), src read flat whatever its shape;
//       with `shape` (e.g. {128, 7, 7}, of product out) the output is read as that shape by
//       the layers above (DCGAN's "project and reshape");
//     conv2d: a 2-D convolution of src (batch, C, H, W) with weights (out, C, kernel,
//       kernel), stride and zero padding on every side, plus bias (out): dst (batch, out,
//       (H + 2·padding − kernel)/stride + 1, likewise W) — PyTorch's Conv2d;
//     conv2d_transposed: its transpose (the gradient of a convolution with respect to its
//       input), weights (out, C, kernel, kernel): dst (batch, out, (H − 1)·stride −
//       2·padding + kernel + output_padding, likewise W) — PyTorch's ConvTranspose2d (whose
//       weights are stored (C, out, kernel, kernel));
//   with batch_norm, a normalized per channel (Ioffe & Szegedy 2015; a channel is a feature
//     of a flat output, or a channel over all positions of an image-shaped one): by the
//     batch's mean and variance in a training forward (Net::forward with an Rng), which also
//     moves the running statistics (momentum 0.1, unbiased variance, as PyTorch's
//     BatchNorm1d and BatchNorm2d), and by the running statistics in an evaluation forward;
//     then scaled by γ and shifted by β;
//   the activation;
//   with a dropout rate p > 0, in a training forward, each value kept with probability 1 − p
//     and scaled by 1/(1 − p) (Srivastava et al. 2014, inverted dropout; evaluation forwards
//     leave it out);
//   with concat, the layer's input appended: dst (batch, out + in), CTGAN's residual block.
struct LayerSpec {
  LayerKind kind = LayerKind::linear;
  int64_t out = 1;                            // output features (before concat); channels of a convolution
  Activation activation = Activation::identity;
  float alpha = 0.0f;                         // the activation's parameter (leaky slope, elu α)
  float dropout = 0.0f;                       // in [0, 1)
  bool batch_norm = false;
  bool concat = false;
  int64_t kernel = 0, stride = 1, padding = 0, output_padding = 0;  // convolutions
  std::vector<int64_t> shape;                 // linear: the output's shape, empty for flat (out)
  bool operator==(const LayerSpec&) const = default;
};

// The shape of one output sample of `layer` reading one input sample of shape `in`, or an
// empty shape, with a reason in *why, when the layer cannot read it.
std::vector<int64_t> layer_output_shape(const LayerSpec& layer, const std::vector<int64_t>& in, std::string* why);

// The channels batch norm normalizes by in a layer's output (before concat): a
// convolution's out, the first dimension of a linear layer's shape, else every feature.
inline int64_t batch_norm_channels(const LayerSpec& layer) {
  return layer.kind == LayerKind::linear && !layer.shape.empty() ? layer.shape.front() : layer.out;
}

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
  // The shape of one sample each layer reads, then the net's output's: in, then each
  // layer's output (a flat one with concat: out plus the input's values). For a checked spec.
  std::vector<std::vector<int64_t>> shapes() const;
  // The values each layer reads per sample: the sizes of shapes() but the last.
  std::vector<int64_t> layer_inputs() const;
  // Multiply-adds of layer l's affine map per sample (its bias and activation left out).
  double layer_macs(size_t l) const;
  bool has_convolutions() const;
  bool operator==(const NetSpec&) const = default;
};

// The number of values of a sample of this shape: the product of its dimensions.
int64_t shape_size(const std::vector<int64_t>& shape);

// The largest width or input size a spec may have.
inline constexpr int64_t kMaxWidth = int64_t{1} << 24;

// Throws Error "{what}: ..." unless the spec is possible: an input shape of 1 to 4
// positive dimensions, at least one layer, widths from 1 to kMaxWidth, finite alphas, and
// heads (when given) that cover the output after an identity last layer, dropout rates in
// [0, 1), and a last layer without dropout, batch norm or concat; convolutions reading a
// (C, H, W) shape with a kernel from 1 to 64 no larger than the padded input, stride from 1
// to 64, padding below the kernel, output padding below the stride, and no concat; a linear
// layer's shape of product out.
void check_net_spec(const NetSpec& spec, const std::string& what);

// The spec as one line of text, e.g. "in 2; linear 128 relu; linear 2 identity", with
// "leaky_relu:0.2" for an activation with a parameter, then " batch_norm", " dropout:0.5"
// and " concat" for a layer with them, and "; heads 1 tanh, 3 identity". Convolutions
// and shapes: "in 1x28x28; conv2d 64 leaky_relu:0.2 k4 s2 p1", "conv2d_transposed 1 tanh
// k4 s2 p1 op0", "linear 6272 relu batch_norm shape:128x7x7".
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

// DCGAN (Radford et al. 2016) for images of shape (C, H, W), one stride-2 stage per width:
// G: z_dim → linear to (widths[0], H/2^s, W/2^s) with batch norm and `activation`, then a
//   transposed convolution (kernel 4, stride 2, padding 1) per further width with batch
//   norm and `activation`, and one to C channels with `out_activation`: s = widths.size()
//   stages, e.g. z (100) → 128×7×7 → 64×14×14 → C×28×28 for widths {128, 64};
// D: image → a convolution (kernel 4, stride 2, padding 1) per width with `activation`, then
//   linear to one logit, e.g. C×28×28 → 64×14×14 → 128×7×7 → 1 for widths {64, 128}.
// Throws UsageError naming `flag` unless 2^s divides H and W.
NetSpec dcgan_generator(int64_t z_dim, const std::vector<int64_t>& widths, const std::vector<int64_t>& image,
                        Activation activation, float alpha, Activation out_activation, const std::string& flag);
NetSpec dcgan_discriminator(const std::vector<int64_t>& image, const std::vector<int64_t>& widths, Activation activation,
                            float alpha, const std::string& flag);

// The reverse of mlp_spec, for a spec made by it (info, --resume's checks). A spec that is
// not such an MLP (heads, other kinds, mixed hidden activations) gives false.
bool mlp_flags(const NetSpec& spec, MlpFlags& flags);

}  // namespace gantool
