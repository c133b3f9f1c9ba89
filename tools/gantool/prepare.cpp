// gantool prepare: make a synthetic dataset, or import one from CSV or HDF5, optionally
// normalized, shuffled and split into train and test files.
//
// Rows stream through in blocks: without --shuffle, memory does not grow with the input.
// Normalization and splitting need two passes; a CSV input is then first copied ("spooled")
// to a temporary HDF5 file beside the output, which can be read again.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/tempfile.hpp"
#include "data/normalize.hpp"
#include "data/stats.hpp"
#include "data/synthetic.hpp"
#include "io/csv_table.hpp"
#include "io/dataset_file.hpp"

namespace gantool {

namespace {

struct PrepareOptions {
  std::string dist;   // make synthetic data, or
  std::string from;   // import a CSV file ("-": stdin) or FILE.h5[:dataset]
  std::string out;
  int64_t rows = 10000;  // synthetic rows (-n)
  uint64_t seed = 1;
  SyntheticSpec spec;
  CsvTableOptions csv;
  std::string delimiter;  // one character, or "tab"
  bool drop_nonfinite = false;
  std::string normalize = "none";
  bool shuffle = false;
  double split = 0;  // fraction of the rows that goes to test_out
  std::string test_out;
  int64_t limit = -1;  // keep the first `limit` rows of an import
  bool quiet = false;
};

// Random streams of prepare's own choices; synthetic row i uses stream i (< 2^63).
constexpr uint64_t kShuffleStream = uint64_t{1} << 63;
constexpr uint64_t kSplitStream = kShuffleStream + 1;

// ---- row sources --------------------------------------------------------------

// A stream of rows read block by block. A virtual interface: there are four real sources.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual int64_t cols() const = 0;
  // Reads up to max_rows rows into dst; 0 at the end.
  virtual int64_t read(float* dst, int64_t max_rows) = 0;
  // Starts again from the first row; false when the source can be read only once.
  virtual bool rewind() = 0;
  // Where row i of the last block came from, for error messages.
  virtual std::string where(int64_t i) const = 0;
  // The number of rows, when known without reading (-1 otherwise).
  virtual int64_t known_rows() const { return -1; }
};

class SyntheticSource : public RowSource {
 public:
  SyntheticSource(Synthetic s, uint64_t seed, int64_t rows) : s_(std::move(s)), seed_(seed), rows_(rows) {}
  int64_t cols() const override { return s_.dim; }
  int64_t read(float* dst, int64_t max_rows) override {
    const int64_t n = std::min(max_rows, rows_ - next_);
    generate_rows(s_, seed_, next_, n, dst);
    next_ += n;
    return n;
  }
  bool rewind() override {
    next_ = 0;
    return true;
  }
  std::string where(int64_t i) const override { return fmt::format("synthetic row {}", i); }
  int64_t known_rows() const override { return rows_; }

 private:
  Synthetic s_;
  uint64_t seed_;
  int64_t rows_, next_ = 0;
};

// Reads selected columns of an HDF5 dataset, in data units (its normalization inverted).
class H5Source : public RowSource {
 public:
  H5Source(const DataRef& ref, const std::string& selection) : reader_(ref) {
    selected_ = select_columns(selection, reader_.meta().columns, ref.display());
    for (int64_t c : selected_) columns_.push_back(reader_.meta().columns[static_cast<size_t>(c)]);
    buffer_ = Tensor(block_rows(reader_.cols()), reader_.cols());
  }
  int64_t cols() const override { return static_cast<int64_t>(selected_.size()); }
  int64_t read(float* dst, int64_t max_rows) override {
    const int64_t n = std::min({max_rows, buffer_.rows(), reader_.rows() - next_});
    reader_.read(next_, n, buffer_.data());
    denormalize_rows(reader_.meta().normalization, buffer_.data(), n, reader_.cols());
    for (int64_t r = 0; r < n; ++r)
      for (size_t c = 0; c < selected_.size(); ++c)
        dst[r * cols() + static_cast<int64_t>(c)] = buffer_(r, selected_[c]);
    first_ = next_;
    next_ += n;
    return n;
  }
  bool rewind() override {
    next_ = 0;
    return true;
  }
  std::string where(int64_t i) const override {
    return fmt::format("{}: row {}", reader_.ref().display(), first_ + i);
  }
  int64_t known_rows() const override { return reader_.rows(); }
  const std::vector<std::string>& columns() const { return columns_; }
  // True when every column is kept in order, so the source's description still holds.
  bool all_columns() const {
    if (cols() != reader_.cols()) return false;
    for (int64_t c = 0; c < cols(); ++c)
      if (selected_[static_cast<size_t>(c)] != c) return false;
    return true;
  }
  const DatasetMeta& meta() const { return reader_.meta(); }

 private:
  DatasetReader reader_;
  std::vector<int64_t> selected_;
  std::vector<std::string> columns_;
  Tensor buffer_;  // (block, all columns)
  int64_t next_ = 0, first_ = 0;
};

class CsvSource : public RowSource {
 public:
  CsvSource(const std::string& path, const CsvTableOptions& options) : table_(path, options) {}
  int64_t cols() const override { return table_.cols(); }
  int64_t read(float* dst, int64_t max_rows) override { return table_.read(dst, max_rows); }
  bool rewind() override { return false; }
  std::string where(int64_t i) const override {
    return fmt::format("{}:{}", table_.name(), table_.line_of(i));
  }
  const std::vector<std::string>& columns() const { return table_.columns(); }

 private:
  CsvTable table_;
};

class MemorySource : public RowSource {
 public:
  explicit MemorySource(Tensor rows) : rows_(std::move(rows)) {}
  int64_t cols() const override { return rows_.cols(); }
  int64_t read(float* dst, int64_t max_rows) override {
    const int64_t n = std::min(max_rows, rows_.rows() - next_);
    std::memcpy(dst, rows_.row(next_), static_cast<size_t>(n * rows_.cols()) * sizeof(float));
    next_ += n;
    return n;
  }
  bool rewind() override {
    next_ = 0;
    return true;
  }
  std::string where(int64_t i) const override { return fmt::format("row {}", next_ + i); }
  int64_t known_rows() const override { return rows_.rows(); }

 private:
  Tensor rows_;
  int64_t next_ = 0;
};

// ---- passes over a source ---------------------------------------------------------

// The policy for rows with NaN or ±inf, and how many rows to keep at most.
struct RowFilter {
  bool drop_nonfinite = false;
  int64_t limit = -1;
  const std::vector<std::string>* columns = nullptr;
  int64_t dropped = 0;  // counted by the last pass
};

// Reads the source once from its current position, calling fn(rows, n) for each block of
// clean rows. Returns the number of rows passed to fn.
template <typename Fn>
int64_t for_each_block(RowSource& src, RowFilter& filter, Fn fn) {
  Tensor block(block_rows(src.cols()), src.cols());
  const int64_t cols = src.cols();
  int64_t total = 0;
  filter.dropped = 0;
  while (filter.limit < 0 || total < filter.limit) {
    const int64_t n = src.read(block.data(), block.rows());
    if (n == 0) break;
    int64_t kept = 0;
    for (int64_t r = 0; r < n; ++r) {
      const float* row = block.row(r);
      int64_t bad = -1;
      for (int64_t c = 0; c < cols && bad < 0; ++c)
        if (!std::isfinite(row[c])) bad = c;
      if (bad >= 0) {
        if (filter.drop_nonfinite) {
          ++filter.dropped;
          continue;
        }
        const char* what = std::isnan(row[bad]) ? "missing or NaN" : "infinite";
        fail("{}: column '{}' is {}; drop such rows with --drop-nonfinite", src.where(r),
             (*filter.columns)[static_cast<size_t>(bad)], what);
      }
      if (kept != r) std::memmove(block.row(kept), row, static_cast<size_t>(cols) * sizeof(float));
      ++kept;
    }
    if (filter.limit >= 0) kept = std::min(kept, filter.limit - total);
    if (kept > 0) fn(block.data(), kept);
    total += kept;
  }
  return total;
}

// Chooses exactly `test` of `total` rows for the test set, one decision per row in order:
// Knuth's selection sampling (TAOCP vol. 2, 3.4.2, Algorithm S). The same seed replays
// the same choices on every pass.
struct Splitter {
  Rng rng;
  int64_t left = 0, needed = 0;
  bool next_is_test() {
    const bool test = static_cast<double>(left) * uniform(rng) < static_cast<double>(needed);
    needed -= test;
    --left;
    return test;
  }
};

Tensor load_all(RowSource& src, RowFilter& filter) {
  std::vector<float> values;
  const int64_t rows = for_each_block(src, filter, [&](const float* block, int64_t n) {
    values.insert(values.end(), block, block + n * src.cols());
  });
  Tensor all(rows, src.cols());
  std::copy(values.begin(), values.end(), all.data());
  return all;
}

// Fisher–Yates (Knuth's Algorithm P), swapping whole rows.
void shuffle_rows(Tensor& t, Rng& rng) {
  std::vector<float> tmp(static_cast<size_t>(t.cols()));
  const size_t bytes = static_cast<size_t>(t.cols()) * sizeof(float);
  for (int64_t i = t.rows() - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(below(rng, static_cast<uint64_t>(i) + 1));
    if (j == i) continue;
    std::memcpy(tmp.data(), t.row(i), bytes);
    std::memcpy(t.row(i), t.row(j), bytes);
    std::memcpy(t.row(j), tmp.data(), bytes);
  }
}

// ---- the command --------------------------------------------------------------

char parse_delimiter(const std::string& text) {
  if (text.empty()) return 0;
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  if (text.size() != 1 || text == "\"" || text == "\n" || text == "\r")
    fail_usage("--delimiter must be one character, or 'tab' (got '{}')", text);
  return text[0];
}

void check_options(const PrepareOptions& opt, const CLI::App& cmd, bool csv_input) {
  const auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (opt.dist.empty() == opt.from.empty())
    fail_usage("give either --dist NAME to make synthetic data or --from FILE to import data");
  if (!opt.from.empty()) {
    if (given("-n")) fail_usage("-n applies to --dist; to keep the first rows of an import use --limit");
    for (const char* flag : {"--modes", "--radius", "--std", "--grid-size", "--spacing", "--dim",
                             "--mean", "--low", "--high", "--noise", "--factor"})
      if (given(flag)) fail_usage("{} applies to --dist, not to --from", flag);
    if (!csv_input)
      for (const char* flag : {"--header", "--delimiter"})
        if (given(flag)) fail_usage("{} applies to CSV input, but {} is HDF5", flag, opt.from);
  } else {
    for (const char* flag : {"--header", "--delimiter", "--columns"})
      if (given(flag)) fail_usage("{} applies to --from, not to --dist", flag);
    if (given("--limit")) fail_usage("--limit applies to --from; with --dist, use -n");
    if (opt.rows < 1) fail_usage("-n must be at least 1 (got {})", opt.rows);
    // These fields use a negative value to mean "the distribution's default".
    const std::pair<const char*, double> defaulted[] = {
        {"--std", opt.spec.std}, {"--grid-size", double(opt.spec.grid_size)}, {"--spacing", opt.spec.spacing},
        {"--dim", double(opt.spec.dim)}, {"--noise", opt.spec.noise}};
    for (const auto& [flag, value] : defaulted)
      if (given(flag) && !(value >= 0)) fail_usage("{} must not be negative (got {})", flag, value);
  }
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

// Copies the fields of a synthetic description, or of an imported gantool dataset, into
// the new file's metadata.
void describe_source(DatasetMeta& meta, const Synthetic* synthetic, const H5Source* h5) {
  if (synthetic) {
    meta.distribution = synthetic->spec.dist;
    meta.distribution_params = synthetic->params;
    meta.modes = synthetic->modes;
    meta.mode_std = synthetic->mode_std;
  } else if (h5 && h5->all_columns()) {
    meta.distribution = h5->meta().distribution;
    meta.distribution_params = h5->meta().distribution_params;
    meta.modes = h5->meta().modes;
    meta.mode_std = h5->meta().mode_std;
  }
}

void run_prepare(PrepareOptions opt, const CLI::App& cmd) {
  const bool csv_input = !opt.from.empty() && (opt.from == "-" || (!parse_data_ref(opt.from).dataset_given &&
                                                                    !is_hdf5_file(opt.from)));
  check_options(opt, cmd, csv_input);
  opt.csv.delimiter = parse_delimiter(opt.delimiter);
  if (std::find(normalization_methods().begin(), normalization_methods().end(), opt.normalize) ==
      normalization_methods().end())
    fail_usage("--normalize must be one of none, standard, minmax (got '{}')", opt.normalize);

  // The source, and what to record about it.
  std::unique_ptr<RowSource> src;
  std::unique_ptr<Synthetic> synthetic;
  const H5Source* h5 = nullptr;
  DatasetMeta meta;
  meta.command = command_line();
  if (!opt.dist.empty()) {
    opt.spec.dist = opt.dist;
    synthetic = std::make_unique<Synthetic>(make_synthetic(opt.spec));
    meta.columns = synthetic->columns;
    meta.source = "synthetic " + opt.dist;
    meta.seed = opt.seed;
    src = std::make_unique<SyntheticSource>(*synthetic, opt.seed, opt.rows);
  } else if (csv_input) {
    auto csv = std::make_unique<CsvSource>(opt.from, opt.csv);
    meta.columns = csv->columns();
    meta.source = "csv " + (opt.from == "-" ? std::string("<stdin>") : opt.from);
    src = std::move(csv);
  } else {
    const DataRef ref = parse_data_ref(opt.from);
    auto source = std::make_unique<H5Source>(ref, opt.csv.columns);
    meta.columns = source->columns();
    meta.source = "hdf5 " + ref.display();
    h5 = source.get();
    src = std::move(source);
  }
  describe_source(meta, synthetic.get(), h5);
  if (opt.shuffle || opt.split > 0) meta.seed = opt.seed;

  RowFilter filter{opt.drop_nonfinite, opt.limit, &meta.columns};
  const bool two_passes = opt.normalize != "none" || opt.split > 0;
  std::unique_ptr<TempFile> spool;  // removes the spooled copy of a CSV input when done
  if (opt.shuffle) {
    Tensor all = load_all(*src, filter);
    Rng rng = make_rng(opt.seed, kShuffleStream);
    shuffle_rows(all, rng);
    src = std::make_unique<MemorySource>(std::move(all));
  } else if (two_passes && !src->rewind()) {
    spool = std::make_unique<TempFile>(opt.out);
    DatasetMeta spool_meta;
    spool_meta.columns = meta.columns;
    DatasetWriter writer(spool->path(), src->cols(), spool_meta);
    for_each_block(*src, filter, [&](const float* rows, int64_t n) { writer.append(rows, n); });
    writer.commit();
    src = std::make_unique<H5Source>(DataRef{spool->path()}, "");
  }
  const bool filtered_already = opt.shuffle || spool;
  const int64_t dropped_first = filter.dropped;
  if (filtered_already) filter = RowFilter{false, -1, &meta.columns};

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
  const auto new_splitter = [&] { return Splitter{make_rng(opt.seed, kSplitStream), total, test_rows}; };

  // Pass 2 (normalization only): statistics of the training rows.
  if (opt.normalize != "none") {
    std::vector<ColumnStats> stats(static_cast<size_t>(src->cols()));
    Splitter splitter = new_splitter();
    Tensor train_rows(block_rows(src->cols()), src->cols());
    for_each_block(*src, filter, [&](const float* rows, int64_t n) {
      int64_t n_train = 0;
      for (int64_t r = 0; r < n; ++r)
        if (opt.split == 0 || !splitter.next_is_test())
          std::memcpy(train_rows.row(n_train++), rows + r * src->cols(),
                      static_cast<size_t>(src->cols()) * sizeof(float));
      accumulate(stats, train_rows.data(), n_train, src->cols());
    });
    meta.normalization = fit_normalization(opt.normalize, stats, meta.columns);
    src->rewind();
  }

  // Last pass: write the rows, normalized, to the training and test files.
  const int64_t cols = src->cols();
  DatasetMeta test_meta = meta;
  test_meta.source += fmt::format(" (test split {} of seed {})", opt.split, opt.seed);
  DatasetWriter train(opt.out, cols, meta);
  std::unique_ptr<DatasetWriter> test;
  if (opt.split > 0) test = std::make_unique<DatasetWriter>(opt.test_out, cols, test_meta);
  Tensor train_block(block_rows(cols), cols), test_block(block_rows(cols), cols);
  Splitter splitter = new_splitter();
  const int64_t written = for_each_block(*src, filter, [&](const float* rows, int64_t n) {
    int64_t n_train = 0, n_test = 0;
    for (int64_t r = 0; r < n; ++r) {
      float* dst = test && splitter.next_is_test() ? test_block.row(n_test++) : train_block.row(n_train++);
      std::memcpy(dst, rows + r * cols, static_cast<size_t>(cols) * sizeof(float));
    }
    normalize_rows(meta.normalization, train_block.data(), n_train, cols);
    train.append(train_block.data(), n_train);
    if (test) {
      normalize_rows(meta.normalization, test_block.data(), n_test, cols);
      test->append(test_block.data(), n_test);
    }
  });
  const int64_t dropped = filtered_already ? dropped_first : filter.dropped;
  if (written == 0) fail("{}: no rows to write{}", opt.from, dropped ? " (every row had a non-finite value)" : "");
  if (test) test->commit();
  train.commit();

  if (!opt.quiet) {
    fmt::print(stderr, "prepare: wrote {} rows × {} columns to {}", train.rows(), cols, opt.out);
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
      "Row i of synthetic data depends only on --seed and i: -n 1000 is a prefix of -n 100000.");
  const std::string dists = fmt::format("{}", fmt::join(synthetic_names(), ", "));
  cmd->add_option("--dist", opt->dist, "Synthetic distribution: " + dists);
  cmd->add_option("--from", opt->from,
                  "Import FILE.csv, '-' (CSV on stdin) or FILE.h5[:/dataset] (any 1-D or 2-D numeric dataset)");
  cmd->add_option("-o,--out", opt->out, "Output dataset file (.h5)")->required();
  cmd->add_option("-n,--rows", opt->rows, "Rows of synthetic data")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of every random choice")->capture_default_str()->check(seed_check());
  cmd->add_flag("-q,--quiet", opt->quiet, "Print nothing on success");

  const char* synth = "Synthetic distribution";
  cmd->add_option("--modes", opt->spec.modes, "ring: number of modes (at angles 2πk/K)")->capture_default_str()->group(synth);
  cmd->add_option("--radius", opt->spec.radius, "ring: radius of the circle of modes")->capture_default_str()->group(synth);
  cmd->add_option("--std", opt->spec.std, "ring, grid, gaussian: std of each mode (default 0.02, 0.05, 1)")->group(synth);
  cmd->add_option("--grid-size", opt->spec.grid_size, "grid: modes per side (5); checkerboard: cells per side (4)")->group(synth);
  cmd->add_option("--spacing", opt->spec.spacing, "grid: distance between modes (2); checkerboard: cell width (1)")->group(synth);
  cmd->add_option("--dim", opt->spec.dim, "gaussian, uniform: dimension (2)")->group(synth);
  cmd->add_option("--mean", opt->spec.mean, "gaussian: mean of every coordinate")->capture_default_str()->group(synth);
  cmd->add_option("--low", opt->spec.low, "uniform: lower bound")->capture_default_str()->group(synth);
  cmd->add_option("--high", opt->spec.high, "uniform: upper bound")->capture_default_str()->group(synth);
  cmd->add_option("--noise", opt->spec.noise, "spiral/swissroll (0.25), moons (0.05), circles (0.05): noise std")->group(synth);
  cmd->add_option("--factor", opt->spec.factor, "circles: inner radius / outer radius")->capture_default_str()->group(synth);

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

  add_threads_option(cmd);
  cmd->callback([opt, cmd] { run_prepare(*opt, *cmd); });
}

}  // namespace gantool
