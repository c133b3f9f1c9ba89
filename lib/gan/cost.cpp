// Cost estimates of a GAN configuration and the defaults derived from them.
#include "gan/cost.hpp"

#include <vector>

#include "core/threads.hpp"

namespace gantool {

namespace {

// Multiply-adds of one row through each of layers [0, layers) of a net, counted as they
// always were for fully connected layers: a layer after one with concat is taken to read
// that layer's out alone (the rule behind every default thread count so far).
std::vector<double> layer_row_macs(const NetSpec& spec, size_t layers) {
  std::vector<double> macs;
  const std::vector<std::vector<int64_t>> shapes = spec.shapes();
  int64_t in = spec.in_size();
  for (size_t l = 0; l < layers; ++l) {
    const LayerSpec& s = spec.layers[l];
    macs.push_back(s.kind == LayerKind::linear ? double(in) * double(s.out) : spec.layer_macs(l));
    in = s.kind == LayerKind::linear ? s.out : shape_size(shapes[l + 1]);
  }
  return macs;
}

// Multiply-adds × 2 of one row through a net's layers, without the first layer when
// skip_first.
double row_flops(const NetSpec& spec, bool skip_first) {
  double flops = 0;
  const std::vector<double> macs = layer_row_macs(spec, spec.layers.size());
  for (size_t l = skip_first ? 1 : 0; l < macs.size(); ++l) flops += 2.0 * macs[l];
  return flops;
}

}  // namespace

double step_flops(const GanConfig& c) {
  const double b = static_cast<double>(c.batch);
  const double g = row_flops(c.g, false), g1 = row_flops(c.g, true);
  const double d = row_flops(c.d, false), d1 = row_flops(c.d, true);
  const double k = static_cast<double>(c.d_steps);
  const double g_forward = (k + 1) * b * g;      // all fake minibatches at once
  const double d_update = 2 * b * (d + d + d1);  // D forward, weights, data (not the input)
  const double g_update = b * (d + d + g + g1);  // D forward and data; G weights and data
  // A penalty on P = batch/pack inputs: the input gradient (every layer's transposed product),
  // then per layer a weight product and (but for the last layer) a product; wgan_gp also
  // runs D forward on its interpolates. (Curvature's extra pass, not used here, is left out.)
  const double p = b / static_cast<double>(c.pack);
  const size_t n = c.d.layers.size();
  const double last = 2.0 * layer_row_macs(c.d, n).back() / double(c.d.out_size());  // D's last layer's input, ×2
  const double penalty = p * (d + d + d - last);
  const int penalties = (c.loss == GanLoss::wgan_gp) + (c.r1 > 0);
  const double interpolates = c.loss == GanLoss::wgan_gp ? p * d : 0;
  return g_forward + k * (d_update + penalties * penalty + interpolates) + g_update;
}

double training_bytes(const GanConfig& c) {
  // The parameters (with gradients, moments and average), and each layer's activations and
  // gradients for D's real and fake rows (and wgan-gp's interpolates) and G's rows.
  double params = 0, act_g = double(c.z_dim()), act_d = double(c.data_dim());
  for (const NetSpec* spec : {&c.g, &c.d})
    for (const ParamView& v : param_views(*spec)) params += double(v.size);
  const std::vector<std::vector<int64_t>> shapes_g = c.g.shapes(), shapes_d = c.d.shapes();
  for (size_t l = 0; l < c.g.layers.size(); ++l)
    act_g += c.g.layers[l].kind == LayerKind::linear ? double(c.g.layers[l].out) : double(shape_size(shapes_g[l + 1]));
  for (size_t l = 0; l + 1 < c.d.layers.size(); ++l)
    act_d += c.d.layers[l].kind == LayerKind::linear ? double(c.d.layers[l].out) : double(shape_size(shapes_d[l + 1]));
  const double batch = double(c.batch);
  const double floats = 6 * params + batch * (double(c.d_steps) * double(c.data_dim()) + 4 * act_g + 3 * 4 * act_d);
  return 4 * floats;
}

int default_threads(const GanConfig& c) {
  // Not step_flops: the rule measured in README ("Threads") counts multiply-adds of every
  // layer of G and D but D's output layer, times 6 (a forward and two backward products) per
  // row of the d_steps + 1 minibatches, penalties left out. Keeping it keeps every default
  // thread count (and so every default run's bits) as they were.
  double per_row = 0;
  for (const NetSpec* spec : {&c.g, &c.d})
    for (double macs : layer_row_macs(*spec, spec->layers.size() - (spec == &c.d ? 1 : 0))) per_row += macs;
  const double products = 6.0 * per_row * double(c.batch) * double(c.d_steps + 1);
  return products < 1e9 ? 1 : resolve_threads(0);
}

LossDefaults loss_defaults(const std::string& loss) {
  LossDefaults d;
  if (loss == gan_loss_name(GanLoss::wgan_gp)) {
    d.d_steps = 5;
    d.lr_g = d.lr_d = 1e-4;
    d.beta2 = 0.9;
  }
  return d;
}

}  // namespace gantool
