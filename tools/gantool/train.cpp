// gantool train: binds the flags of a training run, builds its configuration, and runs the
// library's Trainer (lib/gan/trainer.hpp) with a progress line, then prints a summary.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"
#include "data/normalize.hpp"
#include "gan/cost.hpp"
#include "gan/gan.hpp"
#include "gan/train_options.hpp"
#include "gan/trainer.hpp"
#include "io/dataset_file.hpp"
#include "io/model_file.hpp"
#include "progress.hpp"
#include "tabular/tabular_train.hpp"
#include "train.hpp"

namespace gantool {

namespace {

// Refuses sizes whose networks and batch buffers cannot fit in memory (they would grow until
// the system kills the run).
void check_memory(const GanConfig& c, const TrainOptions& o) {
  require_memory(training_bytes(c),
                 fmt::format("train: --batch {} with --z-dim {}, --g-hidden {}, --d-hidden {} on {} columns", o.batch,
                             o.z_dim, o.g_hidden, o.d_hidden, c.data_dim()),
                 "--batch (or the widths --g-hidden, --d-hidden)");
}

// The loss's own settings (gan/cost.hpp, loss_defaults; wgan-gp: --d-steps 5, --lr-g and
// --lr-d 1e-4, --beta2 0.9), where not given; set as the options' defaults so that
// --print-config and the model's options say so.
void apply_loss_defaults(TrainOptions& opt, CLI::App& cmd) {
  const LossDefaults d = loss_defaults(opt.loss);
  default_unless_given(cmd, "--d-steps", opt.d_steps, d.d_steps);
  default_unless_given(cmd, "--lr-g", opt.lr_g, d.lr_g);
  default_unless_given(cmd, "--lr-d", opt.lr_d, d.lr_d);
  default_unless_given(cmd, "--beta1", opt.beta1, d.beta1);
  default_unless_given(cmd, "--beta2", opt.beta2, d.beta2);
}

// DCGAN's settings (Radford et al. 2016, as issue 18 of gantool states them), where not
// given: z of 100, batch 64, channels 128, 64 in G and 64, 128 in D, a tanh output (image
// data is normalized to [−1, 1]), weights N(0, 0.02²). Adam's 2e-4 and β (0.5, 0.999) are
// already the defaults.
void apply_dcgan_defaults(TrainOptions& opt, CLI::App& cmd) {
  default_unless_given(cmd, "--z-dim", opt.z_dim, int64_t{100});
  default_unless_given(cmd, "--batch", opt.batch, int64_t{64});
  default_unless_given(cmd, "--g-hidden", opt.g_hidden, std::string("128,64"));
  default_unless_given(cmd, "--d-hidden", opt.d_hidden, std::string("64,128"));
  default_unless_given(cmd, "--g-output", opt.g_output, std::string("tanh"));
  default_unless_given(cmd, "--init", opt.init, std::string("dcgan"));
}

// The image shape (C, H, W) of a training data file, empty for other data (or no file: the
// run's other checks say so).
std::vector<int64_t> data_image(const std::string& data) {
  if (data.empty()) return {};
  return DatasetReader(parse_data_ref(data)).meta().image;
}

// The flags' checks that need no file.
void check_flags(TrainOptions& opt, const CLI::App& cmd) {
  if (!opt.resume.empty()) {
    for (const char* flag : model_flags())
      if (cmd.count(flag) > 0) fail_usage("{} cannot change when resuming; it is fixed by {}", flag, opt.resume);
    if (opt.model.empty()) opt.model = opt.resume;
  }
  if (opt.model.empty()) fail_usage("--model FILE.h5 is required: where to write the model");
  if (opt.data.empty() && opt.resume.empty()) fail_usage("--data FILE.h5 is required: the training data");
  if (opt.steps < 1) fail_usage("--steps must be at least 1 (got {})", opt.steps);
  if (opt.log_every < 1) fail_usage("--log-every must be at least 1 (got {})", opt.log_every);
  if (opt.checkpoint_every < 0) fail_usage("--checkpoint-every must not be negative");
  if (opt.snapshot_every < -1) fail_usage("--snapshot-every must not be negative (0: none)");
  if (cmd.count("--epochs") > 0 && cmd.count("--steps") > 0) fail_usage("give --steps or --epochs, not both");
  if (opt.epochs < 1) fail_usage("--epochs must be at least 1 (got {})", opt.epochs);
}

// Whether the run trains the tabular model: --arch, else (auto) a typed table or a tabular
// model to resume.
bool tabular_run(const TrainOptions& opt) {
  if (opt.arch != "auto" && opt.arch != "mlp" && opt.arch != "dcgan" && opt.arch != "tabular")
    fail_usage("--arch must be auto, mlp, dcgan or tabular (got '{}')", opt.arch);
  if (!opt.resume.empty()) return is_tabular_model(opt.resume);
  if (opt.arch != "auto") return opt.arch == "tabular";
  return !opt.data.empty() && holds_typed_table(opt.data);
}

// Refuses a --snapshot-every that would keep more snapshots than fit in memory (or in reason).
void check_snapshots(const TrainSession& s, int64_t steps) {
  const int64_t every = s.meta.snapshot_every;
  if (every == 0) return;
  const int64_t count = static_cast<int64_t>(s.meta.snapshots.size()) + steps / every - s.meta.steps_done / every;
  if (count == 0)
    fail_usage("--snapshot-every {} keeps no snapshot in {} steps: give at most {}", every, steps, steps);
  if (count > kMaxSnapshots)
    fail_usage("--snapshot-every {} would keep {} snapshots of {} steps; keep at most {} (a larger --snapshot-every)",
               every, count, steps, kMaxSnapshots);
  const double floats = double(s.gan.g.params.size() + s.gan.g.state.size() + s.gan.d.params.size());
  require_memory(3 * 4 * floats * double(count), fmt::format("train: --snapshot-every {} ({} snapshots)", every, count),
                 "--snapshot-every (a larger interval)");
}

// The closing line: steps, time, the file, and on synthetic data the modes G covers.
void print_summary(TrainSession& s, const TrainOptions& opt) {
  fmt::print(stderr, "train: {} steps in {:.1f} s; model written to {}", s.meta.steps_done, s.meta.seconds, opt.model);
  if (const auto m = mode_coverage(s.gan, s.meta))
    fmt::print(stderr, "; modes covered {}/{}, {:.1f}% of samples within 3 std of a mode, KL(modes ‖ uniform) {:.3f}",
               m->covered, m->modes, 100 * m->high_quality, m->kl_to_uniform);
  fmt::print(stderr, "\n");
}

void run_train(TrainOptions opt, CLI::App& cmd) {
  const bool resuming = !opt.resume.empty();
  const bool tabular = tabular_run(opt);
  if (!resuming && tabular) apply_tabular_defaults(opt, cmd);
  const std::vector<int64_t> image = resuming || tabular ? std::vector<int64_t>{} : data_image(opt.data);
  if (!resuming && !tabular && resolved_arch(opt, image) == "dcgan") apply_dcgan_defaults(opt, cmd);
  if (!resuming && !tabular) apply_loss_defaults(opt, cmd);
  // (A --print-config file states the default 10 for every loss: that is not a mistake.)
  if (!resuming && cmd.count("--gp-weight") > 0 && opt.gp_weight != 10 && opt.loss != "wgan-gp")
    fail_usage("--gp-weight is the weight of --loss wgan-gp's penalty (the loss is {}); for a penalty with any loss use --r1",
               opt.loss);
  if (opt.print_config) {
    // A tabular run's length is 300 epochs (at least kMinTabularSteps steps) unless --steps
    // is given: the MLP's default steps line would replace that rule.
    fmt::print("[train]\n{}", config_text(cmd, /*without_steps=*/tabular && cmd.count("--steps") == 0));
    return;
  }
  check_flags(opt, cmd);
  if (tabular) return run_train_tabular(opt, cmd);
  if (opt.d_dropout != 0) fail_usage("--d-dropout applies to the tabular model (--arch tabular) only");
  if (opt.g_blocks != "plain") fail_usage("--g-blocks applies to the tabular model (--arch tabular) only");
  TempFile{opt.model};  // fails now, not after training, when the model's folder is missing
  TrainSession s;
  if (resuming) {
    s = resume_session(opt.resume, opt.data, cmd.count("--steps") > 0 ? opt.steps : cmd.count("--epochs") > 0 ? -1 : 0);
    if (cmd.count("--steps") == 0) opt.steps = s.meta.steps_total;
  } else {
    std::unique_ptr<DatasetReader> reader = open_training_data(opt.data);
    const GanConfig config = gan_config(opt, reader->cols(), reader->meta().image);
    check_memory(config, opt);
    s = new_session(std::move(reader), opt.data, config, opt.seed, opt.normalize);
    s.meta.config_text = "[train]\n" + config_text(cmd);
  }
  if (cmd.count("--epochs") > 0) opt.steps = epoch_steps(opt.epochs, s.rows.rows(), s.gan.config.batch);
  if (resuming && s.meta.steps_done >= opt.steps)
    fail_usage("{} has already done {} steps; ask for more with --steps or --epochs", opt.resume, s.meta.steps_done);
  refuse_overwrite(opt.model, "--model", s.reader->ref().path);
  if (!opt.log.empty()) refuse_overwrite(opt.log, "--log", s.reader->ref().path);
  // A resume keeps the thread count of the run it continues, unless told otherwise.
  set_threads(training_threads(opt.threads, s.stored_threads, s.gan.config));
  ready_session(s, opt.steps, opt.lr_decay == "linear", command_line());

  if (opt.snapshot_every >= 0) s.meta.snapshot_every = opt.snapshot_every;
  check_snapshots(s, opt.steps);
  TrainPolicy policy = train_policy(opt, s.meta.steps_done);
  policy.snapshot_every = s.meta.snapshot_every;
  Trainer trainer(s.gan, s.meta, s.rows, policy);
  run_trainer(trainer, opt, s.meta, has_penalties(s.gan.config), policy.continue_command);
  if (!opt.quiet) print_summary(s, opt);
}

// Adds the flags of the game, the networks, the optimization and the output, in groups, with
// their defaults shown in --help.
void add_model_options(CLI::App* cmd, TrainOptions& o) {
  const char* group = "The game";
  const auto add = [&](const char* flag, auto& field, const char* help) {
    return cmd->add_option(flag, field, help)->capture_default_str()->group(group);
  };
  add("--loss", o.loss, "nonsaturating | minimax | hinge | least-squares | wasserstein | wgan-gp");
  add("--d-steps", o.d_steps, "Discriminator updates per generator update (k; wgan-gp: 5)");
  add("--pack", o.pack, "PacGAN: D judges this many samples at once");
  add("--prior", o.prior, "Noise prior: normal | uniform");
  add("--z-dim", o.z_dim, "Noise dimension");
  add("--ema", o.ema, "Average G's weights with this decay; samples come from the average (0: off)");
  add("--clip", o.clip, "wasserstein: clip D's weights to ±clip");
  add("--gp-weight", o.gp_weight, "wgan-gp: the gradient penalty's weight λ");
  add("--r1", o.r1, "R1 penalty (γ/2)·E[‖∇D(x)‖²] on real rows, any loss (0: off)");
  group = "The networks";
  add("--g-hidden", o.g_hidden, "G's hidden widths (dcgan: channels per stage, from the smallest image; default 128,64)");
  add("--d-hidden", o.d_hidden, "D's hidden widths (dcgan: channels per stride-2 convolution; default 64,128)");
  add("--d-dropout", o.d_dropout, "Tabular model: dropout rate after each of D's hidden layers");
  add("--g-blocks", o.g_blocks,
      "Tabular model: G's hidden layers, plain (linear, ReLU) | residual (CTGAN's: linear, batch norm, ReLU, input appended)");
  add("--g-activation", o.g_activation, "G's hidden activation: identity relu leaky_relu elu tanh sigmoid softplus");
  add("--d-activation", o.d_activation, "D's hidden activation");
  add("--g-output", o.g_output, "G's output activation");
  cmd->add_option("--g-alpha", o.g_alpha, "α of G's activation (leaky slope 0.2, elu 1 by default)")->group(group);
  cmd->add_option("--d-alpha", o.d_alpha, "α of D's activation")->group(group);
  add("--init", o.init, "Weight initialization: pytorch | he | xavier | dcgan (N(0, 0.02²))");
  group = "Optimization";
  add("--optimizer", o.optimizer, "adam | sgd");
  add("--lr-g", o.lr_g, "G's learning rate");
  add("--lr-d", o.lr_d, "D's learning rate");
  add("--beta1", o.beta1, "Adam's β1");
  add("--beta2", o.beta2, "Adam's β2");
  add("--momentum", o.momentum, "SGD's momentum");
  add("--weight-decay", o.weight_decay, "Decoupled weight decay (Adam) or L2 (SGD)");
  add("--batch", o.batch, "Samples per minibatch");
  add("--lr-decay", o.lr_decay, "linear (to 0 at the last step) | none");
  add("--normalize", o.normalize,
      "auto (the file's normalization, else pixels for images, else standard) | none (the values as stored) | "
      "standard | minmax (fitted on the data) | pixels (0..255 to [-1, 1]); stored in the model");
  group = "Output";
  add("--checkpoint-every", o.checkpoint_every, "Write the model every N steps (0: at the end only)");
  add("--log-every", o.log_every, "Steps between history rows (and lines, in a pipe)");
  cmd->add_option("--snapshot-every", o.snapshot_every,
                  "Keep G's and D's weights every N steps in the model, for `gantool plot critic --every` "
                  "(0: none; default: as the resumed model did, else none)")
      ->group(group);
  cmd->add_option("--log", o.log, "Also write one JSON object per logged step to this file")->group(group);
  cmd->add_flag("-q,--quiet", o.quiet, "No progress and no summary")->group(group);
  cmd->add_flag("--print-config", o.print_config, "Print every resolved option as a --config file, then exit")
      ->configurable(false)->group(group);
}

}  // namespace

std::string config_text(const CLI::App& cmd, bool without_steps) {
  std::stringstream in(cmd.config_to_str(/*default_also=*/true, /*write_description=*/false));
  std::string text;
  for (std::string line; std::getline(in, line);)
    if ((line.size() < 3 || line.compare(line.size() - 3, 3, "=\"\"") != 0) && !(without_steps && line.starts_with("steps=")))
      text += line + "\n";
  return text;
}

std::string progress_text(const TrainProgress& p, bool penalties) {
  const double rate = (p.step - p.first_step) / std::max(p.seconds, 1e-9);
  const double eta = rate > 0 ? (p.steps - p.step) / rate : 0;
  const StepStats& s = p.stats;
  std::string text = fmt::format("step {}/{}  {:.0f} steps/s  ETA {:.0f}s  loss_d {:.4f}  loss_g {:.4f}  D(x) {:.3f}  D(G(z)) {:.3f}",
                                 p.step, p.steps, rate, eta, s.loss_d, s.loss_g, s.d_real, s.d_fake);
  if (penalties) text += fmt::format("  penalty {:.4f}", s.penalty);
  return text;
}

TrainPolicy train_policy(const TrainOptions& opt, int64_t steps_done) {
  const bool resuming = !opt.resume.empty();
  return TrainPolicy{.steps = opt.steps,
                     .log_every = opt.log_every,
                     .checkpoint_every = opt.checkpoint_every,
                     .model_path = opt.model,
                     .log_path = opt.log,
                     .append_log = resuming,
                     .saved_step = resuming && opt.model == opt.resume ? steps_done : -1,
                     .continue_command = fmt::format("gantool train --resume {} --steps {}", opt.model, opt.steps)};
}

void run_trainer(Trainer& trainer, const TrainOptions& opt, const ModelMeta& meta, bool penalties,
                 const std::string& continue_command) {
  ProgressLine line(opt.quiet);
  const bool plain = !opt.quiet && !line.live();  // a pipe: a line every --log-every steps
  TrainHooks hooks;
  hooks.progress = [&](const TrainProgress& p) {
    if (plain && p.logged) fmt::print(stderr, "train: {}\n", progress_text(p, penalties));
    if (line.live() && (p.step == p.steps || line.due())) line.show(progress_text(p, penalties));
  };
  hooks.stop = interrupt_requested;
  defer_interrupts();
  const TrainEnd end = trainer.run(hooks);
  line.keep();
  if (end == TrainEnd::stopped)
    throw Interrupted(fmt::format("interrupted at step {} of {}; the model is saved in {}; continue with: {}",
                                  meta.steps_done, opt.steps, opt.model, continue_command));
}

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
  cmd->add_option("--steps", opt->steps, "Total training iterations (tabular model: 300 epochs, at least 5000 steps)")->capture_default_str();
  cmd->add_option("--epochs", opt->epochs, "Instead of --steps: passes over the data (max(1, rows/batch) steps each)");
  cmd->add_option("--arch", opt->arch,
                  "auto (tabular for a typed table, dcgan for images, else mlp) | mlp | dcgan (convolutional, for "
                  "images; --g-hidden and --d-hidden give channels per stride-2 stage) | tabular (CTGAN's conditional "
                  "GAN for mixed tables)")
      ->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of the initialization, noise and data order")->capture_default_str()->check(seed_check());
  cmd->add_option("--threads", opt->threads,
                  "Threads (default: OMP_NUM_THREADS, else 1 for small networks and all cores for larger ones)")
      ->check(CLI::Range(1, 4096));
  add_model_options(cmd, *opt);
  cmd->callback([opt, cmd] { run_train(*opt, *cmd); });
}

}  // namespace gantool
