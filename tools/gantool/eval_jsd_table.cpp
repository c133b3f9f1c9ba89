// gantool eval-jsd on typed tables (categorical, boolean, datetime and missing values): k-NN
// with exact matching on the discrete part, or the classifier on the rows' features
// (lib/metrics/jsd_table.hpp says how and why).

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "eval_jsd.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/table_file.hpp"
#include "metrics/shared_rows.hpp"

namespace gantool {

namespace {

// Discrete cells a side, on average, from which auto trusts exact matching.
constexpr int64_t kRowsPerCell = 50;
// Below this, exact matching is meaningless (most rows alone in their cell read ln 2), and
// auto takes the classifier even on few rows.
constexpr int64_t kFewestRowsPerCell = 5;

// Refuses tables whose columns differ in number, name (unless `by_position`: a numeric matrix
// of unnamed columns x0, x1, ...), or kind (numeric kinds — continuous, integer, datetime — are
// all compared as numbers), in one line naming the column and both files.
void check_columns(const Schema& a, const Schema& b, const std::string& name_a, const std::string& name_b,
                   bool by_position) {
  if (a.columns.size() != b.columns.size())
    fail("{} has {} columns but {} has {}; eval-jsd compares datasets of the same width", name_a, a.columns.size(),
         name_b, b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const Column &x = a.columns[c], &y = b.columns[c];
    if (x.name != y.name && !by_position)
      fail("column {} is '{}' in {} but '{}' in {}; eval-jsd compares tables with the same columns in the same order",
           c + 1, x.name, name_a, y.name, name_b);
    if (x.kind != y.kind && !(is_numeric(x.kind) && is_numeric(y.kind)))
      fail("column '{}' is {} in {} but {} in {}; import both with the same kind (gantool prepare --categorical, "
           "--continuous, ...)",
           x.name, column_kind_name(x.kind), name_a, column_kind_name(y.kind), name_b);
  }
}

// Makes a numeric column continuous (its values as reals).
void make_continuous(Table& t, size_t c) {
  if (t.schema.columns[c].kind == ColumnKind::continuous) return;
  std::vector<double> reals(static_cast<size_t>(t.rows));
  for (int64_t r = 0; r < t.rows; ++r) {
    const double v = number_at(t, static_cast<int64_t>(c), r);
    reals[static_cast<size_t>(r)] = std::isnan(v) ? 0 : v;
  }
  t.columns[c].reals = std::move(reals);
  t.columns[c].ints.clear();
  t.schema.columns[c].kind = ColumnKind::continuous;
  t.schema.columns[c].format.clear();
}

// Numeric columns of different kinds in the two tables become continuous in both.
void match_numeric_kinds(Table& a, Table& b) {
  for (size_t c = 0; c < a.columns.size(); ++c)
    if (a.schema.columns[c].kind != b.schema.columns[c].kind) make_continuous(a, c), make_continuous(b, c);
}

// Every row of a table, checked finite (continuous values that are not missing) or with the
// non-finite rows dropped.
Table read_table(TableReader& reader, bool drop_nonfinite, int64_t& dropped) {
  const std::string name = reader.ref().display();
  if (reader.rows() == 0) fail("{}: has no rows", name);
  Table t = reader.read_all();
  dropped = 0;
  if (drop_nonfinite) {
    dropped = drop_nonfinite_table_rows(t);
    if (t.rows == 0) fail("{}: no row is finite", name);
    return t;
  }
  const int64_t bad = first_nonfinite_row(t);
  if (bad >= 0)
    for (size_t c = 0; c < t.columns.size(); ++c)
      if (holds_reals(t.schema.columns[c].kind) && !t.columns[c].missing[static_cast<size_t>(bad)] &&
          !std::isfinite(t.columns[c].reals[static_cast<size_t>(bad)]))
        fail("{}: row {}, column '{}' is not finite (a NaN or infinite value, not a missing one); drop such rows with "
             "--drop-nonfinite",
             name, bad, t.schema.columns[c].name);
  return t;
}

std::string choose_method(const EvalOptions& opt, const TableCells& cells, int64_t rows, std::string& why) {
  if (opt.method != "auto") return opt.method;
  if (rows < kClassifierRows && (rows >= kFewestRowsPerCell * cells.cells || rows < kClassifierMinimum)) {
    why = fmt::format(" (auto: fewer than {} rows a side to train a classifier)", kClassifierRows);
    return "knn";
  }
  if (rows < kClassifierRows) {
    why = fmt::format(" (auto: {} discrete cells for {} rows a side, too many for exact matching; on so few rows the "
                      "classifier's lower bound is loose)",
                      cells.cells, rows);
    return "classifier";
  }
  if (cells.numeric_columns <= 2 && rows >= kRowsPerCell * cells.cells) {
    why = fmt::format(" (auto: at most 2 numeric columns and at least {} rows a side per discrete cell)", kRowsPerCell);
    return "knn";
  }
  why = cells.numeric_columns > 2 ? " (auto: the classifier is the most accurate above 2 numeric columns)"
                                  : fmt::format(" (auto: {} discrete cells are too many for exact matching)", cells.cells);
  return "classifier";
}

// Exact matching reads high when the discrete cells hold few rows (bench/validate_jsd.py's
// mixed cases: +0.015 nats at 20 rows a side per cell, +0.003 at 100): a warning on stderr.
void warn_sparse_cells(ProgressLine& progress, const std::string& method, const TableCells& cells, int64_t rows) {
  if (method != "knn" || cells.cells <= 1 || rows >= kRowsPerCell * cells.cells) return;
  progress.clear();
  fmt::print(stderr,
             "eval-jsd: warning: {} discrete cells for {} rows a side ({:.1f} a cell on average): k-NN with exact "
             "matching reads high when cells hold fewer than {} rows; compare with --method classifier\n",
             cells.cells, rows, double(rows) / double(cells.cells), kRowsPerCell);
}

// The estimate of `method` on a and b (equal row counts drawn from rng).
JsdEstimate estimate(const std::string& method, const Table& a_rows, const Table& b_rows, const EvalOptions& opt,
                     Rng& rng) {
  const int64_t n = std::min(a_rows.rows, b_rows.rows);
  const Table a = select_table_rows(a_rows, n, rng), b = select_table_rows(b_rows, n, rng);
  if (method == "knn") {
    if (n <= opt.k) fail("knn needs more than --k {} rows on each side (got {})", opt.k, n);
    TableCells cells;
    return knn_jsd_table(a, b, opt.k, cells);
  }
  if (n < kClassifierMinimum) fail("classifier needs at least {} rows on each side (got {})", kClassifierMinimum, n);
  return classifier_jsd_table(a, b, opt.folds, opt.seed);
}

// The same estimator between two random halves of A, of as many rows as the estimate used
// (used_a); NaN when half of A is too few rows.
double noise_floor(const std::string& method, const Table& a, int64_t used_a, int64_t minimum, const EvalOptions& opt) {
  if (used_a / 2 < minimum) return NAN;
  std::vector<int64_t> order(static_cast<size_t>(a.rows));
  std::iota(order.begin(), order.end(), 0);
  Rng halves = make_rng(opt.seed, kHalvesStream);
  shuffle(order, halves);
  const auto half = static_cast<std::ptrdiff_t>(used_a / 2);
  const Table h1 = take_table_rows(a, {order.begin(), order.begin() + half});
  const Table h2 = take_table_rows(a, {order.begin() + half, order.begin() + 2 * half});
  try {
    Rng floor_rng = make_rng(opt.seed, kFloorFitStream);
    return estimate(method, h1, h2, opt, floor_rng).jsd;
  } catch (const Error&) {
    return NAN;
  }
}

// The rows of t as exact keys for the shared-rows count: per column the 64 bits of its value
// (a discrete column's category as its code in `reference`, by text; missing: one pattern).
Tensor row_keys(const Table& t, const Table& reference) {
  Tensor keys(t.rows, 2 * static_cast<int64_t>(t.columns.size()));
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const Column& column = t.schema.columns[c];
    std::vector<int64_t> code_in_ref;
    if (column.kind == ColumnKind::categorical) {
      std::unordered_map<std::string, int64_t> index;
      const std::vector<std::string>& ref = reference.schema.columns[c].categories;
      for (size_t i = 0; i < ref.size(); ++i) index.emplace(ref[i], static_cast<int64_t>(i));
      for (size_t i = 0; i < column.categories.size(); ++i) {
        const auto it = index.find(column.categories[i]);
        code_in_ref.push_back(it == index.end() ? -2 - static_cast<int64_t>(i) : it->second);
      }
    }
    for (int64_t r = 0; r < t.rows; ++r) {
      const auto i = static_cast<size_t>(r);
      int64_t bits = INT64_MIN;  // missing
      if (t.columns[c].missing[i]) {
      } else if (holds_reals(column.kind)) {
        std::memcpy(&bits, &t.columns[c].reals[i], sizeof bits);
      } else {
        const int64_t v = t.columns[c].ints[i];
        bits = code_in_ref.empty() ? v : code_in_ref[static_cast<size_t>(v)];
      }
      std::memcpy(keys.row(r) + 2 * c, &bits, sizeof bits);
    }
  }
  return keys;
}

}  // namespace

bool run_eval_table(const EvalOptions& opt, ProgressLine& progress) {
  const DataRef ref_a = parse_data_ref(opt.a), ref_b = parse_data_ref(opt.b);
  const auto typed = [](const DataRef& ref) { return !ref.dataset_given && is_table_file(ref.path); };
  if (!typed(ref_a) && !typed(ref_b)) return false;
  TableReader ra(ref_a), rb(ref_b);
  const std::string name_a = ref_a.display(), name_b = ref_b.display();
  const auto unnamed = [](const TableReader& r) {
    return !r.typed() && column_names(r.meta().schema) == default_column_names(r.cols());
  };
  check_columns(ra.meta().schema, rb.meta().schema, name_a, name_b, unnamed(ra) || unnamed(rb));
  int64_t dropped_a = 0, dropped_b = 0;
  Table a = read_table(ra, opt.drop_nonfinite, dropped_a), b = read_table(rb, opt.drop_nonfinite, dropped_b);
  match_numeric_kinds(a, b);
  const auto dim = static_cast<int64_t>(a.columns.size());
  Rng rng = make_rng(opt.seed, kSubsetStream);
  if (opt.max_rows > 0) a = select_table_rows(a, opt.max_rows, rng), b = select_table_rows(b, opt.max_rows, rng);

  const TableCells cells = table_cells(a, b);
  std::string why;
  const std::string method = choose_method(opt, cells, std::min(a.rows, b.rows), why);
  if (method == "hist")
    fail_usage("--method hist works on numeric matrices, and {} is a typed table; use knn (exact matching on the "
               "discrete part) or classifier",
               typed(ref_a) ? name_a : name_b);
  const MinimumRows minimum = minimum_rows(method, dim, opt.k);
  const bool too_few = check_row_count(opt, progress, minimum, method, name_a, a.rows, name_b, b.rows, dim);
  warn_sparse_cells(progress, method, cells, std::min(a.rows, b.rows));

  progress.show("eval-jsd: estimating (" + method + ")…");
  Rng fit_rng = make_rng(opt.seed, kFitStream);
  const JsdEstimate e = estimate(method, a, b, opt, fit_rng);
  const auto used_a = static_cast<int64_t>(e.terms_a.size()), used_b = static_cast<int64_t>(e.terms_b.size());
  progress.show("eval-jsd: noise floor…");
  const double floor = noise_floor(method, a, used_a, minimum.hard, opt);
  progress.show("eval-jsd: bootstrap…");
  EvalResult result{e, method, why, name_a, name_b, floor, used_a, used_b, dropped_a, dropped_b, dim};
  result.cells = &cells;
  finish_eval(opt, progress, result, too_few, sorted_row_hashes(row_keys(a, a)), row_keys(b, a), a.rows);
  return true;
}

}  // namespace gantool
