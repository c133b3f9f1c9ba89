// Model files in HDF5: writing and reading a Gan with its training state.
#include "io/model_file.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <utility>

#include <unistd.h>

#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/version.hpp"
#include "io/h5.hpp"
#include "io/schema_file.hpp"

namespace gantool {

const std::vector<std::string>& history_columns() {
  static const std::vector<std::string> names = {"step",   "loss_d",      "loss_g",      "d_real",
                                                 "d_fake", "grad_norm_d", "grad_norm_g", "seconds"};
  return names;
}

namespace {

// Ends every refusal of a model file's contents.
constexpr const char* kDamaged = "(damaged model file, or not written by gantool)";

// Bounds on stored sizes: a layer width, data dimension or noise dimension, a minibatch, and
// discriminator steps per generator step.
constexpr int64_t kMaxWidth = int64_t{1} << 24;
constexpr int64_t kMaxBatch = int64_t{1} << 24;
constexpr int64_t kMaxDSteps = 10000;
// The thread count a model may store (0: none stored).
constexpr int64_t kMaxThreads = 4096;

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
  // A number in [lo, hi] (in [lo, hi) when `open_top`).
  double number(const std::string& name, double lo, double hi, bool open_top = false) const {
    const double v = number(name);
    if (!(v >= lo && (open_top ? v < hi : v <= hi)))
      fail("{}: /config attribute '{}' holds {}, outside [{}, {}{} {}", what, name, v, lo, hi, open_top ? ")" : "]",
           kDamaged);
    return v;
  }
  // A positive finite number.
  double positive(const std::string& name) const {
    const double v = number(name);
    if (!(v > 0 && std::isfinite(v))) fail("{}: /config attribute '{}' holds {}, not a positive number {}", what, name, v, kDamaged);
    return v;
  }
  double finite(const std::string& name) const {
    const double v = number(name);
    if (!std::isfinite(v)) fail("{}: /config attribute '{}' holds {}, not a finite number {}", what, name, v, kDamaged);
    return v;
  }
  int64_t integer(const std::string& name, int64_t lo, int64_t hi) const {
    const double v = number(name);
    if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || v != std::floor(v))
      fail("{}: /config attribute '{}' holds {}, expected a whole number from {} to {} {}", what, name, v, lo, hi,
           kDamaged);
    return static_cast<int64_t>(v);
  }
  std::vector<int64_t> widths(const std::string& name) const {
    auto v = read_ints_attr(group, name);
    if (!v) fail("{}: /config has no attribute '{}' (damaged model file?)", what, name);
    for (int64_t w : *v)
      if (w < 1 || w > kMaxWidth)
        fail("{}: /config attribute '{}' holds a width of {}, expected 1 to {} {}", what, name, w, kMaxWidth, kDamaged);
    return *v;
  }
  OptimizerConfig optimizer(const std::string& who) const {
    OptimizerConfig o;
    o.kind = parse_optimizer_kind(text(who + "_optimizer"));
    o.lr = positive(who + "_lr");
    o.beta1 = number(who + "_beta1", 0, 1, /*open_top=*/true);
    o.beta2 = number(who + "_beta2", 0, 1, /*open_top=*/true);
    o.eps = positive(who + "_eps");
    o.weight_decay = number(who + "_weight_decay", 0, std::numeric_limits<double>::max());
    o.momentum = number(who + "_momentum", 0, 1, /*open_top=*/true);
    o.nesterov = integer(who + "_nesterov", 0, 1) != 0;
    o.decay_steps = integer(who + "_decay_steps", 0, int64_t{1} << 53);
    return o;
  }
};

GanConfig read_config(hid_t file, const std::string& what, std::string& text) {
  H5Id group = open_group(file, "/config", what);
  const ConfigReader r{group.get(), what};
  GanConfig c;
  c.z_dim = r.integer("z_dim", 1, kMaxWidth);
  c.data_dim = r.integer("data_dim", 1, kMaxWidth);
  c.g_hidden = r.widths("g_hidden");
  c.d_hidden = r.widths("d_hidden");
  c.g_activation = parse_activation(r.text("g_activation"), what);
  c.g_alpha = static_cast<float>(r.finite("g_alpha"));
  c.g_out_activation = parse_activation(r.text("g_out_activation"), what);
  c.d_activation = parse_activation(r.text("d_activation"), what);
  c.d_alpha = static_cast<float>(r.finite("d_alpha"));
  c.init = parse_init(r.text("init"), what);
  c.prior = parse_prior(r.text("prior"), what);
  c.loss = parse_gan_loss(r.text("loss"));
  c.d_steps = r.integer("d_steps", 1, kMaxDSteps);
  c.batch = r.integer("batch", 1, kMaxBatch);
  c.pack = r.integer("pack", 1, c.batch);
  if (c.batch % c.pack != 0)
    fail("{}: /config attribute 'pack' ({}) does not divide 'batch' ({}) {}", what, c.pack, c.batch, kDamaged);
  c.clip = static_cast<float>(r.positive("clip"));
  // Absent in files written before the penalties existed: those had none.
  c.gp_weight = read_number_attr(group.get(), "gp_weight") ? r.positive("gp_weight") : c.gp_weight;
  c.r1 = read_number_attr(group.get(), "r1") ? r.number("r1", 0, std::numeric_limits<double>::max()) : 0.0;
  c.ema = r.number("ema", 0, 1, /*open_top=*/true);
  c.opt_g = r.optimizer("g");
  c.opt_d = r.optimizer("d");
  text = r.text("options");
  // The noise buffer make_gan allocates: (d_steps + 1) · batch × z_dim floats.
  const double noise_bytes = static_cast<double>(c.d_steps + 1) * static_cast<double>(c.batch) *
                             static_cast<double>(c.z_dim) * sizeof(float);
  const double memory = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (memory > 0 && noise_bytes > memory)
    fail("{}: /config attributes 'batch', 'd_steps' and 'z_dim' ({}, {}, {}) need {:.1f} GB of noise, more than "
         "this machine has {}", what, c.batch, c.d_steps, c.z_dim, noise_bytes / 1e9, kDamaged);
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
    H5Id g = open_group(file, fmt::format("/{}/layer{}", name, l), what);
    read_floats(g.get(), "weights", layer.weights.data(), layer.out(), layer.in(), what);
    read_floats(g.get(), "bias", layer.bias.data(), layer.out(), 0, what);
  }
}

// The (in, out) of each layer of an MLP in → hidden → out.
std::vector<std::pair<int64_t, int64_t>> layer_sizes(int64_t in, const std::vector<int64_t>& hidden, int64_t out) {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  for (int64_t w : hidden) sizes.emplace_back(std::exchange(in, w), w);
  sizes.emplace_back(in, out);
  return sizes;
}

// Checks that every weights and bias dataset of network `name` (and of its optimizer state
// when `optimizer` is given) has the shape the configuration implies, before anything of
// that size is allocated.
void check_network_shapes(hid_t file, const std::string& name, const std::vector<std::pair<int64_t, int64_t>>& sizes,
                          const std::string& what) {
  for (size_t l = 0; l < sizes.size(); ++l) {
    const auto [in, out] = sizes[l];
    const std::string layer = fmt::format("/{}/layer{}", name, l);
    if (!h5_exists(file, layer)) fail("{}: {} is missing {}", what, layer, kDamaged);
    H5Id g = open_group(file, layer, what);
    for (const auto& [dataset, shape] : {std::pair{std::string("weights"), std::vector<int64_t>{out, in}},
                                         std::pair{std::string("bias"), std::vector<int64_t>{out}}}) {
      const std::vector<int64_t> stored = dataset_shape(g.get(), dataset, what);
      if (stored != shape)
        fail("{}: {}/{} has shape ({}), expected ({}) {}", what, layer, dataset, fmt::join(stored, ", "),
             fmt::join(shape, ", "), kDamaged);
    }
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

void read_optimizer_state(hid_t file, const std::string& name, OptimizerState& state, const Mlp& mlp,
                          const std::string& what) {
  H5Id group = open_group(file, "/" + name, what);
  const double step = read_number_attr(group.get(), "step").value_or(-1);
  if (!(step >= 0 && step < 9.2e18))
    fail("{}: /{} attribute 'step' is missing or holds {} {}", what, name, step, kDamaged);
  state.step = static_cast<int64_t>(step);
  for (size_t p = 0; p < state.m.size(); ++p) {
    const Linear& layer = mlp.layers[p / 2];
    const bool weights = p % 2 == 0;
    const int64_t rows = layer.out(), cols = weights ? layer.in() : 0;  // the parameter's shape
    H5Id g = open_group(group.get(), fmt::format("layer{}", p / 2), what);
    const std::string param = weights ? "weights" : "bias";
    read_floats(g.get(), param + "_m", state.m[p].data(), rows, cols, what);
    if (!state.v.empty()) read_floats(g.get(), param + "_v", state.v[p].data(), rows, cols, what);
  }
}

// ---- the training data's description ----------------------------------------------

void write_data_meta(hid_t file, const ModelMeta& meta) {
  H5Id group = create_group(file, "training_data");
  const hid_t g = group.get();
  write_attr(g, "source", meta.data_source);
  write_attr(g, "rows", meta.data_rows);
  write_schema(g, meta.schema, kModelSchema);
}

void read_data_meta(hid_t file, ModelMeta& meta, int64_t data_dim, const std::string& what) {
  H5Id group = open_group(file, "/training_data", what);
  const hid_t g = group.get();
  meta.data_source = read_string_attr(g, "source").value_or("");
  const double rows = read_number_attr(g, "rows").value_or(0);
  if (!(rows >= 0 && rows < 9.2e18))
    fail("{}: /training_data attribute 'rows' holds {} {}", what, rows, kDamaged);
  meta.data_rows = static_cast<int64_t>(rows);
  meta.schema = read_schema(g, data_dim, kModelSchema, what);
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
    close_h5(file);
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
  // Every stored array has the shape the configuration implies: checked before make_gan
  // allocates networks of the configuration's (possibly damaged) sizes.
  const auto g_sizes = layer_sizes(config.z_dim, config.g_hidden, config.data_dim);
  const auto d_sizes = layer_sizes(config.pack * config.data_dim, config.d_hidden, 1);
  check_network_shapes(f, "generator", g_sizes, path);
  check_network_shapes(f, "generator_ema", g_sizes, path);
  check_network_shapes(f, "discriminator", d_sizes, path);
  Gan gan = make_gan(config, /*seed=*/0);  // the shapes; every value is then read
  read_network(f, "generator", gan.g, path);
  read_network(f, "generator_ema", gan.g_ema, path);
  read_network(f, "discriminator", gan.d, path);
  read_optimizer_state(f, "optimizer/generator", gan.opt_state_g, gan.g, path);
  read_optimizer_state(f, "optimizer/discriminator", gan.opt_state_d, gan.d, path);
  H5Id state = open_group(f, "/state", path);
  const auto counter = [&](const char* name) {
    auto v = read_uint_attr(state.get(), name);
    if (!v) fail("{}: /state has no '{}' {}", path, name, kDamaged);
    return *v;
  };
  // A count that is used as an int64_t.
  const auto count = [&](const char* name) {
    const uint64_t value = counter(name);
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail("{}: /state attribute '{}' holds {} {}", path, name, value, kDamaged);
    return static_cast<int64_t>(value);
  };
  gan.noise_rng = Rng{counter("noise_key"), counter("noise_stream"), counter("noise_counter")};

  meta.version = read_string_attr(f, "gantool_version").value_or("");
  meta.command = read_string_attr(f, "command").value_or("");
  meta.config_text = text;
  meta.seed = read_uint_attr(f, "seed").value_or(0);
  const auto steps = [&](const char* name) {
    const double v = read_number_attr(f, name).value_or(0);
    if (!(v >= 0 && v < 9.2e18) || v != std::floor(v))
      fail("{}: root attribute '{}' holds {}, not a step count {}", path, name, v, kDamaged);
    return static_cast<int64_t>(v);
  };
  meta.steps_done = steps("steps_done");
  meta.steps_total = steps("steps_total");
  if (meta.steps_done > meta.steps_total)
    fail("{}: root attribute 'steps_done' holds {}, more than 'steps_total' ({}) {}", path, meta.steps_done,
         meta.steps_total, kDamaged);
  meta.seconds = read_number_attr(f, "seconds").value_or(0);
  meta.epoch = count("data_epoch");
  meta.position = count("data_position");
  const double stored_threads = read_number_attr(state.get(), "threads").value_or(0);
  if (!(stored_threads >= 0 && stored_threads <= kMaxThreads) || stored_threads != std::floor(stored_threads))
    fail("{}: /state attribute 'threads' holds {}, expected 0 to {} {}", path, stored_threads, kMaxThreads, kDamaged);
  if (threads) *threads = static_cast<int64_t>(stored_threads);
  read_data_meta(f, meta, config.data_dim, path);
  if (meta.position > meta.data_rows)
    fail("{}: /state attribute 'data_position' holds {}, past the {} rows of the training data {}", path,
         meta.position, meta.data_rows, kDamaged);
  int64_t rows = 0, cols = 0;
  meta.history = read_doubles(f, "history", rows, cols, path);
  if (rows > 0 && cols != static_cast<int64_t>(history_columns().size()))
    fail("{}: /history has {} columns, expected {} {}", path, cols, history_columns().size(), kDamaged);
  return gan;
}

}  // namespace gantool
