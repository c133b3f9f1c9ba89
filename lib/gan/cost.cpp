// Cost estimates of a GAN configuration and the defaults derived from them.
#include "gan/cost.hpp"

#include <vector>

#include "core/threads.hpp"

namespace gantool {

namespace {

// Multiply-adds × 2 of one row through layers in → widths... → out, without the first layer
// when skip_first.
double row_flops(int64_t in, const std::vector<int64_t>& widths, int64_t out, bool skip_first) {
  double flops = 0;
  bool first = true;
  for (int64_t w : widths) {
    if (!(first && skip_first)) flops += 2.0 * double(in) * double(w);
    first = false;
    in = w;
  }
  if (!(first && skip_first)) flops += 2.0 * double(in) * double(out);
  return flops;
}

}  // namespace

double step_flops(const GanConfig& c) {
  const double b = static_cast<double>(c.batch);
  const double g = row_flops(c.z_dim, c.g_hidden, c.data_dim, false);
  const double g1 = row_flops(c.z_dim, c.g_hidden, c.data_dim, true);
  const double d = row_flops(c.data_dim * c.pack, c.d_hidden, 1, false);
  const double d1 = row_flops(c.data_dim * c.pack, c.d_hidden, 1, true);
  const double k = static_cast<double>(c.d_steps);
  const double g_forward = (k + 1) * b * g;      // all fake minibatches at once
  const double d_update = 2 * b * (d + d + d1);  // D forward, weights, data (not the input)
  const double g_update = b * (d + d + g + g1);  // D forward and data; G weights and data
  // A penalty on P = batch/pack inputs: the input gradient (every layer's transposed product),
  // then per layer a weight product and (but for the last layer) a product; wgan_gp also
  // runs D forward on its interpolates. (Curvature's extra pass, not used here, is left out.)
  const double p = b / static_cast<double>(c.pack);
  const double last = 2.0 * double(c.d_hidden.empty() ? c.data_dim * c.pack : c.d_hidden.back());
  const double penalty = p * (d + d + d - last);
  const int penalties = (c.loss == GanLoss::wgan_gp) + (c.r1 > 0);
  const double interpolates = c.loss == GanLoss::wgan_gp ? p * d : 0;
  return g_forward + k * (d_update + penalties * penalty + interpolates) + g_update;
}

double training_bytes(const GanConfig& c) {
  double params = 0, act_g = double(c.z_dim), act_d = double(c.data_dim);
  double in = double(c.z_dim);
  for (int64_t w : c.g_hidden) params += (in + 1) * double(w), act_g += double(w), in = double(w);
  params += (in + 1) * double(c.data_dim);
  act_g += double(c.data_dim);
  in = double(c.data_dim * c.pack);
  for (int64_t w : c.d_hidden) params += (in + 1) * double(w), act_d += double(w), in = double(w);
  params += in + 1;
  const double batch = double(c.batch);
  const double floats = 6 * params + batch * (double(c.d_steps) * double(c.data_dim) + 4 * act_g + 3 * 4 * act_d);
  return 4 * floats;
}

int default_threads(const GanConfig& c) {
  return step_flops(c) < 1e9 ? 1 : resolve_threads(0);
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
