// gantool sample: draw rows from a trained generator, block by block, into a dataset file,
// a CSV file or stdout. Row i of the output depends on the seed and i alone (noise indexed
// by row, networks run on fixed tiles: nn/tiled.hpp), so any --batch and thread count give
// the same bits, and -n 1000 is a prefix of -n 1000000.

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "progress.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"
#include "data/normalize.hpp"
#include "gan/gan.hpp"
#include "io/dataset_file.hpp"
#include "io/model_file.hpp"
#include "io/row_output.hpp"
#include "nn/tiled.hpp"

namespace gantool {

namespace {

// Substreams of the --seed: the noise of candidate i, its acceptance draw (--reject), and
// the burn-in draws that fix the rejection bound.
constexpr uint64_t kNoiseStream = 0, kAcceptStream = 1, kBurnInStream = 2;
constexpr int64_t kMaxRows = int64_t{1} << 50, kMaxBatch = int64_t{1} << 24;

// A damaged model (or a diverged one saved by hand) must not pass NaN on as data.
void require_finite(const Tensor& t, int64_t rows, const std::string& model, const char* what) {
  for (int64_t i = 0; i < rows * t.cols(); ++i)
    if (!std::isfinite(t.data()[i])) fail("{}: {} produced a value that is not finite (damaged model?)", model, what);
}

struct SampleOptions {
  std::string model, out, latent;
  int64_t rows = 0;
  uint64_t seed = 1;
  int64_t batch = 0;  // 0: auto_batch()
  std::string generator = "auto";
  bool raw = false, save_latent = false, quiet = false;
  bool reject = false;
  double reject_gamma = 0;
  int64_t reject_burn_in = 10000;
};

int64_t round_up(int64_t n, int64_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// Rows per block by default: noise and output of about 8 MB (small blocks stay in cache and
// hand over to the output thread often), at most 65536 rows, and a whole number of tiles
// for every thread.
int64_t auto_batch(const GanConfig& c, int threads) {
  const int64_t round = TiledForward::kTileRows * threads;
  const int64_t rows = std::clamp<int64_t>((int64_t{1} << 21) / (c.z_dim() + c.data_dim()), round, std::max<int64_t>(round, 65536));
  return rows / round * round;
}

// Discriminator rejection sampling (Azadi et al. 2019, "Discriminator Rejection Sampling").
// With D = σ(logit) near D* = p_data/(p_data + p_g), p_data/p_g = exp(logit); a draw is kept
// with probability σ(F), F = d − log(1 − exp(d − ε)) − γ, d = logit − log M, where
// M = max exp(logit) over a burn-in. At γ = 0 this is exactly exp(d) = ratio/M: textbook
// rejection sampling, whose output follows p_g·ratio ∝ p_data.
struct Rejection {
  double log_m = 0, gamma = 0;
  double keep_probability(float logit) const {
    const double d = logit - log_m;
    if (d >= 0) return 1;  // above the burn-in's bound (Azadi et al. then raise M; a fixed M keeps rows reproducible)
    const double f = d - std::log1p(-std::exp(d - 1e-6)) - gamma;
    return 1 / (1 + std::exp(-f));
  }
};

void run_sample(const SampleOptions& opt, CLI::App& cmd) {
  const bool rows_given = cmd.count("--rows") > 0;
  if (rows_given && (opt.rows < 1 || opt.rows > kMaxRows))
    fail_usage("-n must be between 1 and {} (got {})", kMaxRows, opt.rows);
  check_output_name(opt.out, "-o");
  if (!rows_given && opt.latent.empty()) fail_usage("-n ROWS is required: how many rows to draw");
  if (opt.batch < 0 || opt.batch > kMaxBatch || (opt.batch == 0 && cmd.count("--batch")))
    fail_usage("--batch must be between 1 and {} (got {})", kMaxBatch, opt.batch);
  if (!opt.reject && (cmd.count("--reject-gamma") || cmd.count("--reject-burn-in")))
    fail_usage("--reject-gamma and --reject-burn-in apply to --reject only");
  if (opt.generator != "auto" && opt.generator != "ema" && opt.generator != "last")
    fail_usage("--generator must be auto, ema or last (got '{}')", opt.generator);
  if (opt.reject && !opt.latent.empty())
    fail_usage("--reject draws its own noise; it cannot be combined with --latent");
  if (opt.reject_burn_in < 1 || opt.reject_burn_in > 100000000)
    fail_usage("--reject-burn-in must be between 1 and 100000000 (got {})", opt.reject_burn_in);
  if (!std::isfinite(opt.reject_gamma)) fail_usage("--reject-gamma must be finite");

  ModelMeta meta;
  Gan gan = read_model(opt.model, meta);
  const GanConfig c = gan.config;
  refuse_overwrite(opt.out, "-o", opt.model);
  if (opt.generator == "ema" && c.ema == 0)
    fail("{} keeps no moving average of G (trained with --ema 0); use --generator last", opt.model);
  const bool use_ema = opt.generator == "ema" || (opt.generator == "auto" && c.ema > 0);
  if (opt.reject) {
    if (!outputs_probability(c.loss))
      fail("--reject needs a discriminator that outputs a probability (--loss nonsaturating or minimax); "
                 "{} was trained with --loss {}", opt.model, gan_loss_name(c.loss));
    if (c.pack != 1)
      fail("--reject needs a discriminator that judges one row; {} judges packs of {} (--pack)", opt.model,
                 c.pack);
  }

  std::unique_ptr<DatasetReader> latent;
  if (!opt.latent.empty()) {
    DataRef ref = parse_data_ref(opt.latent);
    // A file written with --save-latent holds its noise in /latent.
    if (!ref.dataset_given && is_hdf5_file(ref.path)) {
      for (const DatasetEntry& e : list_datasets(ref.path))
        if (e.path == "/latent") ref.dataset = "/latent";
    }
    latent = std::make_unique<DatasetReader>(ref);
    refuse_overwrite(opt.out, "-o", ref.path);
    if (latent->cols() != c.z_dim())
      fail("{}: has {} columns but the generator of {} takes noise of dimension {}", ref.display(), latent->cols(),
           opt.model, c.z_dim());
    if (latent->rows() == 0) fail("{}: has no rows", ref.display());
    if (rows_given && opt.rows > latent->rows())
      fail("{}: has {} rows, fewer than -n {}", ref.display(), latent->rows(), opt.rows);
  }
  const int64_t n = rows_given ? opt.rows : latent->rows();
  const int threads = gantool::threads();  // set from --threads

  DatasetMeta out_meta;
  out_meta.columns = meta.columns;
  out_meta.command = command_line();
  out_meta.source = fmt::format("gantool sample of {} ({}, step {})", opt.model,
                                use_ema ? "moving average of G" : "G", meta.steps_done);
  if (!latent) out_meta.seed = opt.seed;
  out_meta.normalization = opt.raw ? meta.normalization : Normalization{};
  out_meta.distribution = meta.distribution;
  out_meta.modes = meta.modes;
  out_meta.mode_std = meta.mode_std;
  std::optional<Companion> companion;
  if (opt.save_latent) {
    companion = Companion{"latent", {}};
    for (int64_t j = 0; j < c.z_dim(); ++j) companion->columns.push_back(fmt::format("z{}", j));
  }
  RowOutput out(opt.out, c.data_dim(), std::move(out_meta), companion);

  TiledForward generator(use_ema ? gan.g_ema : gan.g, threads);
  std::unique_ptr<TiledForward> discriminator;
  if (opt.reject) discriminator = std::make_unique<TiledForward>(gan.d, threads);
  gan = Gan{};  // the threads have their copies; optimizer states are not needed
  const Rng noise_rng = make_rng(opt.seed, kNoiseStream);
  const int64_t tile = TiledForward::kTileRows;
  // Blocks start at multiples of the tile, so that their tiles are the same as one call's.
  const int64_t batch = opt.batch > 0 ? opt.batch : auto_batch(c, threads);
  const int64_t block = round_up(std::min(batch, std::max<int64_t>(n, 1)), tile);
  // Noise and rows of a block, the writer's copy, and --reject's kept rows.
  require_memory(4.0 * double(block) * double(c.z_dim() + c.data_dim()) * (opt.reject ? 5 : 3),
                 fmt::format("sample: blocks of {} rows (--batch) of {} + {} columns", block, c.z_dim(), c.data_dim()),
                 "--batch");
  Tensor z(block, c.z_dim()), x(block, c.data_dim());
  // Row-indexed noise for candidates [first, first + count).
  const auto draw_noise = [&](const Rng& rng, int64_t first, int64_t count, Tensor& dst) {
    sample_noise_rows(c.prior, rng, first, count, c.z_dim(), dst.data());
  };

  ProgressLine progress(opt.quiet);
  int64_t drawn = 0;  // candidates generated (≥ rows written with --reject)
  Rejection rejection{0, opt.reject_gamma};
  if (!opt.reject) {
    for (int64_t first = 0; first < n; first += block) {
      const int64_t m = std::min(block, n - first);
      if (latent)
        latent->read_finite(first, m, z.data());
      else
        draw_noise(noise_rng, first, m, z);
      generator.run(z.data(), m, x.data());
      require_finite(x, m, opt.model, "G");
      if (!opt.raw) denormalize_rows(meta.normalization, x.data(), m, c.data_dim());
      out.append(x.data(), m, opt.save_latent ? z.data() : nullptr);
      progress.rows("sample", first + m, n);
    }
    drawn = n;
  } else {
    Tensor logits(block, 1), keep_x(block, c.data_dim()), keep_z(block, c.z_dim()), accept(block, 1);
    // The bound M: the largest density ratio over the burn-in draws.
    const Rng burn_rng = make_rng(opt.seed, kBurnInStream);
    double log_m = -INFINITY;
    for (int64_t first = 0; first < opt.reject_burn_in; first += block) {
      const int64_t m = std::min(block, opt.reject_burn_in - first);
      draw_noise(burn_rng, first, m, z);
      generator.run(z.data(), m, x.data());
      discriminator->run(x.data(), m, logits.data());
      require_finite(logits, m, opt.model, "D");
      for (int64_t i = 0; i < m; ++i) log_m = std::max(log_m, double(logits(i, 0)));
    }
    rejection.log_m = log_m;
    const Rng accept_rng = make_rng(opt.seed, kAcceptStream);
    const int64_t give_up = std::max<int64_t>(1000000, 1000 * n);  // draws, before concluding nothing passes
    while (out.rows() < n) {
      if (drawn >= give_up)
        fail("--reject kept only {} of {} draws; lower --reject-gamma to keep more", out.rows(), drawn);
      draw_noise(noise_rng, drawn, block, z);
      generator.run(z.data(), block, x.data());
      discriminator->run(x.data(), block, logits.data());
      require_finite(x, block, opt.model, "G");
      require_finite(logits, block, opt.model, "D");
      fill_uniform_rows(accept_rng, drawn, block, 1, accept.data(), 0.0f, 1.0f);
      int64_t kept = 0, i = 0;
      for (; i < block && out.rows() + kept < n; ++i) {
        if (accept(i, 0) >= rejection.keep_probability(logits(i, 0))) continue;
        std::copy(x.row(i), x.row(i) + c.data_dim(), keep_x.row(kept));
        std::copy(z.row(i), z.row(i) + c.z_dim(), keep_z.row(kept));
        ++kept;
      }
      drawn += i;  // the draws looked at, up to the last row kept
      if (!opt.raw) denormalize_rows(meta.normalization, keep_x.data(), kept, c.data_dim());
      out.append(keep_x.data(), kept, opt.save_latent ? keep_z.data() : nullptr);
      progress.rows("sample", out.rows(), n);
    }
    DatasetMeta& m = out.meta();
    m.attributes = {{"reject_log_m", rejection.log_m},
                    {"reject_gamma", rejection.gamma},
                    {"reject_burn_in", double(opt.reject_burn_in)},
                    {"reject_draws", double(drawn)},
                    {"reject_acceptance", double(n) / double(drawn)}};
  }
  out.commit();
  progress.clear();
  if (!opt.quiet && opt.out != "-") {
    std::string how;
    if (opt.reject)
      how = fmt::format(", keeping {:.3g}% of {} draws (--reject, γ = {:g}, log M = {:.3f})",
                        100.0 * double(n) / double(drawn), drawn, rejection.gamma, rejection.log_m);
    fmt::print(stderr, "sample: {} rows → {} in {:.2f} s{}\n", n, opt.out, progress.seconds(), how);
  } else if (!opt.quiet && opt.reject) {
    fmt::print(stderr, "sample: kept {:.3g}% of {} draws (--reject)\n", 100.0 * double(n) / double(drawn), drawn);
  }
}

}  // namespace

void add_sample_command(CLI::App& app) {
  auto opt = std::make_shared<SampleOptions>();
  CLI::App* cmd = app.add_subcommand("sample", "Draw rows from a trained generator");
  cmd->footer(
      "Row i of the output depends on --seed and i alone: the same seed gives the same rows for any --batch and\n"
      "thread count, and -n 1000 is a prefix of -n 1000000. With --latent, row i is G of latent row i.\n\n"
      "Examples:\n"
      "  gantool sample --model gan.h5 -n 20000 -o fake.h5\n"
      "  gantool sample --model gan.h5 -n 10 -o -                  # CSV on stdout\n"
      "  gantool sample --model gan.h5 -n 20000 --reject -o kept.h5  # discriminator rejection sampling");
  cmd->add_option("--model", opt->model, "Model file written by 'gantool train'")->required();
  cmd->add_option("-n,--rows", opt->rows, "Rows to write (default with --latent: one per latent row)");
  cmd->add_option("-o,--out", opt->out, "Output: FILE.h5, FILE.csv, or - for CSV on stdout")->required();
  cmd->add_option("--seed", opt->seed, "Seed of the noise")->capture_default_str()->check(seed_check());
  cmd->add_option("--batch", opt->batch, "Rows per block (memory/speed only; rounded up to a multiple of 512; default: about 8 MB of rows, at most 65536)");
  cmd->add_flag("--raw", opt->raw,
                "Write G's output as it is, in the model's normalization (recorded in the file), not data units");
  cmd->add_option("--generator", opt->generator,
                  "auto (the moving average of G when the model keeps one), ema, or last (G's last weights)")
      ->capture_default_str();
  cmd->add_option("--latent", opt->latent,
                  "Map these noise vectors (FILE.h5[:dataset]; default dataset /latent if present, else /data)");
  cmd->add_flag("--save-latent", opt->save_latent,
                "Also write the noise of each row (HDF5: dataset /latent; CSV: columns z0, z1, ... after the data)");
  const std::string reject = "Rejection sampling";
  cmd->add_flag("--reject", opt->reject,
                "Keep each draw with probability from D's density ratio D/(1-D) (Azadi et al. 2019); needs "
                "--loss nonsaturating or minimax and --pack 1")
      ->group(reject);
  cmd->add_option("--reject-gamma", opt->reject_gamma,
                  "Shift γ of the acceptance logit: 0 is exact rejection sampling, < 0 keeps more draws, > 0 fewer")
      ->capture_default_str()
      ->group(reject);
  cmd->add_option("--reject-burn-in", opt->reject_burn_in, "Draws that fix the bound M = max D/(1-D)")
      ->capture_default_str()
      ->group(reject);
  cmd->add_flag("-q,--quiet", opt->quiet, "No progress and no summary");
  add_threads_option(cmd);
  cmd->callback([opt, cmd] { run_sample(*opt, *cmd); });
}

}  // namespace gantool
