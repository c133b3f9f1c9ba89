// gantool train on a typed table: the tabular model (lib/tabular), CTGAN's conditional GAN,
// with the flags of train.cpp and CTGAN's defaults.
#include <algorithm>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"
#include "gan/cost.hpp"
#include "tabular/tabular_train.hpp"
#include "train.hpp"

namespace gantool {

void apply_tabular_defaults(TrainOptions& opt, CLI::App& cmd) {
  // Xu et al. 2019 and sdv-dev/CTGAN: WGAN-GP (λ 10) with one D step, PacGAN 10, z 128, two
  // hidden layers of 256 in G (residual blocks with batch norm) and D, Adam 2e-4 with β (0.5,
  // 0.9) and weight decay 1e-6, batch 500, 300 epochs; no moving average. D without CTGAN's
  // dropout 0.5, which measured worse (README, "Synthetic tables").
  default_unless_given(cmd, "--loss", opt.loss, std::string("wgan-gp"));
  default_unless_given(cmd, "--d-steps", opt.d_steps, int64_t{1});
  default_unless_given(cmd, "--pack", opt.pack, int64_t{10});
  default_unless_given(cmd, "--z-dim", opt.z_dim, int64_t{128});
  default_unless_given(cmd, "--g-hidden", opt.g_hidden, std::string("256,256"));
  default_unless_given(cmd, "--d-hidden", opt.d_hidden, std::string("256,256"));
  default_unless_given(cmd, "--g-blocks", opt.g_blocks, std::string("residual"));
  default_unless_given(cmd, "--lr-g", opt.lr_g, 2e-4);
  default_unless_given(cmd, "--lr-d", opt.lr_d, 2e-4);
  default_unless_given(cmd, "--beta1", opt.beta1, 0.5);
  default_unless_given(cmd, "--beta2", opt.beta2, 0.9);
  default_unless_given(cmd, "--weight-decay", opt.weight_decay, 1e-6);
  default_unless_given(cmd, "--batch", opt.batch, int64_t{500});
  default_unless_given(cmd, "--ema", opt.ema, 0.0);
  default_unless_given(cmd, "--log-every", opt.log_every, int64_t{100});
}

void run_train_tabular(TrainOptions opt, CLI::App& cmd) {
  const bool resuming = !opt.resume.empty();
  if (opt.snapshot_every > 0)
    fail_usage("--snapshot-every applies to the MLP GAN (--arch mlp): its pictures, plot critic, are of 2-D data");
  TempFile{opt.model};  // fails now, not after training, when the model's folder is missing
  TabularSession s;
  if (resuming) {
    const bool epochs = cmd.count("--epochs") > 0;
    s = resume_tabular_session(opt.resume, opt.data, epochs ? -1 : cmd.count("--steps") > 0 ? opt.steps : 0);
    if (epochs) opt.steps = epoch_steps(opt.epochs, s.table.rows, s.gan.config.batch);
    else if (cmd.count("--steps") == 0) opt.steps = s.meta.steps_total;
    if (s.meta.steps_done >= opt.steps)
      fail_usage("{} has already done {} steps; ask for more with --steps or --epochs", opt.resume, s.meta.steps_done);
  } else {
    // The tabular model's networks are fixed but for their widths (ReLU in G, leaky ReLU 0.2
    // in D, heads by column), and its transform replaces a normalization: a flag that asks
    // for something else is refused (one that states what the model does, as a
    // --print-config file does, is fine).
    const auto refuse = [&](const char* flag, bool same) {
      if (cmd.count(flag) > 0 && !same) fail_usage("{} does not apply to the tabular model (--arch tabular)", flag);
    };
    refuse("--g-activation", opt.g_activation == "relu");
    refuse("--d-activation", opt.d_activation == "leaky_relu" || opt.d_activation == "leaky-relu");
    refuse("--g-output", opt.g_output == "identity");
    refuse("--g-alpha", opt.g_alpha < 0);
    refuse("--d-alpha", opt.d_alpha < 0 || opt.d_alpha == 0.2);
    refuse("--normalize", opt.normalize == "auto");
    const GanConfig game = gan_config(opt, /*data_dim=*/1);  // checks the flags
    if (!(opt.d_dropout >= 0 && opt.d_dropout < 1)) fail_usage("--d-dropout must be at least 0 and below 1 (got {})", opt.d_dropout);
    if (opt.g_blocks != "plain" && opt.g_blocks != "residual")
      fail_usage("--g-blocks must be plain or residual (got '{}')", opt.g_blocks);
    const TabularShape shape{opt.z_dim, parse_widths(opt.g_hidden, "--g-hidden"), parse_widths(opt.d_hidden, "--d-hidden"),
                             static_cast<float>(opt.d_dropout), opt.g_blocks == "residual"};
    s = new_tabular_session(opt.data, shape, game, opt.seed);
    require_memory(training_bytes(s.gan.config),
                   fmt::format("train: --batch {} on {} encoded values per row", opt.batch, s.gan.config.data_dim()),
                   "--batch (or the widths --g-hidden, --d-hidden)");
    s.meta.config_text = "[train]\n" + config_text(cmd, /*without_steps=*/cmd.count("--steps") == 0);
    if (cmd.count("--epochs") > 0)
      opt.steps = epoch_steps(opt.epochs, s.table.rows, opt.batch);
    else if (cmd.count("--steps") == 0)  // 300 epochs, and at least kMinTabularSteps
      opt.steps = std::max(epoch_steps(opt.epochs, s.table.rows, opt.batch), kMinTabularSteps);
  }
  ready_tabular_session(s);
  refuse_overwrite(opt.model, "--model", s.meta.data_source);
  if (!opt.log.empty()) refuse_overwrite(opt.log, "--log", s.meta.data_source);
  set_threads(training_threads(opt.threads, s.stored_threads, s.gan.config));
  GanConfig& c = s.gan.config;
  set_lr_decay(c, opt.steps, resuming, opt.lr_decay == "linear");
  s.meta.command = command_line();

  const TrainPolicy policy = train_policy(opt, s.meta.steps_done);
  Trainer trainer(s.gan, s.meta, [&] { return tabular_step(s.gan, *s.data); }, policy);
  run_trainer(trainer, opt, s.meta, has_penalties(c), policy.continue_command);
  if (!opt.quiet)
    fmt::print(stderr, "train: tabular model, {} steps ({:.1f} epochs of {} rows) in {:.1f} s; model written to {}\n",
               s.meta.steps_done, double(s.meta.steps_done) / double(std::max<int64_t>(1, s.table.rows / c.batch)),
               s.table.rows, s.meta.seconds, opt.model);
}

}  // namespace gantool
