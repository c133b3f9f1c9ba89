// Turning a training run's options into a GanConfig.
#include "gan/train_options.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/error.hpp"

namespace gantool {

std::vector<int64_t> parse_widths(const std::string& text, const char* flag) {
  std::vector<int64_t> widths;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const long long w = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || w < 1 || w > 1000000)
      fail_usage("{} takes widths of at least 1 separated by commas, e.g. 128,128 (got '{}')", flag, text);
    widths.push_back(w);
  }
  if (widths.empty()) fail_usage("{} needs at least one hidden layer width", flag);
  return widths;
}

namespace {

OptimizerConfig optimizer_config(const TrainOptions& o, double lr) {
  OptimizerConfig c;
  c.kind = parse_optimizer_kind(o.optimizer);
  c.lr = lr;
  c.beta1 = o.beta1;
  c.beta2 = o.beta2;
  c.weight_decay = o.weight_decay;
  c.momentum = c.kind == OptimizerKind::sgd ? o.momentum : 0.0;
  return c;
}

}  // namespace

std::string resolved_arch(const TrainOptions& o, const std::vector<int64_t>& image) {
  if (o.arch != "auto") return o.arch;
  return image.empty() ? "mlp" : "dcgan";
}

GanConfig gan_config(const TrainOptions& o, int64_t data_dim, const std::vector<int64_t>& image) {
  const auto positive = [](double v, const char* flag) {
    if (!(v > 0 && std::isfinite(v))) fail_usage("{} must be positive (got {})", flag, v);
  };
  positive(o.lr_g, "--lr-g");
  positive(o.lr_d, "--lr-d");
  positive(o.clip, "--clip");
  if (!(o.beta1 >= 0 && o.beta1 < 1)) fail_usage("--beta1 must be in [0, 1) (got {})", o.beta1);
  if (!(o.beta2 >= 0 && o.beta2 < 1)) fail_usage("--beta2 must be in [0, 1) (got {})", o.beta2);
  if (!(o.momentum >= 0 && o.momentum < 1)) fail_usage("--momentum must be in [0, 1) (got {})", o.momentum);
  if (!(o.weight_decay >= 0)) fail_usage("--weight-decay must not be negative (got {})", o.weight_decay);
  if (!(o.gp_weight > 0 && std::isfinite(o.gp_weight))) fail_usage("--gp-weight must be positive (got {})", o.gp_weight);
  if (!(o.r1 >= 0 && std::isfinite(o.r1))) fail_usage("--r1 must be 0 (off) or positive (got {})", o.r1);
  if (o.z_dim < 1 || o.z_dim > 1000000) fail_usage("--z-dim must be between 1 and 1000000 (got {})", o.z_dim);
  if (o.d_steps < 1) fail_usage("--d-steps must be at least 1 (got {})", o.d_steps);
  if (o.batch < 1) fail_usage("--batch must be at least 1 (got {})", o.batch);
  if (o.pack < 1 || o.batch % o.pack != 0)
    fail_usage("--pack must divide --batch (got --pack {} --batch {})", o.pack, o.batch);
  GanConfig c;
  MlpFlags g, d;
  g.hidden = parse_widths(o.g_hidden, "--g-hidden");
  d.hidden = parse_widths(o.d_hidden, "--d-hidden");
  g.activation = parse_activation(o.g_activation, "--g-activation");
  g.alpha = static_cast<float>(o.g_alpha >= 0 ? o.g_alpha : default_alpha(g.activation));
  g.out_activation = parse_activation(o.g_output, "--g-output");
  d.activation = parse_activation(o.d_activation, "--d-activation");
  d.alpha = static_cast<float>(o.d_alpha >= 0 ? o.d_alpha : default_alpha(d.activation));
  if (resolved_arch(o, image) == "dcgan") {
    if (image.empty())
      fail_usage("--arch dcgan trains on images, and the data is rows of {} values; make an image dataset with "
                 "gantool prepare --from FILE-idx3-ubyte.gz or --from FOLDER/ of PNGs",
                 data_dim);
    GANTOOL_ASSERT(shape_size(image) == data_dim);
    c.g = dcgan_generator(o.z_dim, g.hidden, image, g.activation, g.alpha, g.out_activation, "--g-hidden");
    // PacGAN for images: D reads `pack` images stacked along the channels.
    c.d = dcgan_discriminator({o.pack * image[0], image[1], image[2]}, d.hidden, d.activation, d.alpha, "--d-hidden");
  } else {
    c.g = mlp_spec(o.z_dim, g, data_dim);
    c.d = mlp_spec(o.pack * data_dim, d, /*out=*/1);
  }
  c.init = parse_init(o.init, "--init");
  c.prior = parse_prior(o.prior, "--prior");
  c.loss = parse_gan_loss(o.loss);
  c.d_steps = o.d_steps;
  c.batch = o.batch;
  c.pack = o.pack;
  c.clip = static_cast<float>(o.clip);
  c.gp_weight = o.gp_weight;
  c.r1 = o.r1;
  if (!(o.ema >= 0 && o.ema < 1)) fail_usage("--ema must be in [0, 1) (got {})", o.ema);
  c.ema = o.ema;
  c.opt_g = optimizer_config(o, o.lr_g);
  c.opt_d = optimizer_config(o, o.lr_d);
  if (o.lr_decay != "linear" && o.lr_decay != "none")
    fail_usage("--lr-decay must be linear or none (got '{}')", o.lr_decay);
  return c;
}

}  // namespace gantool
