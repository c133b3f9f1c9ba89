// The options of a training run as a person gives them (flags, a --config file), and the
// GanConfig they define, checked value by value with errors that name the flag.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gan/gan.hpp"

namespace gantool {

// The settings of a training run, as gantool train's flags give them (the names follow the
// flags: lr_g is --lr-g); unparsed, so that a configuration file or another front end can
// fill them the same way.
struct TrainOptions {
  std::string data, model, resume;
  int64_t steps = 20000;  // total iterations (with --resume: including those already done)
  int64_t epochs = 300;   // with --epochs, or the tabular model without --steps: passes over the data
  std::string arch = "auto";  // auto | mlp | dcgan | tabular
  uint64_t seed = 1;
  int threads = 0;
  // The game.
  std::string loss = "nonsaturating";
  int64_t d_steps = 1;
  int64_t pack = 1;
  std::string prior = "normal";
  int64_t z_dim = 2;
  double clip = 0.01;
  double gp_weight = 10, r1 = 0;
  double ema = 0.999;
  // The networks.
  std::string g_hidden = "128,128,128", d_hidden = "256,256";
  double d_dropout = 0;  // the tabular model's D: dropout after each hidden layer
  std::string g_blocks = "plain";  // the tabular model's G: plain | residual
  std::string g_activation = "relu", d_activation = "leaky_relu", g_output = "identity";
  double g_alpha = -1, d_alpha = -1;  // <0: the activation's default
  std::string init = "pytorch";
  // The optimizers.
  std::string optimizer = "adam";
  double lr_g = 2e-4, lr_d = 2e-4, beta1 = 0.5, beta2 = 0.999, momentum = 0.9, weight_decay = 0;
  int64_t batch = 256;
  std::string normalize = "auto";
  std::string lr_decay = "none";
  // Output.
  int64_t checkpoint_every = 0;
  int64_t snapshot_every = -1;  // -1: as the resumed model did (none for a new one)
  int64_t log_every = 500;
  std::string log;
  bool quiet = false;
  bool print_config = false;
};

// The hidden widths in `text` ("128,128"); throws UsageError naming `flag` unless they are
// integers from 1 to 1000000 separated by commas.
std::vector<int64_t> parse_widths(const std::string& text, const char* flag);

// The game the options define for data of data_dim columns, images of shape `image` (C, H,
// W) when not empty: an MLP GAN, or with arch dcgan (auto: for images) DCGAN's networks
// (nn/net_spec.hpp, dcgan_generator), --g-hidden and --d-hidden giving their channels per
// stage. Throws UsageError naming the first flag whose value is impossible.
GanConfig gan_config(const TrainOptions& o, int64_t data_dim, const std::vector<int64_t>& image = {});

// The architecture a new run trains: o.arch, or for auto "dcgan" on images and "mlp"
// otherwise (typed tables are decided before: the tabular model).
std::string resolved_arch(const TrainOptions& o, const std::vector<int64_t>& image);

}  // namespace gantool
