// Model files in HDF5: writing and reading a Gan with its training state.
#include "io/model_file.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/version.hpp"
#include "io/h5.hpp"

namespace gantool {

const std::vector<std::string>& history_columns() {
  static const std::vector<std::string> names = {"step",   "loss_d",      "loss_g",      "d_real",
                                                 "d_fake", "grad_norm_d", "grad_norm_g", "seconds"};
  return names;
}

namespace {

// ---- the configuration, one attribute per field of GanConfig ------------------

void write_optimizer_config(hid_t group, const std::string& who, const OptimizerConfig& o) {
  write_attr(group, who + "_optimizer", std::string(optimizer_kind_name(o.kind)));
  write_attr(group, who + "_lr", o.lr);
  write_attr(group, who + "_beta1", o.beta1);
  write_attr(group, who + "_beta2", o.beta2);
  write_attr(group, who + "_eps", o.eps);
  write_attr(group, who + "_weight_decay", o.weight_decay);
  write_attr(group, who + "_momentum", o.momentum);
  write_attr(group, who + "_nesterov", int64_t{o.nesterov});
  write_attr(group, who + "_decay_steps", o.decay_steps);
}

void write_config(hid_t file, const GanConfig& c, const std::string& text) {
  H5Id group = create_group(file, "config");
  const hid_t g = group.get();
  write_attr(g, "z_dim", c.z_dim);
  write_attr(g, "data_dim", c.data_dim);
  write_attr(g, "g_hidden", c.g_hidden);
  write_attr(g, "d_hidden", c.d_hidden);
  write_attr(g, "g_activation", std::string(activation_name(c.g_activation)));
  write_attr(g, "g_alpha", double{c.g_alpha});
  write_attr(g, "g_out_activation", std::string(activation_name(c.g_out_activation)));
  write_attr(g, "d_activation", std::string(activation_name(c.d_activation)));
  write_attr(g, "d_alpha", double{c.d_alpha});
  write_attr(g, "init", std::string(init_name(c.init)));
  write_attr(g, "prior", std::string(prior_name(c.prior)));
  write_attr(g, "loss", std::string(gan_loss_name(c.loss)));
  write_attr(g, "d_steps", c.d_steps);
  write_attr(g, "batch", c.batch);
  write_attr(g, "pack", c.pack);
  write_attr(g, "clip", double{c.clip});
  write_attr(g, "gp_weight", c.gp_weight);
  write_attr(g, "r1", c.r1);
  write_attr(g, "ema", c.ema);
  write_optimizer_config(g, "g", c.opt_g);
  write_optimizer_config(g, "d", c.opt_d);
  write_attr(g, "options", text);
}

// Reads one attribute or fails naming the file: a model needs every field.
struct ConfigReader {
  hid_t group;
  std::string what;
  std::string text(const std::string& name) const {
    auto v = read_string_attr(group, name);
    if (!v) fail("{}: /config has no attribute '{}' (damaged model file?)", what, name);
    return *v;
  }
  double number(const std::string& name) const {
    auto v = read_number_attr(group, name);
    if (!v) fail("{}: /config has no attribute '{}' (damaged model file?)", what, name);
    return *v;
  }
  int64_t integer(const std::string& name) const { return static_cast<int64_t>(number(name)); }
  std::vector<int64_t> integers(const std::string& name) const {
    auto v = read_ints_attr(group, name);
    if (!v) fail("{}: /config has no attribute '{}' (damaged model file?)", what, name);
    return *v;
  }
  OptimizerConfig optimizer(const std::string& who) const {
    OptimizerConfig o;
    o.kind = parse_optimizer_kind(text(who + "_optimizer"));
    o.lr = number(who + "_lr");
    o.beta1 = number(who + "_beta1");
    o.beta2 = number(who + "_beta2");
    o.eps = number(who + "_eps");
    o.weight_decay = number(who + "_weight_decay");
    o.momentum = number(who + "_momentum");
    o.nesterov = integer(who + "_nesterov") != 0;
    o.decay_steps = integer(who + "_decay_steps");
    return o;
  }
};

GanConfig read_config(hid_t file, const std::string& what, std::string& text) {
  H5Id group = open_group(file, "/config", what);
  const ConfigReader r{group.get(), what};
  GanConfig c;
  c.z_dim = r.integer("z_dim");
  c.data_dim = r.integer("data_dim");
  c.g_hidden = r.integers("g_hidden");
  c.d_hidden = r.integers("d_hidden");
  c.g_activation = parse_activation(r.text("g_activation"), what);
  c.g_alpha = static_cast<float>(r.number("g_alpha"));
  c.g_out_activation = parse_activation(r.text("g_out_activation"), what);
  c.d_activation = parse_activation(r.text("d_activation"), what);
  c.d_alpha = static_cast<float>(r.number("d_alpha"));
  c.init = parse_init(r.text("init"), what);
  c.prior = parse_prior(r.text("prior"), what);
  c.loss = parse_gan_loss(r.text("loss"));
  c.d_steps = r.integer("d_steps");
  c.batch = r.integer("batch");
  c.pack = r.integer("pack");
  c.clip = static_cast<float>(r.number("clip"));
  // Absent in files written before the penalties existed: those had none.
  c.gp_weight = read_number_attr(group.get(), "gp_weight").value_or(c.gp_weight);
  c.r1 = read_number_attr(group.get(), "r1").value_or(0.0);
  c.ema = r.number("ema");
  c.opt_g = r.optimizer("g");
  c.opt_d = r.optimizer("d");
  text = r.text("options");
  if (c.z_dim < 1 || c.data_dim < 1 || c.batch < 1 || c.d_steps < 1 || c.pack < 1 || c.batch % c.pack != 0 ||
      !(c.gp_weight > 0) || !(c.r1 >= 0))
    fail("{}: /config holds an impossible configuration (damaged model file?)", what);
  return c;
}

// ---- networks and optimizer states ----------------------------------------------

void write_network(hid_t file, const std::string& name, const Mlp& mlp) {
  H5Id group = create_group(file, name);
  for (size_t l = 0; l < mlp.layers.size(); ++l) {
    const Linear& layer = mlp.layers[l];
    H5Id g = create_group(group.get(), fmt::format("layer{}", l));
    write_attr(g.get(), "in", layer.in());
    write_attr(g.get(), "out", layer.out());
    write_attr(g.get(), "activation", std::string(activation_name(layer.activation)));
    write_attr(g.get(), "alpha", double{layer.alpha});
    write_floats(g.get(), "weights", layer.weights.data(), layer.out(), layer.in());
    write_floats(g.get(), "bias", layer.bias.data(), layer.out());
  }
}

void read_network(hid_t file, const std::string& name, Mlp& mlp, const std::string& what) {
  for (size_t l = 0; l < mlp.layers.size(); ++l) {
    Linear& layer = mlp.layers[l];
    const std::string path = fmt::format("/{}/layer{}", name, l);
    H5Id g = open_group(file, path, what);
    read_floats(g.get(), "weights", layer.weights.data(), layer.weights.size(), what + ":" + path);
    read_floats(g.get(), "bias", layer.bias.data(), layer.bias.size(), what + ":" + path);
  }
}

// Adam's moments (m, v) or SGD's momentum buffers (m), named after the parameter they
// belong to: layer0/weights_m, layer0/bias_m, ...
void write_optimizer_state(hid_t file, const std::string& name, const OptimizerState& state, const Mlp& mlp) {
  H5Id group = create_group(file, name);
  write_attr(group.get(), "step", state.step);
  for (size_t l = 0; l < mlp.layers.size(); ++l) {
    H5Id g = create_group(group.get(), fmt::format("layer{}", l));
    const Linear& layer = mlp.layers[l];
    const size_t w = 2 * l, b = 2 * l + 1;  // params() order: weights, bias per layer
    write_floats(g.get(), "weights_m", state.m[w].data(), layer.out(), layer.in());
    write_floats(g.get(), "bias_m", state.m[b].data(), layer.out());
    if (!state.v.empty()) {
      write_floats(g.get(), "weights_v", state.v[w].data(), layer.out(), layer.in());
      write_floats(g.get(), "bias_v", state.v[b].data(), layer.out());
    }
  }
}

void read_optimizer_state(hid_t file, const std::string& name, OptimizerState& state, const std::string& what) {
  H5Id group = open_group(file, "/" + name, what);
  state.step = static_cast<int64_t>(read_number_attr(group.get(), "step").value_or(-1));
  if (state.step < 0) fail("{}: /{} has no step count (damaged model file?)", what, name);
  for (size_t p = 0; p < state.m.size(); ++p) {
    const std::string layer = fmt::format("layer{}", p / 2), param = p % 2 == 0 ? "weights" : "bias";
    H5Id g = open_group(group.get(), layer, what);
    const std::string where = fmt::format("{}:/{}/{}", what, name, layer);
    read_floats(g.get(), param + "_m", state.m[p].data(), static_cast<int64_t>(state.m[p].size()), where);
    if (!state.v.empty())
      read_floats(g.get(), param + "_v", state.v[p].data(), static_cast<int64_t>(state.v[p].size()), where);
  }
}

// ---- the training data's description ----------------------------------------------

void write_data_meta(hid_t file, const ModelMeta& meta) {
  H5Id group = create_group(file, "training_data");
  const hid_t g = group.get();
  write_attr(g, "source", meta.data_source);
  write_attr(g, "rows", meta.data_rows);
  write_attr(g, "columns", meta.columns);
  write_attr(g, "normalization", meta.normalization.method);
  if (meta.normalization.method != "none") {
    const int64_t n = static_cast<int64_t>(meta.normalization.shift.size());
    write_doubles(g, "shift", meta.normalization.shift, n);
    write_doubles(g, "scale", meta.normalization.scale, n);
  }
  if (!meta.distribution.empty()) {
    write_attr(g, "distribution", meta.distribution);
    write_attr(g, "mode_std", meta.mode_std);
    if (!meta.modes.empty())
      write_floats(g, "modes", meta.modes.data(), meta.modes.rows(), meta.modes.cols());
  }
}

void read_data_meta(hid_t file, ModelMeta& meta, int64_t data_dim, const std::string& what) {
  H5Id group = open_group(file, "/training_data", what);
  const hid_t g = group.get();
  meta.data_source = read_string_attr(g, "source").value_or("");
  meta.data_rows = static_cast<int64_t>(read_number_attr(g, "rows").value_or(0));
  meta.columns = read_strings_attr(g, "columns").value_or(std::vector<std::string>{});
  if (static_cast<int64_t>(meta.columns.size()) != data_dim)
    fail("{}: /training_data names {} columns for {} generated values", what, meta.columns.size(), data_dim);
  meta.normalization.method = read_string_attr(g, "normalization").value_or("none");
  if (meta.normalization.method != "none") {
    int64_t rows = 0, cols = 0;
    meta.normalization.shift = read_doubles(g, "shift", rows, cols);
    meta.normalization.scale = read_doubles(g, "scale", rows, cols);
    if (static_cast<int64_t>(meta.normalization.shift.size()) != data_dim ||
        static_cast<int64_t>(meta.normalization.scale.size()) != data_dim)
      fail("{}: /training_data normalization does not match {} columns", what, data_dim);
  }
  meta.distribution = read_string_attr(g, "distribution").value_or("");
  meta.mode_std = read_number_attr(g, "mode_std").value_or(0);
  if (h5_exists(g, "modes")) {
    int64_t k = 0, d = 0;
    const std::vector<double> modes = read_doubles(g, "modes", k, d);
    meta.modes = Tensor(k, d);
    for (int64_t i = 0; i < k * d; ++i) meta.modes.data()[i] = static_cast<float>(modes[static_cast<size_t>(i)]);
  }
}

}  // namespace

void write_model(const std::string& path, const Gan& gan, const ModelMeta& meta, int64_t threads) {
  TempFile temp(path);
  {
    H5Id file = create_h5(temp.path(), temp.target());
    const hid_t f = file.get();
    write_attr(f, "format", std::string(kModelFormat));
    write_attr(f, "format_version", kModelFormatVersion);
    write_attr(f, "gantool_version", std::string(version()));
    write_attr(f, "command", meta.command);
    write_attr(f, "seed", meta.seed);
    write_attr(f, "steps_done", meta.steps_done);
    write_attr(f, "steps_total", meta.steps_total);
    write_attr(f, "seconds", meta.seconds);
    write_config(f, gan.config, meta.config_text);
    write_network(f, "generator", gan.g);
    write_network(f, "generator_ema", gan.g_ema);
    write_network(f, "discriminator", gan.d);
    H5Id optimizer = create_group(f, "optimizer");
    write_optimizer_state(optimizer.get(), "generator", gan.opt_state_g, gan.g);
    write_optimizer_state(optimizer.get(), "discriminator", gan.opt_state_d, gan.d);
    H5Id state = create_group(f, "state");
    write_attr(state.get(), "noise_key", gan.noise_rng.key);
    write_attr(state.get(), "noise_stream", gan.noise_rng.stream);
    write_attr(state.get(), "noise_counter", gan.noise_rng.counter);
    write_attr(state.get(), "data_epoch", meta.epoch);
    write_attr(state.get(), "data_position", meta.position);
    write_attr(state.get(), "threads", threads);
    write_data_meta(f, meta);
    const int64_t cols = static_cast<int64_t>(history_columns().size());
    write_doubles(f, "history", meta.history, static_cast<int64_t>(meta.history.size()) / cols, cols);
    H5Id table = open_dataset(f, "history", path);
    write_attr(table.get(), "columns", history_columns());
    table.reset();
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0) fail("{}: cannot write (disk full?)", path);
  }
  temp.commit();
}

bool is_model_file(const std::string& path) {
  init_hdf5();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || H5Fis_hdf5(path.c_str()) <= 0) return false;
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  return file && read_string_attr(file.get(), "format").value_or("") == kModelFormat;
}

Gan read_model(const std::string& path, ModelMeta& meta, int64_t* threads) {
  H5Id file = open_h5_read(path);
  const hid_t f = file.get();
  if (read_string_attr(f, "format").value_or("") != kModelFormat)
    fail("{}: not a gantool model file (make one with 'gantool train')", path);
  const int64_t format_version = static_cast<int64_t>(read_number_attr(f, "format_version").value_or(-1));
  if (format_version != kModelFormatVersion)
    fail("{}: model format version {} is not supported by gantool {} (it reads version {})", path,
         format_version, version(), kModelFormatVersion);

  std::string text;
  GanConfig config;
  try {
    config = read_config(f, path, text);
  } catch (const UsageError& e) {  // a stored value no parser knows: not the user's flags
    fail("{}: /config holds a value this gantool does not know ({}); damaged or newer model file?", path, e.what());
  }
  for (int64_t w : config.g_hidden)
    if (w < 1) fail("{}: /config holds a hidden width of {} (damaged model file?)", path, w);
  for (int64_t w : config.d_hidden)
    if (w < 1) fail("{}: /config holds a hidden width of {} (damaged model file?)", path, w);
  Gan gan = make_gan(config, /*seed=*/0);  // the shapes; every value is then read
  read_network(f, "generator", gan.g, path);
  read_network(f, "generator_ema", gan.g_ema, path);
  read_network(f, "discriminator", gan.d, path);
  read_optimizer_state(f, "optimizer/generator", gan.opt_state_g, path);
  read_optimizer_state(f, "optimizer/discriminator", gan.opt_state_d, path);
  H5Id state = open_group(f, "/state", path);
  const auto counter = [&](const char* name) {
    auto v = read_uint_attr(state.get(), name);
    if (!v) fail("{}: /state has no '{}' (damaged model file?)", path, name);
    return *v;
  };
  gan.noise_rng = Rng{counter("noise_key"), counter("noise_stream"), counter("noise_counter")};

  meta.version = read_string_attr(f, "gantool_version").value_or("");
  meta.command = read_string_attr(f, "command").value_or("");
  meta.config_text = text;
  meta.seed = read_uint_attr(f, "seed").value_or(0);
  meta.steps_done = static_cast<int64_t>(read_number_attr(f, "steps_done").value_or(0));
  meta.steps_total = static_cast<int64_t>(read_number_attr(f, "steps_total").value_or(0));
  meta.seconds = read_number_attr(f, "seconds").value_or(0);
  meta.epoch = static_cast<int64_t>(counter("data_epoch"));
  meta.position = static_cast<int64_t>(counter("data_position"));
  if (threads) *threads = static_cast<int64_t>(read_number_attr(state.get(), "threads").value_or(0));
  read_data_meta(f, meta, config.data_dim, path);
  int64_t rows = 0, cols = 0;
  meta.history = read_doubles(f, "history", rows, cols);
  if (rows > 0 && cols != static_cast<int64_t>(history_columns().size()))
    fail("{}: /history has {} columns, expected {}", path, cols, history_columns().size());
  return gan;
}

}  // namespace gantool
