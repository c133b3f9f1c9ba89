// gantool sample: draw rows from a trained generator, block by block, into a dataset file,
// a CSV file or stdout. Row i of the output depends on the seed and i alone (noise indexed
// by row, networks run on fixed tiles: nn/tiled.hpp), so any --batch and thread count give
// the same bits, and -n 1000 is a prefix of -n 1000000.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "progress.hpp"
#include "sample.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"
#include "data/normalize.hpp"
#include "gan/gan.hpp"
#include "gan/rejection.hpp"
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
  bool raw = false, save_latent = false, quiet = false, reject = false;
  double reject_gamma = 0;
  int64_t reject_burn_in = 10000;
  std::vector<std::string> conditions;  // tabular models: COLUMN=VALUE
  std::string interpolate;  // "A,B": the noise rows whose spherical path is drawn
  int64_t steps = 10;       // images along that path
  int64_t from = -1, to = -1;  // A and B, parsed
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

void check_flags(SampleOptions& opt, const CLI::App& cmd) {
  const bool rows_given = cmd.count("--rows") > 0;
  if (rows_given && (opt.rows < 1 || opt.rows > kMaxRows))
    fail_usage("-n must be between 1 and {} (got {})", kMaxRows, opt.rows);
  check_output_name(opt.out, "-o");
  if (opt.batch < 0 || opt.batch > kMaxBatch || (opt.batch == 0 && cmd.count("--batch")))
    fail_usage("--batch must be between 1 and {} (got {})", kMaxBatch, opt.batch);
  if (!opt.interpolate.empty()) {
    const size_t comma = opt.interpolate.find(',');
    char* end = nullptr;
    errno = 0;
    opt.from = comma == std::string::npos ? -1 : std::strtoll(opt.interpolate.c_str(), &end, 10);
    const bool first_ok = comma != std::string::npos && end == opt.interpolate.c_str() + comma && errno == 0;
    opt.to = first_ok ? std::strtoll(opt.interpolate.c_str() + comma + 1, &end, 10) : -1;
    if (!first_ok || *end != '\0' || errno != 0 || opt.from < 0 || opt.to < 0 || comma + 1 == opt.interpolate.size())
      fail_usage("--interpolate takes two row numbers A,B (rows of `sample --seed` output, from 0), e.g. 3,17 (got '{}')",
                 opt.interpolate);
    if (opt.steps < 2 || opt.steps > 100000) fail_usage("--steps must be between 2 and 100000 (got {})", opt.steps);
    if (rows_given || !opt.latent.empty() || opt.reject)
      fail_usage("--interpolate draws --steps rows between two noise rows; it takes no -n, --latent or --reject");
    opt.rows = opt.steps;
    return;
  }
  if (cmd.count("--steps") > 0) fail_usage("--steps applies to --interpolate only");
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
}

// Whether the model can do what the flags ask: G's moving average, D's probabilities.
void check_model(const SampleOptions& opt, const GanConfig& c) {
  if (opt.generator == "ema" && c.ema == 0)
    fail("{} keeps no moving average of G (trained with --ema 0); use --generator last", opt.model);
  if (opt.reject && !outputs_probability(c.loss))
    fail("--reject needs a discriminator that outputs a probability (--loss nonsaturating or minimax); "
         "{} was trained with --loss {}", opt.model, gan_loss_name(c.loss));
  if (opt.reject && c.pack != 1)
    fail("--reject needs a discriminator that judges one row; {} judges packs of {} (--pack)", opt.model, c.pack);
}

// The --latent noise, checked against the generator and -n (rows_given: -n was given).
std::unique_ptr<DatasetReader> open_latent(const SampleOptions& opt, const GanConfig& c, bool rows_given) {
  DataRef ref = parse_data_ref(opt.latent);
  // A file written with --save-latent holds its noise in /latent.
  if (!ref.dataset_given && is_hdf5_file(ref.path))
    for (const DatasetEntry& e : list_datasets(ref.path))
      if (e.path == "/latent") ref.dataset = "/latent";
  auto latent = std::make_unique<DatasetReader>(ref);
  refuse_overwrite(opt.out, "-o", ref.path);
  if (latent->cols() != c.z_dim())
    fail("{}: has {} columns but the generator of {} takes noise of dimension {}", ref.display(), latent->cols(),
         opt.model, c.z_dim());
  if (latent->rows() == 0) fail("{}: has no rows", ref.display());
  if (rows_given && opt.rows > latent->rows())
    fail("{}: has {} rows, fewer than -n {}", ref.display(), latent->rows(), opt.rows);
  return latent;
}

// What the output file records: the model's schema (normalization only with --raw) and
// provenance.
DatasetMeta output_meta(const SampleOptions& opt, const ModelMeta& meta, bool use_ema, bool latent) {
  DatasetMeta out_meta;
  out_meta.schema = meta.schema;
  if (!opt.raw) out_meta.schema.normalization = Normalization{};
  if (!opt.raw) out_meta.image = meta.image;  // images: stored as (N, C, H, W) bytes, or PNG files
  out_meta.command = command_line();
  out_meta.source = fmt::format("gantool sample of {} ({}, step {})", opt.model,
                                use_ema ? "moving average of G" : "G", meta.steps_done);
  if (!latent) out_meta.seed = opt.seed;
  return out_meta;
}

// What both ways of drawing share: G, the block buffers and the output.
struct Drawing {
  const SampleOptions& opt;
  const GanConfig& c;
  const Normalization& norm;  // G's output → data units
  TiledForward& generator;
  RowOutput& out;
  ProgressLine& progress;
  int64_t block;
  Tensor z, x;  // (block, z_dim), (block, data_dim)

  // Row-indexed noise for candidates [first, first + count) into z.
  void draw_noise(const Rng& rng, int64_t first, int64_t count) {
    sample_noise_rows(c.prior, rng, first, count, c.z_dim(), z.data());
  }
};

// Writes G of n noise rows (from `latent`, else drawn), block by block.
void draw_all(Drawing& d, DatasetReader* latent, int64_t n) {
  const Rng noise_rng = make_rng(d.opt.seed, kNoiseStream);
  for (int64_t first = 0; first < n; first += d.block) {
    const int64_t m = std::min(d.block, n - first);
    if (latent) latent->read_finite(first, m, d.z.data());
    else d.draw_noise(noise_rng, first, m);
    d.generator.run(d.z.data(), m, d.x.data());
    require_finite(d.x, m, d.opt.model, "G");
    if (!d.opt.raw) denormalize_rows(d.norm, d.x.data(), m, d.c.data_dim());
    d.out.append(d.x.data(), m, d.opt.save_latent ? d.z.data() : nullptr);
    d.progress.rows("sample", first + m, n);
  }
}

// Writes G along the spherical path between noise rows opt.from and opt.to (of --seed's
// stream, so the ends are those rows of a plain `sample --seed`), in opt.steps rows.
void draw_interpolation(Drawing& d) {
  const Rng noise_rng = make_rng(d.opt.seed, kNoiseStream);
  const int64_t z_dim = d.c.z_dim();
  std::vector<float> ends(static_cast<size_t>(2 * z_dim));
  d.draw_noise(noise_rng, d.opt.from, 1);
  std::copy_n(d.z.data(), z_dim, ends.data());
  d.draw_noise(noise_rng, d.opt.to, 1);
  std::copy_n(d.z.data(), z_dim, ends.data() + z_dim);
  slerp_rows(ends.data(), ends.data() + z_dim, z_dim, d.opt.steps, d.z.data());
  d.generator.run(d.z.data(), d.opt.steps, d.x.data());
  require_finite(d.x, d.opt.steps, d.opt.model, "G");
  if (!d.opt.raw) denormalize_rows(d.norm, d.x.data(), d.opt.steps, d.c.data_dim());
  d.out.append(d.x.data(), d.opt.steps, d.opt.save_latent ? d.z.data() : nullptr);
}

// Writes n rows kept by discriminator rejection sampling; returns the draws looked at.
int64_t draw_rejected(Drawing& d, TiledForward& discriminator, Rejection& rejection, int64_t n) {
  const GanConfig& c = d.c;
  Tensor logits(d.block, 1), keep_x(d.block, c.data_dim()), keep_z(d.block, c.z_dim());
  // The bound log M: the largest logit of D over the burn-in draws.
  const Rng burn_rng = make_rng(d.opt.seed, kBurnInStream);
  rejection.log_m = -INFINITY;
  for (int64_t first = 0; first < d.opt.reject_burn_in; first += d.block) {
    const int64_t m = std::min(d.block, d.opt.reject_burn_in - first);
    d.draw_noise(burn_rng, first, m);
    d.generator.run(d.z.data(), m, d.x.data());
    discriminator.run(d.x.data(), m, logits.data());
    require_finite(logits, m, d.opt.model, "D");
    rejection.log_m = raise_bound(rejection.log_m, logits.data(), m);
  }
  const Rng noise_rng = make_rng(d.opt.seed, kNoiseStream), accept_rng = make_rng(d.opt.seed, kAcceptStream);
  const int64_t give_up = std::max<int64_t>(1000000, 1000 * n);  // draws, before concluding nothing passes
  int64_t drawn = 0;
  std::vector<int64_t> kept;
  std::vector<float> uniforms;  // choose_draws's scratch
  while (d.out.rows() < n) {
    if (drawn >= give_up)
      fail("--reject kept only {} of {} draws; lower --reject-gamma to keep more", d.out.rows(), drawn);
    d.draw_noise(noise_rng, drawn, d.block);
    d.generator.run(d.z.data(), d.block, d.x.data());
    discriminator.run(d.x.data(), d.block, logits.data());
    require_finite(d.x, d.block, d.opt.model, "G");
    require_finite(logits, d.block, d.opt.model, "D");
    // The draws looked at, up to the last row kept.
    drawn += choose_draws(rejection, accept_rng, drawn, logits.data(), d.block, n - d.out.rows(), kept, uniforms);
    const auto n_kept = static_cast<int64_t>(kept.size());
    for (int64_t k = 0; k < n_kept; ++k) {
      const int64_t i = kept[static_cast<size_t>(k)];
      std::copy(d.x.row(i), d.x.row(i) + c.data_dim(), keep_x.row(k));
      std::copy(d.z.row(i), d.z.row(i) + c.z_dim(), keep_z.row(k));
    }
    if (!d.opt.raw) denormalize_rows(d.norm, keep_x.data(), n_kept, c.data_dim());
    d.out.append(keep_x.data(), n_kept, d.opt.save_latent ? keep_z.data() : nullptr);
    d.progress.rows("sample", d.out.rows(), n);
  }
  return drawn;
}

void run_sample(SampleOptions& opt, CLI::App& cmd) {
  check_flags(opt, cmd);
  const bool rows_given = cmd.count("--rows") > 0 || !opt.interpolate.empty();
  ModelMeta meta;
  Gan gan = read_model(opt.model, meta);
  const GanConfig c = gan.config;
  check_model(opt, c);
  if (!meta.tabular.columns.empty())
    return sample_tabular(gan, meta, {opt.model, opt.out, opt.rows, opt.seed, opt.conditions, opt.generator, opt.quiet}, cmd);
  if (!opt.conditions.empty()) fail_usage("--condition needs a tabular model; {} is not one", opt.model);
  refuse_overwrite(opt.out, "-o", opt.model);
  const bool use_ema = opt.generator == "ema" || (opt.generator == "auto" && c.ema > 0);
  std::unique_ptr<DatasetReader> latent;
  if (!opt.latent.empty()) latent = open_latent(opt, c, rows_given);
  const int64_t n = rows_given ? opt.rows : latent->rows();
  const int threads = gantool::threads();  // set from --threads

  std::optional<Companion> companion;
  if (opt.save_latent) companion = Companion{"latent", {}};
  for (int64_t j = 0; opt.save_latent && j < c.z_dim(); ++j) companion->columns.push_back(fmt::format("z{}", j));
  RowOutput out(opt.out, c.data_dim(), output_meta(opt, meta, use_ema, latent != nullptr), companion);

  TiledForward generator(use_ema ? gan.g_ema : gan.g, threads);
  std::unique_ptr<TiledForward> discriminator;
  if (opt.reject) discriminator = std::make_unique<TiledForward>(gan.d, threads);
  gan = Gan{};  // the threads have their copies; optimizer states are not needed
  // Blocks start at multiples of the tile, so that their tiles are the same as one call's.
  const int64_t batch = opt.batch > 0 ? opt.batch : auto_batch(c, threads);
  // (An interpolation is drawn in one block.)
  const int64_t block = round_up(opt.interpolate.empty() ? std::min(batch, std::max<int64_t>(n, 1)) : n, TiledForward::kTileRows);
  // Noise and rows of a block, the writer's copy, and --reject's kept rows.
  const std::string what = fmt::format("sample: blocks of {} rows (--batch) of {} + {} columns", block, c.z_dim(), c.data_dim());
  require_memory(4.0 * double(block) * double(c.z_dim() + c.data_dim()) * (opt.reject ? 5 : 3), what, "--batch");
  ProgressLine progress(opt.quiet);
  Drawing d{opt, c, meta.schema.normalization, generator, out, progress, block, Tensor(block, c.z_dim()),
            Tensor(block, c.data_dim())};
  Rejection rejection{0, opt.reject_gamma};
  int64_t drawn = n;  // candidates generated (≥ rows written with --reject)
  if (!opt.interpolate.empty()) {
    draw_interpolation(d);
  } else if (!opt.reject) {
    draw_all(d, latent.get(), n);
  } else {
    drawn = draw_rejected(d, *discriminator, rejection, n);
    out.meta().attributes = {{"reject_log_m", rejection.log_m}, {"reject_gamma", rejection.gamma},
                             {"reject_burn_in", double(opt.reject_burn_in)}, {"reject_draws", double(drawn)},
                             {"reject_acceptance", double(n) / double(drawn)}};
  }
  out.commit();
  progress.clear();
  if (!opt.quiet && opt.out != "-") {
    std::string how;
    if (opt.reject)
      how = fmt::format(", keeping {:.3g}% of {} draws (--reject, γ = {:g}, log M = {:.3f})",
                        100.0 * double(n) / double(drawn), drawn, rejection.gamma, rejection.log_m);
    fmt::print(stderr, "sample: {} {}{} → {} in {:.2f} s{}\n", n, meta.image.empty() || opt.raw ? "row" : "image",
               n == 1 ? "" : "s",
               opt.out, progress.seconds(), how);
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
      "  gantool sample --model gan.h5 -n 20000 --reject -o kept.h5  # discriminator rejection sampling\n"
      "Image models write (N, C, H, W) images to FILE.h5 (see them with `gantool plot grid`), or PNG files to DIR/:\n"
      "  gantool sample --model dcgan.h5 -n 64 -o fake.h5 && gantool plot grid fake.h5 -o grid.png\n"
      "  gantool sample --model dcgan.h5 --interpolate 3,17 --steps 10 -o path.h5  # rows 3 and 17 of --seed's draws");
  cmd->add_option("--model", opt->model, "Model file written by 'gantool train'")->required();
  cmd->add_option("-n,--rows", opt->rows, "Rows to write (default with --latent: one per latent row)");
  cmd->add_option("-o,--out", opt->out, "Output: FILE.h5, FILE.csv, - for CSV on stdout, or DIR/ for PNG files (images)")
      ->required();
  cmd->add_option("--interpolate", opt->interpolate,
                  "A,B: G along the spherical path between the noise of rows A and B (of --seed's draws) instead of -n");
  cmd->add_option("--steps", opt->steps, "--interpolate: images along the path, both ends included")->capture_default_str();
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
  add_condition_option(cmd, opt->conditions);
  cmd->add_flag("-q,--quiet", opt->quiet, "No progress and no summary");
  add_threads_option(cmd);
  cmd->callback([opt, cmd] { run_sample(*opt, *cmd); });
}

}  // namespace gantool
