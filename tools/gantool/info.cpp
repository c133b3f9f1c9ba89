// gantool info: what a file holds: shape, type, columns, provenance, normalization, the
// true distribution of synthetic data, and per-column statistics (streamed, so any size).
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "core/error.hpp"
#include "data/image.hpp"
#include "io/classifier_file.hpp"
#include "data/normalize.hpp"
#include "data/stats.hpp"
#include "io/dataset_file.hpp"
#include "io/model_file.hpp"
#include "io/table_file.hpp"

namespace gantool {

namespace {

struct InfoOptions {
  std::vector<std::string> files;
  bool json = false;
  bool denormalize = false;  // statistics in data units
};

std::vector<ColumnStats> column_stats(DatasetReader& reader, bool denormalize) {
  std::vector<ColumnStats> stats(static_cast<size_t>(reader.cols()));
  const int64_t block = block_rows(reader.cols());
  Tensor rows(block, reader.cols());
  for (int64_t first = 0; first < reader.rows(); first += block) {
    const int64_t n = std::min(block, reader.rows() - first);
    reader.read(first, n, rows.data());
    if (denormalize) denormalize_rows(reader.meta().schema.normalization, rows.data(), n, reader.cols());
    accumulate(stats, rows.data(), n, reader.cols());
  }
  return stats;
}

nlohmann::json dataset_json(DatasetReader& reader, const std::vector<ColumnStats>& stats, bool denormalized) {
  const DatasetMeta& meta = reader.meta();
  const TrueDistribution& truth = meta.schema.distribution;
  nlohmann::json j;
  j["file"] = reader.ref().path;
  j["dataset"] = reader.ref().dataset;
  j["kind"] = "dataset";
  j["rows"] = reader.rows();
  j["cols"] = reader.cols();
  j["type"] = reader.type();
  j["statistics_units"] = denormalized ? "data" : "stored";
  auto& columns = j["columns"] = nlohmann::json::array();
  for (size_t c = 0; c < stats.size(); ++c) {
    // Statistics of a column without finite values are null.
    const auto number = [&](double v) { return stats[c].count > 0 ? nlohmann::json(v) : nlohmann::json(nullptr); };
    columns.push_back({{"name", meta.schema.columns[c].name},
                       {"kind", column_kind_name(meta.schema.columns[c].kind)},
                       {"count", stats[c].count},
                       {"nonfinite", stats[c].nonfinite}, {"mean", number(stats[c].mean)},
                       {"std", number(stats[c].stddev())}, {"min", number(stats[c].min)},
                       {"max", number(stats[c].max)}});
  }
  j["normalization"] = meta.schema.normalization.method == "none"
                           ? nlohmann::json(nullptr)
                           : nlohmann::json{{"method", meta.schema.normalization.method},
                                            {"shift", meta.schema.normalization.shift},
                                            {"scale", meta.schema.normalization.scale}};
  j["provenance"] = {{"gantool_version", meta.version}, {"command", meta.command}, {"source", meta.source}};
  j["provenance"]["seed"] = meta.seed ? nlohmann::json(*meta.seed) : nlohmann::json(nullptr);
  if (truth.name.empty()) {
    j["synthetic"] = nullptr;
  } else {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [key, value] : truth.params) params[key] = value;
    nlohmann::json modes = nlohmann::json::array();
    for (int64_t k = 0; k < truth.modes.rows(); ++k)
      modes.push_back(std::vector<float>(truth.modes.row(k), truth.modes.row(k) + truth.modes.cols()));
    j["synthetic"] = {{"distribution", truth.name}, {"params", params}, {"modes", modes},
                      {"mode_std", truth.mode_std}};
  }
  return j;
}

void print_dataset(DatasetReader& reader, const std::vector<ColumnStats>& stats, bool denormalized) {
  const DatasetMeta& meta = reader.meta();
  const TrueDistribution& truth = meta.schema.distribution;
  fmt::print("{}: dataset {}, {} rows × {} columns, {}\n", reader.ref().path, reader.ref().dataset,
             reader.rows(), reader.cols(), reader.type());
  if (!meta.command.empty()) fmt::print("  made by        {}  (gantool {})\n", meta.command, meta.version);
  if (!meta.source.empty())
    fmt::print("  source         {}{}\n", meta.source, meta.seed ? fmt::format(", seed {}", *meta.seed) : "");
  if (!truth.name.empty()) {
    std::string params;
    for (const auto& [key, value] : truth.params) params += fmt::format(" {}={}", key, value);
    fmt::print("  distribution   {}{}{}", truth.name, params.empty() ? "" : ":", params);
    if (!truth.modes.empty()) fmt::print("; {} modes of std {}", truth.modes.rows(), truth.mode_std);
    fmt::print("\n");
  }
  const Normalization& norm = meta.schema.normalization;
  if (norm.method == "none") {
    fmt::print("  normalization  none (values in data units)\n");
  } else {
    fmt::print("  normalization  {}: stored = (x - shift) / scale\n", norm.method);
  }
  fmt::print("  {:<14} {:>12} {:>12} {:>12} {:>12}{}{}\n", denormalized ? "column (data)" : "column", "mean",
             "std", "min", "max", norm.method == "none" ? "" : fmt::format(" {:>12} {:>12}", "shift", "scale"),
             "  non-finite");
  for (size_t c = 0; c < stats.size(); ++c) {
    const ColumnStats& s = stats[c];
    if (s.count > 0)
      fmt::print("  {:<14} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g}", meta.schema.columns[c].name, s.mean, s.stddev(),
                 s.min, s.max);
    else  // no finite value: no statistics to show
      fmt::print("  {:<14} {:>12} {:>12} {:>12} {:>12}", meta.schema.columns[c].name, "-", "-", "-", "-");
    if (norm.method != "none") fmt::print(" {:>12.6g} {:>12.6g}", norm.shift[c], norm.scale[c]);
    fmt::print("  {}\n", s.nonfinite);
  }
}

// ---- image datasets -------------------------------------------------------------

// Statistics of each channel's pixels over every image (streamed).
std::vector<ColumnStats> channel_stats(DatasetReader& reader) {
  const std::vector<int64_t>& shape = reader.meta().image;
  const int64_t plane = shape[1] * shape[2];
  std::vector<ColumnStats> stats(static_cast<size_t>(shape[0]));
  const int64_t block = block_rows(reader.cols());
  Tensor rows(block, reader.cols());
  for (int64_t first = 0; first < reader.rows(); first += block) {
    const int64_t n = std::min(block, reader.rows() - first);
    reader.read(first, n, rows.data());
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < shape[0]; ++c) {  // the channel's pixels as one column of `plane` values
        std::vector<ColumnStats> one = {stats[static_cast<size_t>(c)]};
        accumulate(one, rows.row(r) + c * plane, plane, 1);
        stats[static_cast<size_t>(c)] = one[0];
      }
  }
  return stats;
}

// Images per class, in class order.
std::vector<int64_t> class_counts(const Labels& labels) {
  std::vector<int64_t> counts(labels.names.size(), 0);
  for (const int64_t v : labels.values) ++counts[static_cast<size_t>(v)];
  return counts;
}

const char* channel_name(int64_t channels, int64_t c) {
  static const char* rgb[] = {"red", "green", "blue"};
  return channels == 3 ? rgb[c] : channels == 1 ? "grey" : "";
}

void print_images(DatasetReader& reader, const std::optional<Labels>& labels, bool json) {
  const DatasetMeta& meta = reader.meta();
  const std::vector<ColumnStats> stats = channel_stats(reader);
  const int64_t channels = meta.image[0];
  if (json) {
    nlohmann::json j = {{"file", reader.ref().path}, {"dataset", reader.ref().dataset}, {"kind", "images"},
                        {"rows", reader.rows()}, {"cols", reader.cols()}, {"image", meta.image},
                        {"type", reader.type()}};
    auto& per_channel = j["channels"] = nlohmann::json::array();
    for (int64_t c = 0; c < channels; ++c) {
      const ColumnStats& st = stats[static_cast<size_t>(c)];
      const auto number = [&](double v) { return st.count > 0 ? nlohmann::json(v) : nlohmann::json(nullptr); };
      per_channel.push_back({{"name", channel_name(channels, c)}, {"mean", number(st.mean)},
                             {"std", number(st.stddev())}, {"min", number(st.min)}, {"max", number(st.max)}});
    }
    j["labels"] = labels ? nlohmann::json{{"names", labels->names}, {"counts", class_counts(*labels)}}
                         : nlohmann::json(nullptr);
    j["normalization"] = meta.schema.normalization.method == "none"
                             ? nlohmann::json(nullptr)
                             : nlohmann::json{{"method", meta.schema.normalization.method}};
    j["provenance"] = {{"gantool_version", meta.version}, {"command", meta.command}, {"source", meta.source}};
    j["provenance"]["seed"] = meta.seed ? nlohmann::json(*meta.seed) : nlohmann::json(nullptr);
    j["other_datasets"] = nlohmann::json::array();
    fmt::print("{}\n", j.dump());
    return;
  }
  fmt::print("{}: image dataset {}, {} images of {} ({} pixels)\n", reader.ref().path, reader.ref().dataset,
             reader.rows(), image_shape_text(meta.image), reader.type());
  if (!meta.command.empty()) fmt::print("  made by        {}  (gantool {})\n", meta.command, meta.version);
  if (!meta.source.empty())
    fmt::print("  source         {}{}\n", meta.source, meta.seed ? fmt::format(", seed {}", *meta.seed) : "");
  if (meta.schema.normalization.method == "none")
    fmt::print("  normalization  none (pixel values; train maps 0..255 to [-1, 1])\n");
  else
    fmt::print("  normalization  {}: stored = (x - shift) / scale\n", meta.schema.normalization.method);
  for (int64_t c = 0; c < channels; ++c) {
    const ColumnStats& st = stats[static_cast<size_t>(c)];
    if (st.count == 0) continue;
    fmt::print("  {:<14} mean {:.6g}, std {:.6g}, min {:.6g}, max {:.6g}\n",
               channels == 1 ? std::string("pixels") : fmt::format("{} pixels", channel_name(channels, c)), st.mean,
               st.stddev(), st.min, st.max);
  }
  if (!labels) {
    fmt::print("  labels         none\n");
    return;
  }
  const std::vector<int64_t> counts = class_counts(*labels);
  fmt::print("  labels         {} classes (/labels)\n", labels->names.size());
  size_t name_width = 5;
  for (const std::string& name : labels->names) name_width = std::max(name_width, name.size());
  fmt::print("    {:>5}  {:<{}}  {:>8}\n", "label", "class", name_width, "images");
  for (size_t k = 0; k < counts.size(); ++k)
    fmt::print("    {:>5}  {:<{}}  {:>8}\n", k, labels->names[k], name_width, counts[k]);
}

// "2 → 128 → 128 → 2 (relu, output identity)" for an MLP, else the spec's text.
std::string describe(const NetSpec& spec, bool output) {
  MlpFlags f;
  if (!mlp_flags(spec, f)) return format_net_spec(spec);
  std::string text = std::to_string(spec.in_size());
  for (const LayerSpec& layer : spec.layers) text += fmt::format(" → {}", layer.out);
  text += fmt::format(" ({}", activation_name(f.activation));
  return text + (output ? fmt::format(", output {})", activation_name(f.out_activation)) : ")");
}

// The hidden widths of an MLP spec (empty for other nets).
std::vector<int64_t> hidden_widths(const NetSpec& spec) {
  MlpFlags f;
  return mlp_flags(spec, f) ? f.hidden : std::vector<int64_t>{};
}

// A model file: what was trained on what, how far, and how it went.
void print_model(const std::string& path, bool json) {
  ModelMeta meta;
  const Gan gan = read_model(path, meta);
  const GanConfig& c = gan.config;
  const size_t cols = history_columns().size();
  const size_t logged = meta.history.size() / cols;
  if (json) {
    nlohmann::json j = {{"file", path},
                        {"kind", "model"},
                        {"format_version", meta.format_version},
                        {"gantool_version", meta.version},
                        {"command", meta.command},
                        {"seed", meta.seed},
                        {"steps_done", meta.steps_done},
                        {"steps_total", meta.steps_total},
                        {"seconds", meta.seconds},
                        {"loss", gan_loss_name(c.loss)},
                        {"z_dim", c.z_dim()},
                        {"data_dim", c.data_dim()},
                        {"pack", c.pack},
                        {"batch", c.batch},
                        {"d_steps", c.d_steps},
                        {"gp_weight", c.loss == GanLoss::wgan_gp ? nlohmann::json(c.gp_weight) : nlohmann::json()},
                        {"r1", c.r1},
                        {"lr_g", c.opt_g.lr},
                        {"lr_d", c.opt_d.lr},
                        {"lr_decay", c.opt_g.decay_steps > 0 ? "linear" : "none"},
                        {"g_hidden", hidden_widths(c.g)},
                        {"d_hidden", hidden_widths(c.d)},
                        {"g_net", format_net_spec(c.g)},
                        {"d_net", format_net_spec(c.d)},
                        {"g_parameters", gan.g.params.count()},
                        {"d_parameters", gan.d.params.count()},
                        {"data", meta.data_source},
                        {"columns", column_names(meta.schema)},
                        {"normalization", meta.schema.normalization.method},
                        {"distribution", meta.schema.distribution.name},
                        {"arch", !meta.tabular.columns.empty() ? "tabular" : c.g.has_convolutions() ? "dcgan" : "mlp"}};
    if (!meta.tabular.columns.empty()) j["cond_dim"] = c.cond_dim;
    if (!meta.image.empty()) j["image"] = meta.image;
    if (meta.snapshot_every > 0 || !meta.snapshots.empty()) {
      std::vector<int64_t> steps;
      for (const Snapshot& s : meta.snapshots) steps.push_back(s.step);
      j["snapshots"] = {{"every", meta.snapshot_every}, {"steps", steps}};
    }
    if (logged > 0) {
      nlohmann::json last;
      for (size_t i = 0; i < cols; ++i) last[history_columns()[i]] = meta.history[(logged - 1) * cols + i];
      j["last_logged"] = last;
    }
    fmt::print("{}\n", j.dump());
    return;
  }
  fmt::print("{}: gantool model (format {}), {} of {} steps in {:.1f} s\n", path, meta.format_version,
             meta.steps_done, meta.steps_total, meta.seconds);
  fmt::print("  made by        {}  (gantool {})\n", meta.command, meta.version);
  std::string penalties;
  if (c.loss == GanLoss::wgan_gp) penalties += fmt::format(" (λ {})", c.gp_weight);
  if (c.r1 > 0) penalties += fmt::format(", R1 γ {}", c.r1);
  fmt::print("  game           loss {}{}, d-steps {}, pack {}, batch {}, prior {}, seed {}\n", gan_loss_name(c.loss),
             penalties, c.d_steps, c.pack, c.batch, prior_name(c.prior), meta.seed);
  fmt::print("  generator      {}, {} parameters\n", describe(c.g, /*output=*/true), gan.g.params.count());
  fmt::print("  discriminator  {}, {} parameters\n", describe(c.d, /*output=*/false), gan.d.params.count());
  fmt::print("  optimizers     G {} lr {}, D {} lr {}{}\n", optimizer_kind_name(c.opt_g.kind), c.opt_g.lr,
             optimizer_kind_name(c.opt_d.kind), c.opt_d.lr,
             c.opt_g.decay_steps > 0 ? fmt::format(", decayed linearly to 0 at step {}", c.opt_g.decay_steps) : "");
  const std::vector<std::string> columns = column_names(meta.schema);
  const std::string listed = columns.size() <= 16 ? fmt::format("columns {}", fmt::join(columns, ", "))
                                                  : fmt::format("{} columns, {} … {}", columns.size(), columns.front(),
                                                                columns.back());  // e.g. an image's pixels
  if (!meta.image.empty())
    fmt::print("  data           {} ({} images of {}; normalization {})\n", meta.data_source, meta.data_rows,
               image_shape_text(meta.image), meta.schema.normalization.method);
  else
    fmt::print("  data           {} ({} rows; {}; normalization {})\n", meta.data_source, meta.data_rows, listed,
               meta.schema.normalization.method);
  if (!meta.tabular.columns.empty()) {
    int64_t numeric = 0, modes = 0;
    for (size_t i = 0; i < meta.tabular.columns.size(); ++i)
      if (meta.tabular.columns[i].cond_offset < 0) {
        ++numeric;
        modes += static_cast<int64_t>(meta.tabular.columns[i].mixture.weights.size());
      }
    fmt::print("  tabular        {} columns → {} values per row ({} numeric columns with {} modes in all); conditional "
               "vector of {} over {} discrete columns\n", meta.tabular.columns.size(), c.data_dim(), numeric, modes,
               c.cond_dim, meta.tabular.columns.size() - static_cast<size_t>(numeric));
  }
  const TrueDistribution& truth = meta.schema.distribution;
  if (!truth.name.empty())
    fmt::print("  distribution   {} with {} modes of std {}\n", truth.name, truth.modes.rows(), truth.mode_std);
  if (logged > 0) {
    const double* last = &meta.history[(logged - 1) * cols];
    fmt::print("  last logged    step {:.0f}: loss_d {:.4f}, loss_g {:.4f}, D(x) {:.3f}, D(G(z)) {:.3f} ({} rows in /history)\n",
               last[0], last[1], last[2], last[3], last[4], logged);
  }
  if (!meta.snapshots.empty())
    fmt::print("  snapshots      {} of G and D (every {} steps, steps {} to {}): gantool plot critic {} --every N\n",
               meta.snapshots.size(), meta.snapshot_every, meta.snapshots.front().step, meta.snapshots.back().step, path);
}

// A file without /data: say what it holds and how to name a dataset.
void print_listing(const std::string& path, const std::vector<DatasetEntry>& entries, bool json) {
  if (json) {
    nlohmann::json j = {{"file", path}, {"kind", "hdf5"}, {"datasets", nlohmann::json::array()}};
    for (const auto& e : entries) j["datasets"].push_back({{"path", e.path}, {"shape", e.shape}, {"type", e.type}});
    fmt::print("{}\n", j.dump());
    return;
  }
  fmt::print("{}: HDF5 file without /data; read one of its datasets as {}:/path\n", path, path);
  for (const auto& e : entries) fmt::print("  {:<30} [{}] {}\n", e.path, fmt::join(e.shape, "×"), e.type);
}

// A classifier file (train-classifier): its net, classes and accuracy.
void print_classifier(const std::string& path, bool json) {
  Classifier c = read_classifier(path);
  if (json) {
    nlohmann::json j = {{"file", path},
                        {"kind", "classifier"},
                        {"image", c.image},
                        {"classes", c.classes},
                        {"net", format_net_spec(c.net.spec())},
                        {"feature_layer", c.feature_layer},
                        {"features", c.features()},
                        {"epochs", c.epochs},
                        {"train_accuracy", c.train_accuracy},
                        {"test_accuracy", c.test_accuracy},
                        {"test_rows", c.test_rows}};
    fmt::print("{}\n", j.dump());
    return;
  }
  fmt::print("{}: gantool classifier of images of {} into {} classes (eval-fd's features)\n", path,
             image_shape_text(c.image), c.classes.size());
  fmt::print("  net            {}\n", format_net_spec(c.net.spec()));
  fmt::print("  features       {} (layer {})\n", c.features(), c.feature_layer);
  fmt::print("  classes        {}\n", fmt::join(c.classes, ", "));
  fmt::print("  accuracy       test {:.2f}% on {} images; training {:.2f}% ({} epochs)\n", 100 * c.test_accuracy,
             c.test_rows, 100 * c.train_accuracy, c.epochs);
}

void run_info(const InfoOptions& opt) {
  for (const std::string& arg : opt.files) {
    const DataRef ref = parse_data_ref(arg);
    if (!ref.dataset_given && is_model_file(ref.path)) {
      print_model(ref.path, opt.json);
      continue;
    }
    if (!ref.dataset_given && is_classifier_file(ref.path)) {
      print_classifier(ref.path, opt.json);
      continue;
    }
    if (!ref.dataset_given && is_table_file(ref.path)) {
      print_table_info(ref, opt.json);
      continue;
    }
    // Datasets beside /data other than its metadata (e.g. sample --save-latent's /latent).
    std::vector<DatasetEntry> others;
    if (!ref.dataset_given) {
      const std::vector<DatasetEntry> entries = list_datasets(ref.path);
      bool has_data = false;
      for (const auto& e : entries) has_data = has_data || e.path == "/data";
      if (!has_data) {
        print_listing(ref.path, entries, opt.json);
        continue;
      }
      for (const auto& e : entries)
        if (e.path != "/data" && e.path.rfind("/normalization/", 0) != 0 && e.path.rfind("/synthetic/", 0) != 0)
          others.push_back(e);
    }
    DatasetReader reader(ref);
    if (!reader.meta().image.empty()) {
      print_images(reader, ref.dataset == "/data" ? read_labels(ref.path) : std::nullopt, opt.json);
      continue;
    }
    const bool denormalize = opt.denormalize && reader.meta().schema.normalization.method != "none";
    const std::vector<ColumnStats> stats = column_stats(reader, denormalize);
    if (opt.json) {
      nlohmann::json j = dataset_json(reader, stats, denormalize);
      j["other_datasets"] = nlohmann::json::array();
      for (const auto& e : others) j["other_datasets"].push_back({{"path", e.path}, {"shape", e.shape}, {"type", e.type}});
      fmt::print("{}\n", j.dump());
    } else {
      print_dataset(reader, stats, denormalize);
      for (const auto& e : others)
        fmt::print("  also           {} [{}] {} (read it as {}:{})\n", e.path, fmt::join(e.shape, "×"), e.type,
                   ref.path, e.path);
    }
  }
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto opt = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Describe dataset and model files: shape, columns, provenance, statistics");
  cmd->footer("Statistics are of the stored values (population std); --denormalize gives them in data units.\n"
              "--json prints one JSON object per file, one per line.");
  cmd->add_option("files", opt->files, "FILE.h5 or FILE.h5:/dataset")->required();
  cmd->add_flag("--json", opt->json, "Machine-readable output");
  cmd->add_flag("--denormalize", opt->denormalize, "Statistics in data units (the normalization inverted)");
  add_threads_option(cmd);
  cmd->callback([opt] { run_info(*opt); });
}

}  // namespace gantool
