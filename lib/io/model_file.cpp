// Model files in HDF5: writing and reading a Gan with its training state.
#include "io/model_file.hpp"
#include "io/net_group.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <utility>


#include "core/error.hpp"
#include "core/threads.hpp"
#include "core/tempfile.hpp"
#include "core/version.hpp"
#include "io/h5.hpp"
#include "io/tabular_file.hpp"
#include "io/schema_file.hpp"

namespace gantool {

const std::vector<std::string>& history_columns() {
  static const std::vector<std::string> names = {"step",        "loss_d",      "loss_g",  "d_real", "d_fake",
                                                 "penalty",     "grad_norm_d", "grad_norm_g", "seconds"};
  return names;
}

namespace {

// Ends every refusal of a model file's contents.
constexpr const char* kDamaged = "(damaged model file, or not written by gantool)";

// Bounds on stored sizes (widths: nn/net_spec.hpp's kMaxWidth): a minibatch, and
// discriminator steps per generator step.
constexpr int64_t kMaxBatch = int64_t{1} << 24;
constexpr int64_t kMaxDSteps = 10000;
// The thread count a model may store (0: none stored).
constexpr int64_t kMaxThreads = 4096;

// ---- the configuration, one attribute per field of GanConfig ------------------
// Version 2 stores each network as its spec's text (g_net, d_net); version 1 stored the
// MLP's fields (z_dim, data_dim, g_hidden, d_hidden, g_activation, ...), still read.

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
  write_attr(g, "g_net", format_net_spec(c.g));
  write_attr(g, "d_net", format_net_spec(c.d));
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
  if (c.cond_dim > 0) write_attr(g, "cond_dim", c.cond_dim);
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

// Version 1's MLP fields, as the specs they describe.
void read_v1_networks(const ConfigReader& r, GanConfig& c, int64_t pack) {
  const int64_t z_dim = r.integer("z_dim", 1, kMaxWidth), data_dim = r.integer("data_dim", 1, kMaxWidth);
  MlpFlags g, d;
  g.hidden = r.widths("g_hidden");
  d.hidden = r.widths("d_hidden");
  g.activation = parse_activation(r.text("g_activation"), "/config attribute 'g_activation'");
  g.alpha = static_cast<float>(r.finite("g_alpha"));
  g.out_activation = parse_activation(r.text("g_out_activation"), "/config attribute 'g_out_activation'");
  d.activation = parse_activation(r.text("d_activation"), "/config attribute 'd_activation'");
  d.alpha = static_cast<float>(r.finite("d_alpha"));
  if (static_cast<double>(pack) * static_cast<double>(data_dim) > static_cast<double>(kMaxWidth))
    fail("{}: /config attributes 'pack' and 'data_dim' ({} × {}) are too large {}", r.what, pack, data_dim, kDamaged);
  c.g = mlp_spec(z_dim, g, data_dim);
  c.d = mlp_spec(pack * data_dim, d, 1);
}

GanConfig read_config(hid_t file, const std::string& what, int64_t format_version, std::string& text) {
  H5Id group = open_group(file, "/config", what);
  const ConfigReader r{group.get(), what};
  GanConfig c;
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
  if (read_number_attr(group.get(), "cond_dim")) c.cond_dim = r.integer("cond_dim", 1, kMaxWidth);
  c.opt_g = r.optimizer("g");
  c.opt_d = r.optimizer("d");
  text = r.text("options");
  // The networks: version 1's MLP fields (checked as read), or version 2's spec texts.
  const bool v1 = format_version == 1;
  if (v1) read_v1_networks(r, c, c.pack);
  const std::string g_net = v1 ? "" : r.text("g_net"), d_net = v1 ? "" : r.text("d_net");
  try {
    if (!v1) {
      c.g = parse_net_spec(g_net, what + ": /config attribute 'g_net'");
      c.d = parse_net_spec(d_net, what + ": /config attribute 'd_net'");
    }
    check_gan_config(c, what + (v1 ? ": /config" : ": /config attributes 'g_net' and 'd_net'"));
  } catch (const Error& e) {
    fail("{} {}", e.what(), kDamaged);
  }
  // The noise buffer make_gan allocates: (d_steps + 1) · batch × z_dim floats.
  const double noise_bytes = static_cast<double>(c.d_steps + 1) * static_cast<double>(c.batch) *
                             static_cast<double>(c.z_dim()) * sizeof(float);
  const double memory = physical_memory();
  if (memory > 0 && noise_bytes > memory)
    fail("{}: /config attributes 'batch', 'd_steps' and 'z_dim' ({}, {}, {}) need {:.1f} GB of noise, more than "
         "this machine has {}", what, c.batch, c.d_steps, c.z_dim(), noise_bytes / 1e9, kDamaged);
  return c;
}

// ---- networks and optimizer states ----------------------------------------------
// A net's group holds one dataset per view of its parameter block, at the view's name
// (layer0/weights (out, in), layer0/bias (out), ...). An optimizer's group holds its step
// and its moments by the same names: m/layer0/weights, v/layer0/weights (Adam) or m/...
// (SGD's momentum). Version 1 named the moments layer0/weights_m, layer0/weights_v.

// Where a file keeps the values of view `name`: prefix + name + suffix. A net's
// parameters: {"", ""}; a moment ("m" or "v") in version 2: {"m/", ""}, in version 1:
// {"", "_m"}.
struct ViewPaths {
  std::string prefix, suffix;
  std::string operator()(const std::string& name) const { return prefix + name + suffix; }
};

ViewPaths moment_paths(int64_t format_version, const std::string& moment) {
  return format_version == 1 ? ViewPaths{"", "_" + moment} : ViewPaths{moment + "/", ""};
}

// Writes values (the block's layout) at each view's path under `group`, making the groups
// the paths pass through.
void write_views(hid_t group, const ParamBlock& block, const float* values, const ViewPaths& paths) {
  for (const ParamView& v : block.views) {
    const std::string path = paths(v.name);
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      if (!h5_exists(group, path.substr(0, slash))) create_group(group, path.substr(0, slash));
    write_floats(group, path, values + v.offset, v.shape);
  }
}

// Checks that every view is stored under `group` at its path with its shape.
void check_views(hid_t group, const std::vector<ParamView>& views, const ViewPaths& paths, const std::string& what) {
  for (const ParamView& v : views) {
    const std::string name = paths(v.name);
    if (!h5_exists(group, name)) fail("{}: {} is missing {}", what, object_path(group, name), kDamaged);
    const std::vector<int64_t> stored = dataset_shape(group, name, what);
    if (stored != v.shape)
      fail("{}: {} has shape ({}), expected ({}) {}", what, object_path(group, name), fmt::join(stored, ", "),
           fmt::join(v.shape, ", "), kDamaged);
  }
}

// Reads every view from its path under `group` into values (the block's layout); checks
// them as read_floats does (shape, float type, finite values).
void read_views(hid_t group, const ParamBlock& block, float* values, const ViewPaths& paths, const std::string& what) {
  for (const ParamView& v : block.views) read_floats(group, paths(v.name), values + v.offset, v.shape, what);
}

// Before make_gan allocates nets of the configuration's (possibly damaged) sizes: every
// parameter of G, its average and D is stored with the shape the configuration implies, and
// the nets with their gradients and moments fit in this machine's memory.
void check_stored_sizes(hid_t file, const GanConfig& config, const std::string& what) {
  double floats = 0;
  for (const char* name : {"generator", "generator_ema", "discriminator"}) {
    const NetSpec& spec = std::string(name) == "discriminator" ? config.d : config.g;
    const std::vector<ParamView> views = param_views(spec);
    H5Id group = open_group(file, std::string("/") + name, what);
    check_views(group.get(), views, ViewPaths{}, what);
    check_views(group.get(), state_views(spec), ViewPaths{}, what);
    floats += 5.0 * static_cast<double>(views.back().offset + views.back().size);
  }
  const double memory = physical_memory();
  if (memory > 0 && floats * sizeof(float) > memory)
    fail("{}: its networks need {:.1f} GB, more than this machine has {}", what, floats * sizeof(float) / 1e9,
         kDamaged);
}

}  // namespace

void write_network(hid_t file, const std::string& name, const Net& net) {
  H5Id group = create_group(file, name);
  write_views(group.get(), net.params, net.params.values.data(), ViewPaths{});
  write_views(group.get(), net.state, net.state.values.data(), ViewPaths{});  // batch norm's running statistics
}

void write_optimizer_state(hid_t file, const std::string& name, const OptimizerState& state, const Net& net) {
  H5Id group = create_group(file, name);
  write_attr(group.get(), "step", state.step);
  write_views(group.get(), net.params, state.m.front().data(), moment_paths(kModelFormatVersion, "m"));
  if (!state.v.empty()) write_views(group.get(), net.params, state.v.front().data(), moment_paths(kModelFormatVersion, "v"));
}

// Checks the shapes of a net's views and of its optimizer's moments, then reads them.
void read_network(hid_t file, const std::string& name, Net& net, OptimizerState* state, int64_t version,
                  const std::string& what) {
  H5Id group = open_group(file, "/" + name, what);
  check_views(group.get(), net.params.views, ViewPaths{}, what);
  read_views(group.get(), net.params, net.params.values.data(), ViewPaths{}, what);
  check_views(group.get(), net.state.views, ViewPaths{}, what);
  read_views(group.get(), net.state, net.state.values.data(), ViewPaths{}, what);
  for (const ParamView& v : net.state.views)  // a variance is not negative
    if (v.name.ends_with("bn_var"))
      for (int64_t i = 0; i < v.size; ++i)
        if (net.state.value(v)[i] < 0)
          fail("{}: /{}/{} holds a negative variance {}", what, name, v.name, kDamaged);
  if (!state) return;
  H5Id opt = open_group(file, "/optimizer/" + name, what);
  const double step = read_number_attr(opt.get(), "step").value_or(-1);
  if (!(step >= 0 && step < 9.2e18))
    fail("{}: /optimizer/{} attribute 'step' is missing or holds {} {}", what, name, step, kDamaged);
  state->step = static_cast<int64_t>(step);
  for (size_t i = 0; i < (state->v.empty() ? 1 : 2); ++i) {
    const std::string moment = i == 0 ? "m" : "v";
    const ViewPaths paths = moment_paths(version, moment);
    check_views(opt.get(), net.params.views, paths, what);
    read_views(opt.get(), net.params, (i == 0 ? state->m : state->v).front().data(), paths, what);
  }
}

namespace {

// ---- the history and the snapshots ---------------------------------------------

// The history table, its columns found by name (files before the penalty column get NaN
// there).
std::vector<double> read_history(hid_t file, const std::string& what) {
  int64_t rows = 0, cols = 0;
  std::vector<double> stored = read_doubles(file, "history", rows, cols, what);
  if (rows == 0) return {};
  H5Id table = open_dataset(file, "history", what);
  const std::vector<std::string> names = read_strings_attr(table.get(), "columns").value_or(std::vector<std::string>{});
  const std::vector<std::string>& want = history_columns();
  if (static_cast<int64_t>(names.size()) != cols)
    fail("{}: /history has {} columns but its attribute 'columns' names {} {}", what, cols, names.size(), kDamaged);
  std::vector<double> history(static_cast<size_t>(rows) * want.size(), NAN);
  for (size_t j = 0; j < want.size(); ++j) {
    const auto at = std::find(names.begin(), names.end(), want[j]);
    if (at == names.end()) {
      if (want[j] == "penalty") continue;  // files from before the column have NaN there
      fail("{}: /history has no column '{}' {}", what, want[j], kDamaged);
    }
    const size_t from = static_cast<size_t>(at - names.begin());
    for (int64_t r = 0; r < rows; ++r) history[r * want.size() + j] = stored[r * cols + from];
  }
  return history;
}

void write_snapshots(hid_t file, const ModelMeta& meta, const Gan& gan) {
  const std::vector<Snapshot>& snapshots = meta.snapshots;
  H5Id group = create_group(file, "snapshots");
  const hid_t g = group.get();
  write_attr(g, "every", meta.snapshot_every);
  std::vector<int64_t> steps;
  std::vector<float> gv, gs, dv;
  for (const Snapshot& s : snapshots) {
    steps.push_back(s.step);
    gv.insert(gv.end(), s.g.begin(), s.g.end());
    gs.insert(gs.end(), s.g_state.begin(), s.g_state.end());
    dv.insert(dv.end(), s.d.begin(), s.d.end());
  }
  const auto n = static_cast<int64_t>(snapshots.size());
  write_attr(g, "steps", steps);
  write_floats(g, "generator", gv.data(), n, gan.g.params.size());
  if (gan.g.state.size() > 0) write_floats(g, "generator_state", gs.data(), n, gan.g.state.size());
  write_floats(g, "discriminator", dv.data(), n, gan.d.params.size());
}

void read_snapshots(hid_t file, const Gan& gan, ModelMeta& meta, const std::string& what) {
  H5Id group = open_group(file, "snapshots", what);
  const hid_t g = group.get();
  const double every = read_number_attr(g, "every").value_or(0);
  if (!(every >= 0 && every <= 9.2e18) || every != std::floor(every))
    fail("{}: /snapshots attribute 'every' holds {}, not a step count {}", what, every, kDamaged);
  meta.snapshot_every = static_cast<int64_t>(every);
  const std::vector<int64_t> steps = read_ints_attr(g, "steps").value_or(std::vector<int64_t>{});
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i] < 1 || steps[i] > meta.steps_done || (i > 0 && steps[i] <= steps[i - 1]))
      fail("{}: /snapshots attribute 'steps' is not an increasing list of steps {}", what, kDamaged);
  const auto n = static_cast<int64_t>(steps.size());
  const int64_t gn = gan.g.params.size(), sn = gan.g.state.size(), dn = gan.d.params.size();
  if (static_cast<double>(n) * (gn + sn + dn) > double(int64_t{1} << 28))
    fail("{}: /snapshots claims {} snapshots, more than gantool ever writes {}", what, n, kDamaged);
  std::vector<float> gv(n * gn), gs(n * sn), dv(n * dn);
  read_floats(g, "generator", gv.data(), n, gn, what);
  if (sn > 0) read_floats(g, "generator_state", gs.data(), n, sn, what);
  read_floats(g, "discriminator", dv.data(), n, dn, what);
  meta.snapshots.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    Snapshot& s = meta.snapshots[i];
    s.step = steps[i];
    s.g.assign(gv.begin() + i * gn, gv.begin() + (i + 1) * gn);
    s.g_state.assign(gs.begin() + i * sn, gs.begin() + (i + 1) * sn);
    s.d.assign(dv.begin() + i * dn, dv.begin() + (i + 1) * dn);
  }
}

// ---- the training data's description ----------------------------------------------

void write_data_meta(hid_t file, const ModelMeta& meta) {
  H5Id group = create_group(file, "training_data");
  const hid_t g = group.get();
  write_attr(g, "source", meta.data_source);
  write_attr(g, "rows", meta.data_rows);
  if (!meta.image.empty()) write_attr(g, "image", meta.image);
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
  meta.image = read_ints_attr(g, "image").value_or(std::vector<int64_t>{});
  if (!meta.image.empty() && (meta.image.size() != 3 || shape_size(meta.image) != data_dim))
    fail("{}: /training_data attribute 'image' ({}) is not an image shape of {} values {}", what,
         fmt::join(meta.image, "x"), data_dim, kDamaged);
  meta.schema = read_schema(g, data_dim, kModelSchema, what);
}

}  // namespace

Snapshot snapshot(const Gan& gan, int64_t step) {
  const Net& g = gan.config.ema > 0 ? gan.g_ema : gan.g;
  return Snapshot{step, g.params.values, g.state.values, gan.d.params.values};
}

void write_model(const std::string& path, const Gan& gan, const ModelMeta& meta, int64_t threads) {
  TempFile temp(path);
  {
    H5Id file = create_h5(temp.path(), temp.target());
    const hid_t f = file.get();
    write_attr(f, "format", std::string(kModelFormat));
    write_attr(f, "format_version", meta.tabular.columns.empty() ? kModelFormatVersion : kTabularModelFormatVersion);
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
    optimizer.reset();
    H5Id state = create_group(f, "state");
    write_attr(state.get(), "noise_key", gan.noise_rng.key);
    write_attr(state.get(), "noise_stream", gan.noise_rng.stream);
    write_attr(state.get(), "noise_counter", gan.noise_rng.counter);
    write_attr(state.get(), "data_epoch", meta.epoch);
    write_attr(state.get(), "data_position", meta.position);
    write_attr(state.get(), "threads", threads);
    write_data_meta(f, meta);
    if (!meta.tabular.columns.empty()) write_tabular(f, meta.tabular);
    const int64_t cols = static_cast<int64_t>(history_columns().size());
    write_doubles(f, "history", meta.history, static_cast<int64_t>(meta.history.size()) / cols, cols);
    H5Id table = open_dataset(f, "history", path);
    write_attr(table.get(), "columns", history_columns());
    table.reset();
    if (meta.snapshot_every > 0 || !meta.snapshots.empty()) write_snapshots(f, meta, gan);
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

bool model_has_tabular(const std::string& path) {
  H5Id file = open_h5_read(path);
  return has_tabular(file.get());
}

Gan read_model(const std::string& path, ModelMeta& meta, int64_t* threads) {
  H5Id file = open_h5_read(path);
  const hid_t f = file.get();
  if (read_string_attr(f, "format").value_or("") != kModelFormat)
    fail("{}: not a gantool model file (make one with 'gantool train')", path);
  const double stored_version = read_number_attr(f, "format_version").value_or(-1);
  const int64_t format_version =
      stored_version >= 0 && stored_version < 1e6 && stored_version == std::floor(stored_version)
          ? static_cast<int64_t>(stored_version) : -1;
  if (format_version != kModelFormatVersion && format_version != 1 && format_version != kTabularModelFormatVersion)
    fail("{}: model format version {} is not supported by gantool {} (it reads versions 1 to {}); a newer "
         "gantool wrote it?", path, stored_version, version(), kTabularModelFormatVersion);
  const bool tabular = has_tabular(f);
  if (tabular != (format_version == kTabularModelFormatVersion))
    fail("{}: model format version {} {} a /tabular group {}", path, format_version, tabular ? "with" : "without",
         kDamaged);
  // Versions 2 and 3 share their layout (3 adds /tabular).
  const int64_t layout_version = format_version == 1 ? 1 : kModelFormatVersion;

  std::string text;
  GanConfig config;
  try {
    config = read_config(f, path, layout_version, text);
  } catch (const UsageError& e) {  // a stored value no parser knows: not the user's flags
    fail("{}: /config holds a value this gantool does not know ({}); damaged or newer model file?", path, e.what());
  }
  check_stored_sizes(f, config, path);
  Gan gan = make_gan(config, /*seed=*/0);  // the shapes; every value is then read
  read_network(f, "generator", gan.g, &gan.opt_state_g, layout_version, path);
  read_network(f, "generator_ema", gan.g_ema, nullptr, layout_version, path);
  read_network(f, "discriminator", gan.d, &gan.opt_state_d, layout_version, path);
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

  meta.format_version = format_version;
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
  meta.tabular = tabular ? read_tabular(f, path) : TabularTransform{};
  if (meta.tabular.columns.empty() ? config.cond_dim != 0
                                   : config.cond_dim != meta.tabular.cond_dim || config.data_dim() != meta.tabular.data_dim)
    fail("{}: /config's networks do not fit /tabular's transform {}", path, kDamaged);
  read_data_meta(f, meta, meta.tabular.columns.empty() ? config.data_dim() : width(meta.tabular.schema), path);
  if (meta.position > meta.data_rows)
    fail("{}: /state attribute 'data_position' holds {}, past the {} rows of the training data {}", path,
         meta.position, meta.data_rows, kDamaged);
  meta.history = h5_exists(f, "history") ? read_history(f, path) : std::vector<double>{};
  meta.snapshots.clear();
  meta.snapshot_every = 0;
  if (h5_exists(f, "snapshots")) read_snapshots(f, gan, meta, path);
  return gan;
}

}  // namespace gantool
