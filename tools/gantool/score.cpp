// gantool score: the discriminator's verdict on each row of a dataset — D(x), its estimate
// of the probability that x is real — to inspect what D believes (which rows look fake,
// which modes it still separates). Streams by blocks; rows are read in data units and
// normalized as the model's data was.

#include <algorithm>
#include <cmath>

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

struct ScoreOptions {
  std::string model, input, out;
  int64_t batch = 0;  // 0: about 1 MiB of rows
  bool logit = false, quiet = false;
};

void run_score(const ScoreOptions& opt) {
  if (opt.batch < 0 || opt.batch > (int64_t{1} << 24)) fail_usage("--batch must be between 1 and 16777216 (got {})", opt.batch);
  check_output_name(opt.out, "-o");
  ModelMeta meta;
  Gan gan = read_model(opt.model, meta);
  const GanConfig& c = gan.config;
  if (!meta.tabular.columns.empty())
    fail("{} is a tabular model: its discriminator judges coded rows with their conditional vectors, which score "
         "does not make; compare its samples with 'gantool report' instead", opt.model);
  if (c.pack != 1)
    fail("the discriminator of {} judges packs of {} rows (--pack {}); score needs one trained with --pack 1",
               opt.model, c.pack, c.pack);
  DatasetReader reader(parse_data_ref(opt.input));
  if (reader.cols() != c.data_dim())
    fail("{}: has {} columns but the discriminator of {} takes {}", reader.ref().display(), reader.cols(),
         opt.model, c.data_dim());
  refuse_overwrite(opt.out, "-o", reader.ref().path);
  refuse_overwrite(opt.out, "-o", opt.model);

  // D's output is a probability's logit for the cross-entropy losses, a raw critic score
  // for the others.
  const bool probability = outputs_probability(c.loss);
  if (opt.logit && !probability)
    fail("--logit: the discriminator of {} is a critic (--loss {}), whose score is not a probability's logit",
         opt.model, gan_loss_name(c.loss));
  const std::string column = !probability ? "critic" : opt.logit ? "logit" : "D";
  DatasetMeta out_meta;
  out_meta.schema = continuous_schema({column});
  out_meta.command = command_line();
  out_meta.source = fmt::format("gantool score of {} by the discriminator of {} (step {})", reader.ref().display(),
                                opt.model, meta.steps_done);
  RowOutput out(opt.out, 1, std::move(out_meta));

  TiledForward discriminator(gan.d, threads());
  const int64_t n = reader.rows(), tile = TiledForward::kTileRows;
  // By default about 1 MiB of input rows per block (memory stays flat for wide data).
  const int64_t batch = opt.batch > 0 ? opt.batch : block_rows(c.data_dim());
  const int64_t block = (std::min(batch, std::max<int64_t>(n, 1)) + tile - 1) / tile * tile;
  require_memory(4.0 * double(block) * double(c.data_dim() + 2) * 2,
                 fmt::format("score: blocks of {} rows (--batch) of {} columns", block, c.data_dim()), "--batch");
  Tensor x(block, c.data_dim()), scores(block, 1);
  ProgressLine progress(opt.quiet);
  double sum = 0;
  for (int64_t first = 0; first < n; first += block) {
    const int64_t m = std::min(block, n - first);
    reader.read_finite(first, m, x.data());
    renormalize_rows(reader.meta().schema.normalization, meta.schema.normalization, x.data(), m, c.data_dim());
    discriminator.run(x.data(), m, scores.data());
    for (int64_t i = 0; i < m; ++i)
      if (!std::isfinite(scores(i, 0)))
        fail("{}: D's output for row {} is not finite (damaged model?)", opt.model, first + i);
    if (probability && !opt.logit)
      for (int64_t i = 0; i < m; ++i) scores(i, 0) = 1.0f / (1.0f + std::exp(-scores(i, 0)));
    for (int64_t i = 0; i < m; ++i) sum += scores(i, 0);
    out.append(scores.data(), m);
    progress.rows("score", first + m, n);
  }
  out.commit();
  progress.clear();
  if (!opt.quiet && opt.out != "-")
    fmt::print(stderr, "score: {} rows → {} (mean {} {:.4g})\n", n, opt.out, column, n ? sum / double(n) : 0.0);
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto opt = std::make_shared<ScoreOptions>();
  CLI::App* cmd = app.add_subcommand("score", "Write the discriminator's D(x) for each row of a dataset");
  cmd->footer(
      "D(x) is the discriminator's probability that x is real (for --loss nonsaturating or minimax; for the\n"
      "other losses the column is the raw critic score). Rows are read in data units, like 'sample' writes them.\n\n"
      "Examples:\n"
      "  gantool score --model gan.h5 ring.h5 -o scores.h5\n"
      "  gantool score --model gan.h5 fake.h5 -o - | sort -t, -k1g | head   # the rows D finds least real");
  cmd->add_option("--model", opt->model, "Model file written by 'gantool train'")->required();
  cmd->add_option("input", opt->input, "FILE.h5 or FILE.h5:/dataset, with the model's columns")->required();
  cmd->add_option("-o,--out", opt->out, "Output: FILE.h5, FILE.csv, or - for CSV on stdout")->required();
  cmd->add_flag("--logit", opt->logit, "Write log(D/(1-D)) instead of D (exact where D rounds to 0 or 1)");
  cmd->add_option("--batch", opt->batch, "Rows per block (memory/speed only; default: about 1 MiB of rows)");
  cmd->add_flag("-q,--quiet", opt->quiet, "No progress and no summary");
  add_threads_option(cmd);
  cmd->callback([opt] { run_score(*opt); });
}

}  // namespace gantool
