// The training loop (Trainer) and the setup of a training run.
#include "gan/trainer.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/threads.hpp"
#include "data/batcher.hpp"
#include "data/normalize.hpp"
#include "gan/cost.hpp"

namespace gantool {

namespace {

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

}  // namespace

bool parameters_finite(const Gan& gan) { return all_finite(gan.g.params) && all_finite(gan.d.params); }

GradientNorms gradient_norms(const Gan& gan) { return {gradient_norm(gan.d.params), gradient_norm(gan.g.params)}; }

// The loop's state between steps.
struct Trainer::State {
  Gan& gan;
  ModelMeta& meta;
  TrainPolicy policy;
  std::function<StepStats()> step;  // an iteration that draws its own data, or empty
  Batcher batcher;
  Tensor real;  // (d_steps·batch, data_dim): the real minibatches of one iteration
  std::vector<const float*> real_ptrs;  // (d_steps): the start of each minibatch in real
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log{nullptr, std::fclose};
  bool penalties = false;  // the loss has gradient penalties (their part of loss_d is recorded)
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double seconds_before = 0;  // wall time of the runs before this one
  int64_t saved_step = -1;    // the step of the model file at policy.model_path

  State(Gan& gan, ModelMeta& meta, TrainPolicy policy) : gan(gan), meta(meta), policy(std::move(policy)) {}

  // What both constructors do last: the log opened, the run's totals recorded.
  void begin() {
    penalties = has_penalties(gan.config);
    if (!policy.log_path.empty()) {
      log.reset(std::fopen(policy.log_path.c_str(), policy.append_log ? "a" : "w"));
      if (!log) fail("{}: cannot write the log: {}", policy.log_path, std::strerror(errno));
    }
    meta.steps_total = policy.steps;
    seconds_before = meta.seconds;
    saved_step = policy.saved_step;
  }

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); }

  std::string kept() const {
    return saved_step >= 0 ? fmt::format("{} keeps the checkpoint of step {}", policy.model_path, saved_step)
                           : std::string("no model was written");
  }

  // Writes the model, unless a parameter is not finite (then Diverged).
  void save() {
    if (!parameters_finite(gan))
      throw Diverged(fmt::format(
          "training diverged by step {}: a parameter is not finite; {}; try a lower learning rate (--lr-d, --lr-g)",
          meta.steps_done, kept()));
    meta.seconds = seconds_before + elapsed();
    write_model(policy.model_path, gan, meta, threads());
    saved_step = meta.steps_done;
  }

  // A log line that cannot be written stops the run (a log that silently ends is worse than
  // no log), after saving the model so that no training is lost.
  [[noreturn]] void log_failed(int err) {
    std::string model;
    try {
      save();
      model = meta.steps_done == policy.steps
                  ? fmt::format("training finished and the model is saved in {}", policy.model_path)
                  : fmt::format("the model is saved in {}; free some space, then continue with: {}", policy.model_path,
                                policy.continue_command);
    } catch (const Error& e) {
      model = fmt::format("the model could not be saved either ({})", e.what());
    }
    fail("{}: cannot write the training log: {}{}; stopped at step {} of {}; {}", policy.log_path, std::strerror(err),
         err == ENOSPC ? " (the disk is full)" : "", meta.steps_done, policy.steps, model);
  }

  // Appends a history row for the step just done, and its log line.
  void record(const StepStats& stats) {
    const GradientNorms norms = gradient_norms(gan);
    const double row[] = {double(meta.steps_done), stats.loss_d, stats.loss_g, stats.d_real,
                          stats.d_fake,            penalties ? stats.penalty : 0.0,
                          norms.d,                 norms.g,      seconds_before + elapsed()};
    meta.history.insert(meta.history.end(), std::begin(row), std::end(row));
    if (!log) return;
    nlohmann::json j;
    for (size_t i = 0; i < history_columns().size(); ++i) j[history_columns()[i]] = row[i];
    const std::string text = j.dump() + "\n";
    if (std::fputs(text.c_str(), log.get()) < 0 || std::fflush(log.get()) != 0) log_failed(errno);
  }
};

Trainer::Trainer(Gan& gan, ModelMeta& meta, const Tensor& rows, TrainPolicy policy)
    : state_(std::make_unique<State>(gan, meta, std::move(policy))) {
  State& s = *state_;
  const GanConfig& c = gan.config;
  s.batcher = make_batcher(rows, meta.seed, meta.epoch, meta.position);
  s.real = Tensor(c.d_steps * c.batch, c.data_dim());
  for (int64_t j = 0; j < c.d_steps; ++j) s.real_ptrs.push_back(s.real.row(j * c.batch));
  s.begin();
}

Trainer::Trainer(Gan& gan, ModelMeta& meta, std::function<StepStats()> step, TrainPolicy policy)
    : state_(std::make_unique<State>(gan, meta, std::move(policy))) {
  State& s = *state_;
  s.step = std::move(step);
  s.begin();
}

Trainer::~Trainer() = default;

TrainEnd Trainer::run(const TrainHooks& hooks) {
  State& s = *state_;
  ModelMeta& meta = s.meta;
  const TrainPolicy& policy = s.policy;
  const int64_t first_step = meta.steps_done;
  while (meta.steps_done < policy.steps) {
    StepStats stats;
    if (s.step) {
      stats = s.step();
    } else {
      next_batch(s.batcher, s.real.data(), s.real.rows());
      stats = gan_step(s.gan, s.real_ptrs.data());
      meta.epoch = s.batcher.epoch;
      meta.position = s.batcher.position;
    }
    ++meta.steps_done;
    if (!std::isfinite(stats.loss_d) || !std::isfinite(stats.loss_g))
      throw Diverged(fmt::format(
          "training diverged at step {} (loss_d {}, loss_g {}); {}; try a lower learning rate (--lr-d, --lr-g)",
          meta.steps_done, stats.loss_d, stats.loss_g, s.kept()));
    const int64_t step = meta.steps_done;
    const bool logged = step % policy.log_every == 0 || step == policy.steps;
    if (logged) s.record(stats);
    if (hooks.progress) hooks.progress(TrainProgress{step, policy.steps, first_step, s.elapsed(), stats, logged});
    if (policy.snapshot_every > 0 && step % policy.snapshot_every == 0) meta.snapshots.push_back(snapshot(s.gan, step));
    if (policy.checkpoint_every > 0 && step % policy.checkpoint_every == 0 && step != policy.steps) s.save();
    if (step < policy.steps && hooks.stop && hooks.stop()) {  // at the last step, just finish
      if (s.saved_step != step) s.save();
      return TrainEnd::stopped;
    }
  }
  s.save();
  if (s.log) {
    errno = 0;
    if (std::fclose(s.log.release()) != 0) s.log_failed(errno);
  }
  return TrainEnd::finished;
}

TrainSession resume_session(const std::string& model, const std::string& data, int64_t steps) {
  TrainSession s;
  s.gan = read_model(model, s.meta, &s.stored_threads);
  s.resumed = true;
  s.reader = std::make_unique<DatasetReader>(data.empty() ? stored_data(s.meta, model) : parse_data_ref(data));
  check_resume_data(*s.reader, s.meta, s.gan.config, model);
  s.rows = s.reader->read_all_finite();
  if (steps >= 0 && s.meta.steps_done >= (steps > 0 ? steps : s.meta.steps_total))
    fail_usage("{} has already done {} steps; ask for more with --steps", model, s.meta.steps_done);
  return s;
}

std::unique_ptr<DatasetReader> open_training_data(const std::string& data) {
  auto reader = std::make_unique<DatasetReader>(parse_data_ref(data));
  if (reader->rows() == 0) fail("{}: has no rows to train on", reader->ref().display());
  return reader;
}

TrainSession new_session(std::unique_ptr<DatasetReader> reader, const std::string& data, const GanConfig& config,
                         uint64_t seed, const std::string& normalize) {
  TrainSession s;
  s.reader = std::move(reader);
  s.rows = s.reader->read_all_finite();
  s.gan = make_gan(config, seed);
  s.meta.seed = seed;
  describe_data(s.meta, *s.reader, data, normalize, s.rows);
  return s;
}

void set_lr_decay(GanConfig& c, int64_t steps, bool resumed, bool linear_decay) {
  const bool decay = resumed ? c.opt_g.decay_steps > 0 : linear_decay;
  c.opt_g.decay_steps = decay ? steps : 0;
  c.opt_d.decay_steps = decay ? steps * c.d_steps : 0;
}

void ready_session(TrainSession& s, int64_t steps, bool linear_decay, const std::string& command) {
  set_lr_decay(s.gan.config, steps, s.resumed, linear_decay);
  renormalize_rows(s.reader->meta().schema.normalization, s.meta.schema.normalization, s.rows.data(), s.rows.rows(), s.rows.cols());
  s.meta.command = command;
}

const std::vector<const char*>& model_flags() {
  static const std::vector<const char*> flags = {
      "--loss",         "--d-steps", "--pack",   "--prior",        "--z-dim",        "--clip",     "--gp-weight",
      "--r1",           "--g-hidden", "--d-hidden", "--g-activation", "--d-activation", "--g-output", "--g-alpha",
      "--d-alpha",      "--init",    "--optimizer", "--lr-g",        "--lr-d",         "--beta1",    "--beta2",
      "--momentum",     "--weight-decay", "--batch", "--normalize",  "--seed",         "--lr-decay", "--ema",
      "--arch"};
  return flags;
}

DataRef stored_data(const ModelMeta& meta, const std::string& model) {
  const std::string& stored = meta.data_source;
  DataRef ref = parse_data_ref(stored);
  std::error_code ec;
  if (stored.empty() || std::filesystem::exists(ref.path, ec)) return ref;
  const std::filesystem::path beside = std::filesystem::path(model).parent_path() / ref.path;
  if (std::filesystem::path(ref.path).is_relative() && std::filesystem::exists(beside, ec)) {
    ref.path = beside.string();
    return ref;
  }
  fail("{} was trained on {} (the stored path), which is not found here{}; pass --data FILE to resume", model, stored,
       std::filesystem::path(ref.path).is_relative() ? " nor beside the model" : "");
}

void check_resume_data(const DatasetReader& reader, const ModelMeta& meta, const GanConfig& config,
                       const std::string& model) {
  if (reader.cols() != config.data_dim())
    fail("{}: has {} columns but the model {} was trained on {}", reader.ref().display(), reader.cols(), model,
         config.data_dim());
  // An exact continuation needs the same rows in the same order.
  const std::vector<std::string> columns = column_names(meta.schema);
  if (reader.rows() != meta.data_rows || column_names(reader.meta().schema) != columns)
    fail("{}: is not the data {} was trained on ({} rows, columns {}); resume with that file as --data",
         reader.ref().display(), model, meta.data_rows, fmt::join(columns, ", "));
}

void describe_data(ModelMeta& meta, const DatasetReader& reader, const std::string& source, const std::string& normalize,
                   const Tensor& rows) {
  const DatasetMeta& data = reader.meta();
  meta.data_source = source;
  meta.data_rows = rows.rows();
  meta.image = data.image;
  meta.schema = data.schema;
  meta.schema.normalization =
      training_normalization(normalize, data.schema.normalization, rows, column_names(data.schema),
                             /*image=*/!data.image.empty());
}

Normalization training_normalization(const std::string& method, const Normalization& stored, const Tensor& rows,
                                     const std::vector<std::string>& columns, bool image) {
  // G learns the data standardized: a scale near 1 suits its initialization and Adam.
  if (method == "none" || (method == "auto" && stored.method != "none")) return stored;
  if (method != "auto" && method != "standard" && method != "minmax" && method != "pixels")
    fail_usage("--normalize must be auto, none, standard, minmax or pixels (got '{}')", method);
  // Images: one map for every pixel (renormalized from what is stored, as rows are read).
  if (method == "pixels" || (method == "auto" && image)) return pixels_normalization(rows.cols());
  return fit_normalization_to_rows(method == "auto" ? "standard" : method, stored, rows.data(), rows.rows(),
                                   rows.cols(), columns);
}

int training_threads(int requested, int64_t stored, const GanConfig& config) {
  const bool given = requested > 0 || std::getenv("OMP_NUM_THREADS");
  return given ? resolve_threads(requested) : stored > 0 ? static_cast<int>(stored) : default_threads(config);
}

std::optional<ModeStats> mode_coverage(Gan& gan, const ModelMeta& meta) {
  const TrueDistribution& truth = meta.schema.distribution;
  if (truth.modes.empty() || !(truth.mode_std > 0)) return std::nullopt;
  Rng rng = make_rng(meta.seed, 3);
  const Tensor x = generate_rows(gan.config.ema > 0 ? gan.g_ema : gan.g, gan.config, meta.schema.normalization, rng, 10000);
  return mode_stats(x, truth.modes, truth.mode_std);
}

Tensor generate_rows(Net& g, const GanConfig& c, const Normalization& norm, Rng& rng, int64_t n) {
  Tensor z(n, c.z_dim());
  sample_noise(c.prior, rng, z.data(), z.size());
  Tensor x = g.forward(z.data(), n);
  denormalize_rows(norm, x.data(), n, x.cols());
  return x;
}

}  // namespace gantool
