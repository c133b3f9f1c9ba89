// gantool train: train a GAN on a dataset file (Goodfellow et al. 2014, Algorithm 1), show
// progress, write checkpoints, stop cleanly on Ctrl-C, and resume exactly.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"
#include "data/batcher.hpp"
#include "data/normalize.hpp"
#include "data/stats.hpp"
#include "gan/gan.hpp"
#include "io/dataset_file.hpp"
#include "io/model_file.hpp"
#include "metrics/modes.hpp"

namespace gantool {

namespace {

struct TrainOptions {
  std::string data, model, resume;
  int64_t steps = 20000;  // total iterations (with --resume: including those already done)
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
  int64_t log_every = 500;
  std::string log;
  bool quiet = false;
  bool print_config = false;
};

// Flags that fix what a model is; they cannot change on --resume.
const char* const kModelFlags[] = {"--loss", "--d-steps", "--pack", "--prior", "--z-dim", "--clip", "--gp-weight", "--r1",
                                   "--g-hidden", "--d-hidden", "--g-activation", "--d-activation",
                                   "--g-output", "--g-alpha", "--d-alpha", "--init", "--optimizer",
                                   "--lr-g", "--lr-d", "--beta1", "--beta2", "--momentum",
                                   "--weight-decay", "--batch", "--normalize", "--seed", "--lr-decay", "--ema"};

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

// Refuses sizes whose networks and batch buffers cannot fit in memory (they would grow until
// the system kills the run): an upper estimate of the parameters with their gradients, Adam
// moments and moving average, and of each layer's activations and gradients for D's real and
// fake rows (and wgan-gp's interpolates) and G's rows.
void check_memory(const GanConfig& c, const TrainOptions& o) {
  double params = 0, act_g = double(c.z_dim()), act_d = double(c.data_dim());
  for (const NetSpec* spec : {&c.g, &c.d})
    for (const ParamView& v : param_views(*spec)) params += double(v.size);
  for (const LayerSpec& l : c.g.layers) act_g += double(l.out);
  for (size_t l = 0; l + 1 < c.d.layers.size(); ++l) act_d += double(c.d.layers[l].out);
  const double batch = double(c.batch);
  const double floats = 6 * params + batch * (double(c.d_steps) * double(c.data_dim()) + 4 * act_g + 3 * 4 * act_d);
  require_memory(4 * floats,
                 fmt::format("train: --batch {} with --z-dim {}, --g-hidden {}, --d-hidden {} on {} columns", o.batch,
                             o.z_dim, o.g_hidden, o.d_hidden, c.data_dim()),
                 "--batch (or the widths --g-hidden, --d-hidden)");
}

GanConfig gan_config(const TrainOptions& o, int64_t data_dim) {
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
  c.g = mlp_spec(o.z_dim, g, data_dim);
  c.d = mlp_spec(o.pack * data_dim, d, /*out=*/1);
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
  check_memory(c, o);
  return c;
}

// Every option of the command as TOML, leaving out the unset ones (an empty value would not
// read back).
std::string config_text(const CLI::App& cmd) {
  std::stringstream in(cmd.config_to_str(/*default_also=*/true, /*write_description=*/false));
  std::string text;
  for (std::string line; std::getline(in, line);)
    if (line.size() < 3 || line.compare(line.size() - 3, 3, "=\"\"") != 0) text += line + "\n";
  return text;
}

// Wall-clock time, progress display and logs.
struct Reporter {
  bool live = false;   // a terminal: one line redrawn in place
  bool plain = false;  // a pipe: a line every log_every steps
  bool penalties = false;  // show the gradient penalties' part of loss_d
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last_draw;
  int64_t first_step = 0;

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::string line(int64_t step, int64_t total, const StepStats& s) const {
    const double rate = (step - first_step) / std::max(elapsed(), 1e-9);
    const double eta = rate > 0 ? (total - step) / rate : 0;
    std::string text = fmt::format("step {}/{}  {:.0f} steps/s  ETA {:.0f}s  loss_d {:.4f}  loss_g {:.4f}  D(x) {:.3f}  D(G(z)) {:.3f}",
                                   step, total, rate, eta, s.loss_d, s.loss_g, s.d_real, s.d_fake);
    if (penalties) text += fmt::format("  penalty {:.4f}", s.penalty);
    return text;
  }
  void draw(int64_t step, int64_t total, const StepStats& s) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw < std::chrono::milliseconds(200) && step != total) return;
    last_draw = now;
    fmt::print(stderr, "\r{}\033[K", line(step, total, s));
    std::fflush(stderr);
  }
};

double gradient_norm(const ParamBlock& params) {
  double sum = 0;
  for (const float g : params.grads) sum += double(g) * g;  // the padding adds zeros
  return std::sqrt(sum);
}

bool all_finite(const ParamBlock& params) {
  for (const float v : params.values)
    if (!std::isfinite(v)) return false;
  return true;
}

// Threads when none were asked for: all cores, except for small networks, whose products
// are too short for a second thread to pay for waking it (measured: README, "Threads").
int default_threads(const GanConfig& c) {
  double per_row = 0;  // D's one-output layer left out
  for (const ParamView& v : param_views(c.g))
    if (v.shape.size() == 2) per_row += double(v.size);
  const std::vector<ParamView> d = param_views(c.d);
  for (size_t i = 0; i + 2 < d.size(); ++i)  // the last two views: the output layer's
    if (d[i].shape.size() == 2) per_row += double(d[i].size);
  const double flops_per_step = 6.0 * per_row * c.batch * (c.d_steps + 1);  // forward + 2 backward
  return flops_per_step < 1e9 ? 1 : resolve_threads(0);
}

// The data a model was trained on, for a resume without --data: the stored path as it was
// given (relative to the current folder), else relative to the model file's folder (a
// resume from another folder), else an error saying to pass --data.
DataRef stored_data(const std::string& stored, const std::string& model) {
  DataRef ref = parse_data_ref(stored);
  std::error_code ec;
  if (stored.empty() || std::filesystem::exists(ref.path, ec)) return ref;
  const std::filesystem::path beside = std::filesystem::path(model).parent_path() / ref.path;
  if (std::filesystem::path(ref.path).is_relative() && std::filesystem::exists(beside, ec)) {
    ref.path = beside.string();
    return ref;
  }
  fail("{} was trained on {} (the stored path), which is not found here{}; pass --data FILE to resume", model,
             stored, std::filesystem::path(ref.path).is_relative() ? " nor beside the model" : "");
}

void run_train(TrainOptions opt, CLI::App& cmd) {
  const auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  const bool resuming = !opt.resume.empty();
  // WGAN-GP's own settings (Gulrajani et al. 2017: 5 critic steps per generator step, Adam
  // 1e-4 with β2 = 0.9; β1 0.5 as in their toy experiments), where not given; set as the
  // options' defaults so that --print-config and the model's options say so.
  if (!resuming && opt.loss == "wgan-gp") {
    const auto fallback = [&](const char* flag, auto& field, auto value) {
      if (given(flag)) return;
      cmd.get_option(flag)->default_val(value);
      field = value;
    };
    fallback("--d-steps", opt.d_steps, int64_t{5});
    fallback("--lr-g", opt.lr_g, 1e-4);
    fallback("--lr-d", opt.lr_d, 1e-4);
    fallback("--beta2", opt.beta2, 0.9);
  }
  // (A --print-config file states the default 10 for every loss: that is not a mistake.)
  if (!resuming && given("--gp-weight") && opt.gp_weight != 10 && opt.loss != "wgan-gp")
    fail_usage("--gp-weight is the weight of --loss wgan-gp's penalty (the loss is {}); for a penalty with any loss use --r1",
               opt.loss);
  if (opt.print_config) {
    fmt::print("[train]\n{}", config_text(cmd));
    return;
  }
  if (resuming) {
    for (const char* flag : kModelFlags)
      if (given(flag)) fail_usage("{} cannot change when resuming; it is fixed by {}", flag, opt.resume);
    if (opt.model.empty()) opt.model = opt.resume;
  }
  int64_t stored_threads = 0;
  if (opt.model.empty()) fail_usage("--model FILE.h5 is required: where to write the model");
  if (opt.data.empty() && !resuming) fail_usage("--data FILE.h5 is required: the training data");
  if (opt.steps < 1) fail_usage("--steps must be at least 1 (got {})", opt.steps);
  if (opt.log_every < 1) fail_usage("--log-every must be at least 1 (got {})", opt.log_every);
  if (opt.checkpoint_every < 0) fail_usage("--checkpoint-every must not be negative");

  TempFile{opt.model};  // fails now, not after training, when the model's folder is missing
  ModelMeta meta;
  Gan gan;
  std::unique_ptr<DatasetReader> reader;
  Tensor rows;  // the training data, read once
  if (resuming) {
    gan = read_model(opt.resume, meta, &stored_threads);
    if (!given("--steps")) opt.steps = meta.steps_total;
    reader = std::make_unique<DatasetReader>(opt.data.empty() ? stored_data(meta.data_source, opt.resume)
                                                              : parse_data_ref(opt.data));
    if (reader->cols() != gan.config.data_dim())
      fail("{}: has {} columns but the model {} was trained on {}", reader->ref().display(), reader->cols(),
           opt.resume, gan.config.data_dim());
    // An exact continuation needs the same rows in the same order.
    if (reader->rows() != meta.data_rows || column_names(reader->meta().schema) != column_names(meta.schema))
      fail("{}: is not the data {} was trained on ({} rows, columns {}); resume with that file as --data",
           reader->ref().display(), opt.resume, meta.data_rows, fmt::join(column_names(meta.schema), ", "));
    rows = reader->read_all_finite();
    if (meta.steps_done >= opt.steps)
      fail_usage("{} has already done {} steps; ask for more with --steps", opt.resume, meta.steps_done);
  } else {
    reader = std::make_unique<DatasetReader>(parse_data_ref(opt.data));
    if (reader->rows() == 0) fail("{}: has no rows to train on", reader->ref().display());
    const GanConfig config = gan_config(opt, reader->cols());
    rows = reader->read_all_finite();
    gan = make_gan(config, opt.seed);
    meta.seed = opt.seed;
    meta.config_text = "[train]\n" + config_text(cmd);
    meta.data_source = opt.data;
    meta.schema = reader->meta().schema;
    // G learns the data standardized: a scale near 1 suits its initialization and Adam.
    const Normalization& stored = reader->meta().schema.normalization;
    if (opt.normalize == "none" || (opt.normalize == "auto" && stored.method != "none")) {
      meta.schema.normalization = stored;
    } else {
      if (opt.normalize != "auto" && opt.normalize != "standard" && opt.normalize != "minmax")
        fail_usage("--normalize must be auto, none, standard or minmax (got '{}')", opt.normalize);
      Tensor raw = rows;  // data units, for fitting
      denormalize_rows(stored, raw.data(), raw.rows(), raw.cols());
      std::vector<ColumnStats> stats(static_cast<size_t>(reader->cols()));
      accumulate(stats, raw.data(), raw.rows(), raw.cols());
      meta.schema.normalization =
          fit_normalization(opt.normalize == "auto" ? "standard" : opt.normalize, stats, column_names(meta.schema));
    }
  }
  refuse_overwrite(opt.model, "--model", reader->ref().path);
  if (!opt.log.empty()) refuse_overwrite(opt.log, "--log", reader->ref().path);
  // A resume keeps the thread count of the run it continues (oneDNN's sums may split
  // differently on another count), unless told otherwise.
  const bool threads_given = opt.threads > 0 || std::getenv("OMP_NUM_THREADS");
  set_threads(threads_given      ? resolve_threads(opt.threads)
              : stored_threads > 0 ? static_cast<int>(stored_threads)
                                   : default_threads(gan.config));
  // The decay spans the requested steps (so it stretches when a resume asks for more).
  const bool decay = resuming ? gan.config.opt_g.decay_steps > 0 : opt.lr_decay == "linear";
  gan.config.opt_g.decay_steps = decay ? opt.steps : 0;
  gan.config.opt_d.decay_steps = decay ? opt.steps * gan.config.d_steps : 0;
  renormalize_rows(reader->meta().schema.normalization, meta.schema.normalization, rows.data(), rows.rows(), rows.cols());
  meta.data_rows = rows.rows();
  meta.command = command_line();
  meta.steps_total = opt.steps;
  const GanConfig& c = gan.config;

  Batcher batcher = make_batcher(rows, meta.seed, meta.epoch, meta.position);
  Tensor real(c.d_steps * c.batch, c.data_dim());
  std::vector<const float*> real_ptrs;
  for (int64_t j = 0; j < c.d_steps; ++j) real_ptrs.push_back(real.row(j * c.batch));

  Reporter report;
  report.live = !opt.quiet && isatty(STDERR_FILENO);
  report.plain = !opt.quiet && !report.live;
  report.first_step = meta.steps_done;
  report.penalties = c.loss == GanLoss::wgan_gp || c.r1 > 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log(nullptr, std::fclose);
  if (!opt.log.empty()) {
    log.reset(std::fopen(opt.log.c_str(), resuming ? "a" : "w"));
    if (!log) fail("{}: cannot write the log: {}", opt.log, std::strerror(errno));
  }
  const double seconds_before = meta.seconds;
  int64_t saved_step = resuming && opt.model == opt.resume ? meta.steps_done : -1;
  const auto kept = [&] {
    return saved_step >= 0 ? fmt::format("{} keeps the checkpoint of step {}", opt.model, saved_step)
                           : std::string("no model was written");
  };
  const auto save = [&] {
    if (!all_finite(gan.g.params) || !all_finite(gan.d.params))
      fail("training diverged by step {}: a parameter is not finite; {}; try a lower learning rate (--lr-d, --lr-g)",
           meta.steps_done, kept());
    meta.seconds = seconds_before + report.elapsed();
    write_model(opt.model, gan, meta, threads());
    saved_step = meta.steps_done;
  };

  // A --log line that cannot be written stops the run (a log that silently ends is worse
  // than no log), after saving the model so that no training is lost.
  const auto log_failed = [&](int err) {
    std::string model;
    try {
      save();
      model = meta.steps_done == opt.steps
                  ? fmt::format("training finished and the model is saved in {}", opt.model)
                  : fmt::format("the model is saved in {}; free some space, then continue with: gantool train --resume {} --steps {}",
                                opt.model, opt.model, opt.steps);
    } catch (const Error& e) {
      model = fmt::format("the model could not be saved either ({})", e.what());
    }
    fail("{}: cannot write the training log: {}{}; stopped at step {} of {}; {}", opt.log, std::strerror(err),
         err == ENOSPC ? " (the disk is full)" : "", meta.steps_done, opt.steps, model);
  };

  defer_interrupts();
  StepStats stats;
  while (meta.steps_done < opt.steps) {
    next_batch(batcher, real.data(), real.rows());
    stats = gan_step(gan, real_ptrs.data());
    ++meta.steps_done;
    meta.epoch = batcher.epoch;
    meta.position = batcher.position;
    if (!std::isfinite(stats.loss_d) || !std::isfinite(stats.loss_g))
      fail("training diverged at step {} (loss_d {}, loss_g {}); {}; try a lower learning rate (--lr-d, --lr-g)",
           meta.steps_done, stats.loss_d, stats.loss_g, kept());
    const int64_t step = meta.steps_done;
    if (step % opt.log_every == 0 || step == opt.steps) {
      const double row[] = {double(step),   stats.loss_d, stats.loss_g,
                            stats.d_real,   stats.d_fake, gradient_norm(gan.d.params),
                            gradient_norm(gan.g.params), seconds_before + report.elapsed()};
      meta.history.insert(meta.history.end(), std::begin(row), std::end(row));
      if (log) {
        nlohmann::json j;
        for (size_t i = 0; i < history_columns().size(); ++i) j[history_columns()[i]] = row[i];
        if (report.penalties) j["penalty"] = stats.penalty;  // the part of loss_d
        const std::string text = j.dump() + "\n";
        if (std::fputs(text.c_str(), log.get()) < 0 || std::fflush(log.get()) != 0) log_failed(errno);
      }
      if (report.plain) fmt::print(stderr, "train: {}\n", report.line(step, opt.steps, stats));
    }
    if (report.live) report.draw(step, opt.steps, stats);
    if (opt.checkpoint_every > 0 && step % opt.checkpoint_every == 0 && step != opt.steps) save();
    if (interrupt_requested() && step < opt.steps) {  // at the last step, just finish
      if (saved_step != step) save();
      if (report.live) fmt::print(stderr, "\n");
      throw Interrupted(fmt::format(
          "interrupted at step {} of {}; the model is saved in {}; continue with: gantool train --resume {} --steps {}",
          step, opt.steps, opt.model, opt.model, opt.steps));
    }
  }
  save();
  if (log) {
    errno = 0;
    if (std::fclose(log.release()) != 0) log_failed(errno);
  }
  if (report.live) fmt::print(stderr, "\n");
  if (!opt.quiet) {
    fmt::print(stderr, "train: {} steps in {:.1f} s; model written to {}", meta.steps_done, meta.seconds, opt.model);
    if (!meta.schema.distribution.modes.empty() && meta.schema.distribution.mode_std > 0) {
      // How well G covers the data's true modes, from 10,000 samples in data units.
      const int64_t n = 10000;
      Tensor z(n, c.z_dim());
      Rng rng = make_rng(meta.seed, 3);
      sample_noise(c.prior, rng, z.data(), z.size());
      Tensor x = (c.ema > 0 ? gan.g_ema : gan.g).forward(z.data(), n);
      denormalize_rows(meta.schema.normalization, x.data(), n, x.cols());
      const ModeStats m = mode_stats(x, meta.schema.distribution.modes, meta.schema.distribution.mode_std);
      fmt::print(stderr, "; modes covered {}/{}, {:.1f}% of samples within 3 std of a mode, KL(modes ‖ uniform) {:.3f}",
                 m.covered, m.modes, 100 * m.high_quality, m.kl_to_uniform);
    }
    fmt::print(stderr, "\n");
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto opt = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a GAN on a dataset file");
  cmd->footer(
      "Losses (r, f: D's logits on real and fake rows; σ the logistic sigmoid):\n"
      "  nonsaturating  D: −E[log σ(r)] − E[log(1 − σ(f))]   G: −E[log σ(f)]   (default)\n"
      "  minimax        D: as above                           G: E[log(1 − σ(f))] (saturates early)\n"
      "  hinge          D: E[max(0, 1 − r)] + E[max(0, 1 + f)] G: −E[f]\n"
      "  least-squares  D: ½E[(r − 1)²] + ½E[f²]              G: ½E[(f − 1)²]\n"
      "  wasserstein    D: E[f] − E[r], weights clipped to ±clip G: −E[f]\n"
      "  wgan-gp        D: E[f] − E[r] + λ·E[(‖∇D(x̂)‖ − 1)²], x̂ between real and fake rows  G: −E[f]\n"
      "                 (λ: --gp-weight; unless given: --d-steps 5, --lr-g and --lr-d 1e-4, --beta2 0.9)\n"
      "--r1 γ adds (γ/2)·E[‖∇D(x)‖²] on real rows to D's loss, with any loss.\n"
      "Examples:\n"
      "  gantool train --data ring.h5 --model gan.h5\n"
      "  gantool train --data grid.h5 --model gan.h5 --steps 40000 --checkpoint-every 5000 --log train.jsonl\n"
      "  gantool train --resume gan.h5 --steps 60000\n"
      "Ctrl-C saves the model and says how to resume; a second Ctrl-C stops at once.");
  // --config belongs to the top-level app (CLI11 reads config files there, with this
  // command's options in a [train] section); it falls through from here.
  cmd->fallthrough();
  cmd->add_option("--data", opt->data, "Training data: FILE.h5 or FILE.h5:/dataset");
  cmd->add_option("--model", opt->model, "Model file to write (with --resume: by default the resumed file)");
  cmd->add_option("--resume", opt->resume, "Continue training this model file to --steps in total");
  cmd->add_option("--steps", opt->steps, "Total training iterations")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of the initialization, noise and data order")->capture_default_str()->check(seed_check());
  cmd->add_option("--threads", opt->threads,
                  "Threads (default: OMP_NUM_THREADS, else 1 for small networks and all cores for larger ones)")
      ->check(CLI::Range(1, 4096));

  const char* game = "The game";
  cmd->add_option("--loss", opt->loss, "nonsaturating | minimax | hinge | least-squares | wasserstein | wgan-gp")
      ->capture_default_str()->group(game);
  cmd->add_option("--d-steps", opt->d_steps, "Discriminator updates per generator update (k; wgan-gp: 5)")
      ->capture_default_str()->group(game);
  cmd->add_option("--pack", opt->pack, "PacGAN: D judges this many samples at once")->capture_default_str()->group(game);
  cmd->add_option("--prior", opt->prior, "Noise prior: normal | uniform")->capture_default_str()->group(game);
  cmd->add_option("--z-dim", opt->z_dim, "Noise dimension")->capture_default_str()->group(game);
  cmd->add_option("--ema", opt->ema, "Average G's weights with this decay; samples come from the average (0: off)")
      ->capture_default_str()->group(game);
  cmd->add_option("--clip", opt->clip, "wasserstein: clip D's weights to ±clip")->capture_default_str()->group(game);
  cmd->add_option("--gp-weight", opt->gp_weight, "wgan-gp: the gradient penalty's weight λ")
      ->capture_default_str()->group(game);
  cmd->add_option("--r1", opt->r1, "R1 penalty (γ/2)·E[‖∇D(x)‖²] on real rows, any loss (0: off)")
      ->capture_default_str()->group(game);

  const char* nets = "The networks";
  cmd->add_option("--g-hidden", opt->g_hidden, "G's hidden widths")->capture_default_str()->group(nets);
  cmd->add_option("--d-hidden", opt->d_hidden, "D's hidden widths")->capture_default_str()->group(nets);
  cmd->add_option("--g-activation", opt->g_activation,
                  "G's hidden activation: identity relu leaky_relu elu tanh sigmoid softplus")
      ->capture_default_str()->group(nets);
  cmd->add_option("--d-activation", opt->d_activation, "D's hidden activation")->capture_default_str()->group(nets);
  cmd->add_option("--g-output", opt->g_output, "G's output activation")->capture_default_str()->group(nets);
  cmd->add_option("--g-alpha", opt->g_alpha, "α of G's activation (leaky slope 0.2, elu 1 by default)")->group(nets);
  cmd->add_option("--d-alpha", opt->d_alpha, "α of D's activation")->group(nets);
  cmd->add_option("--init", opt->init, "Weight initialization: pytorch | he | xavier")->capture_default_str()->group(nets);

  const char* optim = "Optimization";
  cmd->add_option("--optimizer", opt->optimizer, "adam | sgd")->capture_default_str()->group(optim);
  cmd->add_option("--lr-g", opt->lr_g, "G's learning rate")->capture_default_str()->group(optim);
  cmd->add_option("--lr-d", opt->lr_d, "D's learning rate")->capture_default_str()->group(optim);
  cmd->add_option("--beta1", opt->beta1, "Adam's β1")->capture_default_str()->group(optim);
  cmd->add_option("--beta2", opt->beta2, "Adam's β2")->capture_default_str()->group(optim);
  cmd->add_option("--momentum", opt->momentum, "SGD's momentum")->capture_default_str()->group(optim);
  cmd->add_option("--weight-decay", opt->weight_decay, "Decoupled weight decay (Adam) or L2 (SGD)")
      ->capture_default_str()->group(optim);
  cmd->add_option("--batch", opt->batch, "Samples per minibatch")->capture_default_str()->group(optim);
  cmd->add_option("--lr-decay", opt->lr_decay, "linear (to 0 at the last step) | none")
      ->capture_default_str()->group(optim);
  cmd->add_option("--normalize", opt->normalize,
                  "auto (the file's normalization, else standard) | none (the values as stored) | standard | minmax "
                  "(fitted on the data; stored in the model)")
      ->capture_default_str()->group(optim);

  const char* output = "Output";
  cmd->add_option("--checkpoint-every", opt->checkpoint_every, "Write the model every N steps (0: at the end only)")
      ->capture_default_str()->group(output);
  cmd->add_option("--log-every", opt->log_every, "Steps between history rows (and lines, in a pipe)")
      ->capture_default_str()->group(output);
  cmd->add_option("--log", opt->log, "Also write one JSON object per logged step to this file")->group(output);
  cmd->add_flag("-q,--quiet", opt->quiet, "No progress and no summary")->group(output);
  cmd->add_flag("--print-config", opt->print_config, "Print every resolved option as a --config file, then exit")
      ->configurable(false)->group(output);
  cmd->callback([opt, cmd] { run_train(*opt, *cmd); });
}

}  // namespace gantool
