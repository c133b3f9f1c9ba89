// gantool prepare: make a synthetic dataset, or import one from CSV or HDF5, optionally
// normalized, shuffled and split into train and test files. This file binds the flags and
// runs synthetic data and numeric-matrix inputs; CSV and typed-table inputs go through
// prepare_table.cpp.
//
// Rows stream through in blocks: without --shuffle, memory does not grow with the input.
// Normalization and splitting need two passes over the (rereadable) source.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "prepare.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/tempfile.hpp"
#include "data/normalize.hpp"
#include "data/row_source.hpp"
#include "data/selection.hpp"
#include "data/stats.hpp"
#include "data/synthetic.hpp"
#include "data/table_pipeline.hpp"
#include "io/csv_table.hpp"
#include "io/dataset_file.hpp"

namespace gantool {

namespace {


// ---- checking the flags --------------------------------------------------------

char parse_delimiter(const std::string& text) {
  if (text.empty()) return 0;
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  if (text.size() != 1 || text == "\"" || text == "\n" || text == "\r")
    fail_usage("--delimiter must be one character, or 'tab' (got '{}')", text);
  return text[0];
}

// The flags of --dist or of --from, each refused with the other.
void check_source_flags(const PrepareOptions& opt, const std::function<bool(const char*)>& given, bool csv_input) {
  if (!opt.from.empty()) {
    if (given("-n")) fail_usage("-n applies to --dist; to keep the first rows of an import use --limit");
    for (const SyntheticParam& p : synthetic_params())
      if (given(p.flag)) fail_usage("{} applies to --dist, not to --from", p.flag);
    if (!csv_input)
      for (const char* flag : {"--header", "--delimiter"})
        if (given(flag)) fail_usage("{} applies to CSV input, but {} is HDF5", flag, opt.from);
  } else {
    for (const char* flag : {"--header", "--delimiter", "--columns", "--drop-columns", "--categorical", "--integer",
                             "--continuous", "--datetime", "--na-values", "--max-categories", "--drop-missing"})
      if (given(flag)) fail_usage("{} applies to --from, not to --dist", flag);
    if (given("--limit")) fail_usage("--limit applies to --from; with --dist, use -n");
    if (opt.rows < 1) fail_usage("-n must be at least 1 (got {})", opt.rows);
    // These fields use a negative value to mean "the distribution's default".
    for (const SyntheticParam& p : synthetic_params()) {
      const double value = param_value(opt.spec, p);
      if (p.negative_is_default && given(p.flag) && !(value >= 0))
        fail_usage("{} must not be negative (got {})", p.flag, value);
    }
  }
}

void check_options(const PrepareOptions& opt, const CLI::App& cmd, bool csv_input) {
  const auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (opt.dist.empty() == opt.from.empty())
    fail_usage("give either --dist NAME to make synthetic data or --from FILE to import data");
  check_source_flags(opt, given, csv_input);
  if (given("--limit") && opt.limit < 1) fail_usage("--limit must be at least 1 (got {})", opt.limit);
  if (given("--split") != given("--test-out"))
    fail_usage("--split FRACTION and --test-out FILE go together");
  if (given("--split") && !(opt.split > 0 && opt.split < 1))
    fail_usage("--split is the fraction of rows for --test-out, between 0 and 1 (got {})", opt.split);
  if (given("--test-out") && opt.test_out == opt.out)
    fail_usage("--test-out and -o must be different files");
  if (!opt.from.empty() && opt.from != "-") {
    const std::string input = parse_data_ref(opt.from).path;
    refuse_overwrite(opt.out, "-o", input);
    if (given("--test-out")) refuse_overwrite(opt.test_out, "--test-out", input);
  }
}

// ---- the passes ----------------------------------------------------------------

// Opens the input (synthetic data or a numeric matrix) and describes it in meta: its
// columns, where it came from, and the true distribution of synthetic data (or of an
// imported gantool dataset, all columns kept).
std::unique_ptr<RowSource> open_source(const PrepareOptions& opt, DatasetMeta& meta) {
  std::unique_ptr<RowSource> src;
  TrueDistribution truth;
  if (!opt.dist.empty()) {
    SyntheticSpec spec = opt.spec;
    spec.dist = opt.dist;
    Synthetic synthetic = make_synthetic(spec);
    truth = TrueDistribution{synthetic.spec.dist, synthetic.params, synthetic.modes, synthetic.mode_std};
    meta.source = "synthetic " + opt.dist;
    meta.seed = opt.seed;
    src = std::make_unique<SyntheticSource>(std::move(synthetic), opt.seed, opt.rows);
  } else {
    const DataRef ref = parse_data_ref(opt.from);
    auto h5 = std::make_unique<DatasetSource>(ref, opt.csv.columns);
    meta.source = "hdf5 " + ref.display();
    if (h5->all_columns()) truth = h5->meta().schema.distribution;
    src = std::move(h5);
  }
  meta.schema = continuous_schema(src->columns());
  meta.schema.distribution = std::move(truth);
  return src;
}

// The rows shuffled in memory (filtered on the way, with `filter`, which then is done), or
// src itself: synthetic data and dataset files can be read again for a second pass.
std::unique_ptr<RowSource> shuffle_if_asked(std::unique_ptr<RowSource> src, const PrepareOptions& opt,
                                            RowFilter& filter) {
  if (!opt.shuffle) return src;
  Tensor all = load_all(*src, filter);
  Rng rng = make_rng(opt.seed, kShuffleStream);
  shuffle_rows(all, rng);
  return std::make_unique<MemorySource>(std::move(all), src->columns());
}

// Statistics of the training rows (those the split does not choose), for the normalization.
std::vector<ColumnStats> training_stats(RowSource& src, RowFilter& filter, const std::function<Selection()>& split,
                                        bool splitting) {
  std::vector<ColumnStats> stats(static_cast<size_t>(src.cols()));
  Selection test = split();
  Tensor train_rows(block_rows(src.cols()), src.cols());
  for_each_block(src, filter, [&](const float* rows, int64_t n) {
    int64_t n_train = 0;
    for (int64_t r = 0; r < n; ++r)
      if (!splitting || !test.next())
        std::memcpy(train_rows.row(n_train++), rows + r * src.cols(), static_cast<size_t>(src.cols()) * sizeof(float));
    accumulate(stats, train_rows.data(), n_train, src.cols());
  });
  src.rewind();
  return stats;
}

// The last pass: writes the rows, normalized, to the training file and (with `test`) the
// test file, as the split chooses. Returns the number of rows written.
int64_t write_rows(RowSource& src, RowFilter& filter, Selection split, const Normalization& norm, DatasetWriter& train,
                   DatasetWriter* test) {
  const int64_t cols = src.cols();
  Tensor train_block(block_rows(cols), cols), test_block(block_rows(cols), cols);
  return for_each_block(src, filter, [&](const float* rows, int64_t n) {
    int64_t n_train = 0, n_test = 0;
    for (int64_t r = 0; r < n; ++r) {
      float* dst = test && split.next() ? test_block.row(n_test++) : train_block.row(n_train++);
      std::memcpy(dst, rows + r * cols, static_cast<size_t>(cols) * sizeof(float));
    }
    normalize_rows(norm, train_block.data(), n_train, cols);
    train.append(train_block.data(), n_train);
    if (test) {
      normalize_rows(norm, test_block.data(), n_test, cols);
      test->append(test_block.data(), n_test);
    }
  });
}

// ---- the command ----------------------------------------------------------------

void run_prepare(PrepareOptions opt, const CLI::App& cmd) {
  if (!opt.from.empty() && opt.dist.empty() && prepare_image_input(opt, cmd)) return;
  if (cmd.count("--labels") > 0 || cmd.count("--label-names") > 0)
    fail_usage("--labels and --label-names apply to idx images (--from FILE-idx3-ubyte[.gz])");
  const bool csv_input = !opt.from.empty() && (opt.from == "-" || (!parse_data_ref(opt.from).dataset_given &&
                                                                    !is_hdf5_file(opt.from)));
  check_options(opt, cmd, csv_input);
  opt.csv.delimiter = parse_delimiter(opt.delimiter);
  if (std::find(normalization_methods().begin(), normalization_methods().end(), opt.normalize) ==
      normalization_methods().end())
    fail_usage("--normalize must be one of none, standard, minmax (got '{}')", opt.normalize);

  if (!opt.from.empty() && prepare_table_input(opt, cmd, csv_input)) return;
  if (!opt.table.drop_columns.empty()) {  // a numeric matrix: --drop-columns as a selection
    DatasetReader reader(parse_data_ref(opt.from));
    std::string selection;
    for (const int64_t c : kept_columns(opt, column_names(reader.meta().schema), opt.from))
      selection += fmt::format("{}{}", selection.empty() ? "" : ",", c + 1);
    opt.csv.columns = selection;
  }

  DatasetMeta meta;
  meta.command = command_line();
  std::unique_ptr<RowSource> src = open_source(opt, meta);
  if (opt.shuffle || opt.split > 0) meta.seed = opt.seed;

  RowFilter filter{opt.drop_nonfinite, opt.limit};
  src = shuffle_if_asked(std::move(src), opt, filter);
  const bool filtered_already = opt.shuffle;
  const int64_t dropped_first = filter.dropped;
  if (filtered_already) filter = RowFilter{};

  // Pass 1 (splits only): count the rows, to draw exactly round(split × rows) test rows.
  int64_t total = src->known_rows() >= 0 && !opt.drop_nonfinite && filter.limit < 0 ? src->known_rows() : -1;
  if (opt.split > 0 && total < 0) {
    total = for_each_block(*src, filter, [](const float*, int64_t) {});
    src->rewind();
  }
  const int64_t test_rows = opt.split > 0 ? std::llround(opt.split * static_cast<double>(total)) : 0;
  if (opt.split > 0 && (test_rows < 1 || test_rows >= total))
    fail_usage("--split {} of {} rows leaves {} test and {} training rows; both need at least one",
               opt.split, total, test_rows, total - test_rows);
  const auto new_split = [&] { return Selection{make_rng(opt.seed, kSplitStream), total, test_rows}; };

  // Pass 2 (normalization only): statistics of the training rows.
  if (opt.normalize != "none")
    meta.schema.normalization = fit_normalization(opt.normalize, training_stats(*src, filter, new_split, opt.split > 0),
                                                  column_names(meta.schema));

  // Last pass: the rows, normalized, to the training and test files.
  DatasetMeta test_meta = meta;
  test_meta.source += fmt::format(" (test split {} of seed {})", opt.split, opt.seed);
  DatasetWriter train(opt.out, src->cols(), meta);
  std::unique_ptr<DatasetWriter> test;
  if (opt.split > 0) test = std::make_unique<DatasetWriter>(opt.test_out, src->cols(), test_meta);
  const int64_t written = write_rows(*src, filter, new_split(), meta.schema.normalization, train, test.get());
  const int64_t dropped = filtered_already ? dropped_first : filter.dropped;
  if (written == 0) fail("{}: no rows to write{}", opt.from, dropped ? " (every row had a non-finite value)" : "");
  if (test) test->commit();
  train.commit();

  if (!opt.quiet) {
    fmt::print(stderr, "prepare: wrote {} rows × {} columns to {}", train.rows(), src->cols(), opt.out);
    if (test) fmt::print(stderr, " and {} rows to {}", test->rows(), opt.test_out);
    if (dropped) fmt::print(stderr, " (dropped {} row{} with non-finite values)", dropped, dropped == 1 ? "" : "s");
    fmt::print(stderr, "\n");
  }
}

}  // namespace

void add_prepare_command(CLI::App& app) {
  auto opt = std::make_shared<PrepareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "prepare", "Make a synthetic dataset or import one (CSV or HDF5) into a dataset file");
  cmd->footer(
      "Examples:\n"
      "  gantool prepare --dist ring -n 20000 -o ring.h5\n"
      "  gantool prepare --dist grid --std 0.1 -n 50000 -o grid.h5\n"
      "  gantool prepare --from data.csv --columns age,income --normalize standard \\\n"
      "                  --shuffle --split 0.2 --test-out test.h5 -o train.h5\n"
      "  some_program | gantool prepare --from - -o data.h5\n"
      "  gantool prepare --from train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz --limit 2000 -o mnist.h5\n"
      "  gantool prepare --from pictures/ -o pictures.h5     # PNG files; subfolders are classes\n"
      "Row i of synthetic data depends only on --seed and i: -n 1000 is a prefix of -n 100000.");
  const std::string dists = fmt::format("{}", fmt::join(synthetic_names(), ", "));
  cmd->add_option("--dist", opt->dist, "Synthetic distribution: " + dists);
  cmd->add_option("--from", opt->from,
                  "Import FILE.csv, '-' (CSV on stdin), FILE.h5[:/dataset] (any 1-D or 2-D numeric dataset, or "
                  "images), idx images (FILE-idx3-ubyte[.gz]) or a folder of PNG files (classes as subfolders)");
  cmd->add_option("-o,--out", opt->out, "Output dataset file (.h5)")->required();
  cmd->add_option("-n,--rows", opt->rows, "Rows of synthetic data")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of every random choice")->capture_default_str()->check(seed_check());
  cmd->add_flag("-q,--quiet", opt->quiet, "Print nothing on success");

  add_synthetic_options(cmd, opt->spec);

  const char* import = "Import";
  cmd->add_option("--header", opt->csv.header, "CSV: is the first line a header? auto|yes|no")->capture_default_str()->group(import);
  cmd->add_option("--delimiter", opt->delimiter, "CSV: field delimiter, one character or 'tab' (default: detected)")->group(import);
  cmd->add_option("--columns", opt->csv.columns, "Columns to keep, by name or number from 1: 'a,b,4'")->group(import);
  cmd->add_option("--limit", opt->limit, "Keep only the first ROWS rows of the input")->group(import);
  cmd->add_flag("--drop-nonfinite", opt->drop_nonfinite, "Drop rows with NaN, ±inf or empty cells (else an error)")->group(import);

  const char* transforms = "Transforms";
  cmd->add_option("--normalize", opt->normalize,
                  "none | standard (mean 0, std 1) | minmax (to [-1, 1]); fitted on the training rows and stored for inversion")
      ->capture_default_str()->group(transforms);
  cmd->add_flag("--shuffle", opt->shuffle, "Shuffle the rows (holds the data in memory)")->group(transforms);
  cmd->add_option("--split", opt->split, "Fraction of the rows (chosen at random) written to --test-out")->group(transforms);
  cmd->add_option("--test-out", opt->test_out, "Test dataset file, with --split")->group(transforms);

  add_table_options(cmd, opt->table);
  add_image_options(cmd, *opt);
  add_threads_option(cmd);
  cmd->callback([opt, cmd] { run_prepare(*opt, *cmd); });
}

}  // namespace gantool
