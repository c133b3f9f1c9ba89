// Typed tables through prepare: stream, filter, shuffle, split, normalize, write.
#include "data/table_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.hpp"
#include "data/normalize.hpp"
#include "data/selection.hpp"
#include "data/stats.hpp"

namespace gantool {

namespace {

constexpr int64_t kBlockRows = 8192;

// Whether --normalize applies to a column of this kind.
bool normalizable(ColumnKind kind) { return kind == ColumnKind::continuous || kind == ColumnKind::integer; }

// Moves the rows of `block` that pass the filters to its front and shrinks it to them;
// returns how many were dropped.
int64_t filter_rows(Table& block, const TablePrepareOptions& opt) {
  if (!opt.drop_missing && !opt.drop_nonfinite) return 0;
  Table kept = empty_table(block.schema);
  for (int64_t r = 0; r < block.rows; ++r) {
    bool drop = row_has_missing(block, r);
    if (opt.drop_nonfinite)
      for (size_t c = 0; c < block.columns.size() && !drop; ++c)
        if (holds_reals(block.schema.columns[c].kind))
          drop = !std::isfinite(block.columns[c].reals[static_cast<size_t>(r)]);
    if (!drop) append_row(kept, block, r);
  }
  const int64_t dropped = block.rows - kept.rows;
  block = std::move(kept);
  return dropped;
}

// Calls fn(block) for each filtered block of the rest of src, at most opt.limit rows in all;
// returns the rows passed and adds the dropped ones to `dropped`.
template <typename Fn>
int64_t for_each_table_block(TableStream& src, const TablePrepareOptions& opt, int64_t& dropped, Fn fn) {
  Table block = empty_table(src.schema());
  int64_t passed = 0;
  while (opt.limit < 0 || passed < opt.limit) {
    if (src.read(block, kBlockRows) == 0) break;
    dropped += filter_rows(block, opt);
    if (opt.limit >= 0 && passed + block.rows > opt.limit) resize_rows(block, opt.limit - passed);
    passed += block.rows;
    if (block.rows > 0) fn(block);
  }
  return passed;
}

// The normalization of the numeric columns, from the statistics of the training rows
// (shift 0 and scale 1 for the other columns).
Normalization fit_table_normalization(const std::string& method, const Schema& schema,
                                      const std::vector<ColumnStats>& stats) {
  Normalization norm;
  if (method == "none") return norm;
  std::vector<ColumnStats> numeric;
  std::vector<std::string> names;
  // A column without a finite value (all missing) is left as it is, like the discrete ones.
  const auto applies = [&](size_t c) { return normalizable(schema.columns[c].kind) && stats[c].count > 0; };
  for (size_t c = 0; c < schema.columns.size(); ++c)
    if (applies(c)) {
      numeric.push_back(stats[c]);
      names.push_back(schema.columns[c].name);
    }
  if (numeric.empty()) fail_usage("--normalize {}: the table has no continuous or integer column with values", method);
  const Normalization fitted = fit_normalization(method, numeric, names);
  norm.method = method;
  size_t k = 0;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    norm.shift.push_back(applies(c) ? fitted.shift[k] : 0.0);
    norm.scale.push_back(applies(c) ? fitted.scale[k] : 1.0);
    k += applies(c);
  }
  return norm;
}

// Adds the values of the numeric columns of `block` to stats (missing values and the
// other columns are NaN there, which statistics skip).
void accumulate_table(std::vector<ColumnStats>& stats, const Table& block) {
  const auto cols = static_cast<int64_t>(block.columns.size());
  std::vector<float> rows(static_cast<size_t>(block.rows * cols));
  for (int64_t c = 0; c < cols; ++c) {
    const bool numeric = normalizable(block.schema.columns[static_cast<size_t>(c)].kind);
    for (int64_t r = 0; r < block.rows; ++r)
      rows[static_cast<size_t>(r * cols + c)] = numeric ? static_cast<float>(number_at(block, c, r)) : NAN;
  }
  accumulate(stats, rows.data(), block.rows, cols);
}

}  // namespace

// ---- TableStream ----------------------------------------------------------------

TableStream::TableStream(std::string csv_path, TypedCsvOptions options, Schema schema)
    : schema_(std::move(schema)), csv_path_(std::move(csv_path)), csv_options_(std::move(options)) {
  rewind();
}

TableStream::TableStream(const DataRef& ref, const std::vector<int64_t>& keep)
    : file_(std::make_unique<TableReader>(ref)), keep_(keep) {
  schema_ = keep_columns(empty_table(file_->meta().schema), keep_).schema;
}

TableStream::TableStream(Table table) : schema_(table.schema), memory_(std::move(table)) {}

TableStream::~TableStream() = default;

int64_t TableStream::read(Table& dst, int64_t max_rows) {
  if (csv_) return csv_->read(dst, max_rows);
  const int64_t total = file_ ? file_->rows() : memory_.rows;
  const int64_t n = std::min(max_rows, total - next_);
  first_ = next_;
  dst = empty_table(schema_);
  if (n <= 0) return 0;
  if (file_) {
    file_->read(next_, n, scratch_);
    dst = keep_columns(scratch_, keep_);
    dst.schema = schema_;
  } else {
    for (int64_t r = next_; r < next_ + n; ++r) append_row(dst, memory_, r);
  }
  next_ += n;
  return n;
}

void TableStream::rewind() {
  next_ = first_ = 0;
  if (!csv_path_.empty()) csv_ = std::make_unique<TypedCsvReader>(csv_path_, csv_options_, schema_);
}

std::string TableStream::where(int64_t i) const {
  if (csv_) return csv_->where(i);
  if (file_) return fmt::format("{} row {}", file_->ref().display(), first_ + i);
  return fmt::format("row {}", first_ + i);
}

int64_t TableStream::known_rows() const {
  if (file_) return file_->rows();
  if (csv_) return -1;
  return memory_.rows;
}

// ---- prepare ----------------------------------------------------------------------

void shuffle_table(Table& table, Rng& rng) {
  for (int64_t i = table.rows - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(below(rng, static_cast<uint64_t>(i) + 1));
    if (j == i) continue;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      ColumnValues& col = table.columns[c];
      const auto a = static_cast<size_t>(i), b = static_cast<size_t>(j);
      if (holds_reals(table.schema.columns[c].kind)) {
        std::swap(col.reals[a], col.reals[b]);
      } else {
        std::swap(col.ints[a], col.ints[b]);
      }
      std::swap(col.missing[a], col.missing[b]);
    }
  }
}

namespace {

// Where prepare's rows go: a typed table or a numeric matrix.
struct TableOutput {
  std::unique_ptr<TableWriter> table;
  std::unique_ptr<DatasetWriter> matrix;
  Tensor rows;  // the matrix form of a block

  TableOutput(const std::string& path, const DatasetMeta& meta, bool as_matrix) {
    if (as_matrix) {
      matrix = std::make_unique<DatasetWriter>(path, width(meta.schema), meta);
    } else {
      table = std::make_unique<TableWriter>(path, meta);
    }
  }
  void append(const Table& block) {
    if (table) return table->append(block);
    if (rows.rows() < block.rows) rows = Tensor(block.rows, width(block.schema));
    normalized_floats(block, matrix->meta().schema.normalization, rows.data());
    matrix->append(rows.data(), block.rows);
  }
  int64_t written() const { return table ? table->rows() : matrix->rows(); }
  DatasetMeta& meta() { return table ? table->meta() : matrix->meta(); }
  void commit() { table ? table->commit() : matrix->commit(); }
};

// The statistics of the training rows of src (those `split` does not choose), read once.
std::vector<ColumnStats> training_stats(TableStream& src, const TablePrepareOptions& pass, Selection split,
                                        bool splitting) {
  std::vector<ColumnStats> stats(src.schema().columns.size());
  int64_t ignored = 0;
  for_each_table_block(src, pass, ignored, [&](const Table& block) {
    Table train = empty_table(block.schema);
    for (int64_t r = 0; r < block.rows; ++r)
      if (!splitting || !split.next()) append_row(train, block, r);
    accumulate_table(stats, train);
  });
  src.rewind();
  return stats;
}

}  // namespace

TablePrepared prepare_table(TableStream& stream, const TablePrepareOptions& opt, DatasetMeta meta) {
  TablePrepared done;
  TableStream* src = &stream;
  std::unique_ptr<TableStream> shuffled;
  TablePrepareOptions pass = opt;  // the filters of the first pass over `stream`
  if (opt.shuffle) {
    Table all = empty_table(stream.schema());
    for_each_table_block(stream, pass, done.dropped, [&](const Table& block) { append_rows(all, block); });
    Rng rng = make_rng(opt.seed, kShuffleStream);
    shuffle_table(all, rng);
    shuffled = std::make_unique<TableStream>(std::move(all));
    src = shuffled.get();
    pass.drop_missing = pass.drop_nonfinite = false;
    pass.limit = -1;
  }
  // Pass 1 (splits only): count the rows, to draw exactly round(split × rows) test rows.
  const bool filtering = pass.drop_missing || pass.drop_nonfinite || pass.limit >= 0;
  int64_t total = filtering ? -1 : src->known_rows();
  if (opt.split > 0 && total < 0) {
    int64_t ignored = 0;
    total = for_each_table_block(*src, pass, ignored, [](const Table&) {});
    src->rewind();
  }
  const int64_t test_rows = opt.split > 0 ? std::llround(opt.split * static_cast<double>(total)) : 0;
  if (opt.split > 0 && (test_rows < 1 || test_rows >= total))
    fail_usage("--split {} of {} rows leaves {} test and {} training rows; both need at least one", opt.split, total,
               test_rows, total - test_rows);
  const auto new_split = [&] { return Selection{make_rng(opt.seed, kSplitStream), total, test_rows}; };

  // Pass 2 (a normalized matrix only): the statistics of the training rows. A typed table
  // stores data units, so its statistics are gathered while it is written.
  meta.schema.columns = src->schema().columns;
  if (opt.matrix)
    meta.schema.normalization = fit_table_normalization(
        opt.normalize, meta.schema, training_stats(*src, pass, new_split(), opt.split > 0));

  // Last pass: the rows to the training and test files.
  DatasetMeta test_meta = meta;
  test_meta.source += fmt::format(" (test split {} of seed {})", opt.split, opt.seed);
  TableOutput train(opt.out, meta, opt.matrix);
  std::unique_ptr<TableOutput> test;
  if (opt.split > 0) test = std::make_unique<TableOutput>(opt.test_out, test_meta, opt.matrix);
  std::vector<ColumnStats> stats(src->schema().columns.size());
  Selection split = new_split();
  int64_t dropped = 0;
  for_each_table_block(*src, pass, dropped, [&](const Table& block) {
    Table train_block = empty_table(block.schema), test_block = empty_table(block.schema);
    for (int64_t r = 0; r < block.rows; ++r) append_row(test && split.next() ? test_block : train_block, block, r);
    if (!opt.matrix) accumulate_table(stats, train_block);
    train.append(train_block);
    if (test) test->append(test_block);
  });
  if (!opt.shuffle) done.dropped = dropped;
  done.train_rows = train.written();
  done.test_rows = test ? test->written() : 0;
  if (done.train_rows + done.test_rows == 0)
    fail("{}: no rows to write{}", opt.input,
         done.dropped ? " (every row was dropped by --drop-missing or --drop-nonfinite)" : "");
  if (!opt.matrix) {
    train.meta().schema.normalization = fit_table_normalization(opt.normalize, src->schema(), stats);
    if (test) test->meta().schema.normalization = train.meta().schema.normalization;
  }
  if (test) test->commit();
  train.commit();
  return done;
}

}  // namespace gantool
