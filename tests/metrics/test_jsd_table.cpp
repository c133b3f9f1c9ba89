// The JSD of typed tables against true values computed here: closed forms for categorical
// columns alone, numerical integration (Simpson) for Gaussians whose mean depends on the
// category, with and without missing values whose probability depends on the category.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "metrics/jsd_table.hpp"

using namespace gantool;

namespace {

const double kLn2 = std::log(2.0), kNaN = std::nan("");

// One side of a mixed case: a category with these probabilities, then a value ~ N(mean[d], 1)
// missing with probability missing[d] (none when `missing` is empty).
struct Side {
  std::vector<double> prob, mean, missing;
};

double normal_pdf(double x, double mean) { return std::exp(-0.5 * (x - mean) * (x - mean)) / std::sqrt(2 * M_PI); }

// The true JSD of two sides: the discrete cells (category, missing) exactly, the Gaussian
// parts by Simpson's rule on [−30, 30].
double true_jsd(const Side& p, const Side& q) {
  const auto f = [](double a, double b) {  // ½ a log(a/m) + ½ b log(b/m)
    const double m = (a + b) / 2;
    return (a > 0 ? 0.5 * a * std::log(a / m) : 0) + (b > 0 ? 0.5 * b * std::log(b / m) : 0);
  };
  double jsd = 0;
  for (size_t d = 0; d < p.prob.size(); ++d) {
    if (p.mean.empty()) {  // the category alone
      jsd += f(p.prob[d], q.prob[d]);
      continue;
    }
    const double miss_p = p.missing.empty() ? 0 : p.missing[d], miss_q = q.missing.empty() ? 0 : q.missing[d];
    jsd += f(p.prob[d] * miss_p, q.prob[d] * miss_q);
    const int steps = 60000;
    const double lo = -30, h = 60.0 / steps;
    double sum = 0;
    for (int i = 0; i <= steps; ++i) {
      const double x = lo + i * h;
      sum += f(p.prob[d] * (1 - miss_p) * normal_pdf(x, p.mean[d]), q.prob[d] * (1 - miss_q) * normal_pdf(x, q.mean[d])) *
             (i == 0 || i == steps ? 1 : i % 2 ? 4 : 2);
    }
    jsd += sum * h / 3;
  }
  return jsd;
}

// n rows of a side: column "cat" (categories as given) and, when `with_value`, column "x".
Table draw(const Side& side, int64_t n, uint64_t seed, bool with_value, std::vector<std::string> categories = {}) {
  Schema schema = continuous_schema(with_value ? std::vector<std::string>{"cat", "x"} : std::vector<std::string>{"cat"});
  schema.columns[0].kind = ColumnKind::categorical;
  if (categories.empty())
    for (size_t d = 0; d < side.prob.size(); ++d) categories.push_back(std::string(1, char('a' + d)));
  schema.columns[0].categories = categories;
  Table t = empty_table(schema);
  resize_rows(t, n);
  Rng rng = make_rng(seed);
  for (int64_t r = 0; r < n; ++r) {
    double u = uniform(rng);
    size_t d = 0;
    while (d + 1 < side.prob.size() && u >= side.prob[d]) u -= side.prob[d++];
    set_number(t, 0, r, static_cast<double>(d));
    if (!with_value) continue;
    const double value = side.mean[d] + normal(rng);
    const bool missing = !side.missing.empty() && uniform(rng) < side.missing[d];
    set_number(t, 1, r, missing ? kNaN : value);
  }
  return t;
}

double estimate(const Table& a, const Table& b, TableCells& cells, int k = 10) {
  return knn_jsd_table(a, b, k, cells).jsd;
}

}  // namespace

TEST_CASE("jsd_table: categories alone give the discrete JSD", "[jsd_table]") {
  TableCells cells;
  // Disjoint: every term is ln 2 and there is nothing to correct.
  const Side only_a{{1, 0}, {}, {}}, only_b{{0, 1}, {}, {}};
  CHECK(estimate(draw(only_a, 500, 1, false), draw(only_b, 500, 2, false), cells) == Approx(kLn2).margin(1e-12));
  CHECK(cells.cells == 2);
  CHECK(cells.discrete_columns == 1);
  CHECK(cells.numeric_columns == 0);
  // Known probabilities.
  const Side p{{0.5, 0.3, 0.2}, {}, {}}, q{{0.2, 0.3, 0.5}, {}, {}};
  const double truth = true_jsd(p, q);
  CHECK(estimate(draw(p, 20000, 3, false), draw(q, 20000, 4, false), cells) == Approx(truth).margin(0.006));
  // The same distribution: about 0 (the plug-in's bias corrected).
  CHECK(std::abs(estimate(draw(p, 20000, 5, false), draw(p, 20000, 6, false), cells)) < 0.002);
}

TEST_CASE("jsd_table: Gaussians whose mean depends on the category", "[jsd_table]") {
  const Side p{{0.5, 0.3, 0.2}, {0, 1, -1}, {}}, q{{0.3, 0.3, 0.4}, {0.5, 1, 1}, {}};
  const double truth = true_jsd(p, q);
  TableCells cells;
  const double jsd = estimate(draw(p, 20000, 1, true), draw(q, 20000, 2, true), cells);
  CHECK(jsd == Approx(truth).margin(0.01));
  CHECK(cells.cells == 3);
  CHECK(cells.missing_flags == 0);
  CHECK(cells.small_rows == 0);
  // The same distribution: about 0.
  CHECK(std::abs(estimate(draw(p, 20000, 3, true), draw(p, 20000, 4, true), cells)) < 0.01);
}

TEST_CASE("jsd_table: missing values whose probability depends on the category", "[jsd_table]") {
  const Side p{{0.6, 0.4}, {0, 1}, {0.1, 0.4}}, q{{0.4, 0.6}, {0, 0}, {0.3, 0.1}};
  const double truth = true_jsd(p, q);
  TableCells cells;
  const double jsd = estimate(draw(p, 20000, 1, true), draw(q, 20000, 2, true), cells);
  CHECK(jsd == Approx(truth).margin(0.01));
  CHECK(cells.cells == 4);  // (category, missing or not)
  CHECK(cells.missing_flags == 1);
}

TEST_CASE("jsd_table: categories are matched by text; b's unknown ones are counted", "[jsd_table]") {
  const Side p{{0.5, 0.3, 0.2}, {0, 1, -1}, {}};
  const Side reversed{{0.2, 0.3, 0.5}, {-1, 1, 0}, {}};  // the same distribution, codes reversed
  TableCells cells;
  const Table a = draw(p, 5000, 1, true);
  const double aligned = estimate(a, draw(p, 5000, 2, true), cells);
  const double renamed = estimate(a, draw(reversed, 5000, 2, true, {"c", "b", "a"}), cells);
  CHECK(std::abs(renamed) < 0.02);
  CHECK(std::abs(aligned) < 0.02);
  CHECK(cells.unmatched_b == 0);
  // b's "z" is a category a lacks: its rows are counted, and their cell is a's nowhere (ln 2).
  const Side two{{0.5, 0.5}, {0, 0}, {}};
  const double jsd = estimate(draw(two, 4000, 1, true, {"a", "b"}), draw(two, 4000, 2, true, {"a", "z"}), cells);
  CHECK(cells.unmatched_b > 1800);
  CHECK(cells.unmatched_b < 2200);
  CHECK(jsd == Approx(0.5 * kLn2).margin(0.02));
}

TEST_CASE("jsd_table: small cells use fewer neighbours, a lone row its discrete term only", "[jsd_table]") {
  // 3 categories in a, the last one holding 3 rows; in b, 1 row of it.
  Side p{{0.5, 0.5}, {0, 0}, {}};
  Table a = draw(p, 200, 1, true), b = draw(p, 200, 2, true);
  a.schema.columns[0].categories.push_back("c"), b.schema.columns[0].categories.push_back("c");
  set_number(a, 0, 0, 2), set_number(a, 0, 1, 2), set_number(a, 0, 2, 2), set_number(b, 0, 0, 2);
  TableCells cells;
  const JsdEstimate e = knn_jsd_table(a, b, 10, cells);
  CHECK(cells.small_rows == 4);
  CHECK(std::isfinite(e.jsd));
  // b's lone row: log(2·1/(3 + 1)) and nothing else.
  CHECK(e.terms_b[0] == Approx(std::log(0.5)));
}

TEST_CASE("jsd_table: numeric columns alone agree with knn_jsd", "[jsd_table]") {
  const Side p{{1}, {0}, {}}, q{{1}, {1}, {}};
  const Table a = draw(p, 5000, 1, true), b = draw(q, 5000, 2, true);
  Tensor ta(5000, 1), tb(5000, 1);
  for (int64_t r = 0; r < 5000; ++r) ta(r, 0) = float(a.columns[1].reals[size_t(r)]), tb(r, 0) = float(b.columns[1].reals[size_t(r)]);
  standardize_pooled(ta, tb);
  TableCells cells;
  CHECK(estimate(a, b, cells) == Approx(knn_jsd(ta, tb, 10).jsd).margin(0.003));
  CHECK(cells.cells == 1);
}

TEST_CASE("jsd_table: the classifier reads one-hot categories and missing flags", "[jsd_table]") {
  const Side p{{0.6, 0.4}, {0, 1}, {0.1, 0.4}}, q{{0.4, 0.6}, {0, 0}, {0.3, 0.1}};
  const double truth = true_jsd(p, q);
  const JsdEstimate e = classifier_jsd_table(draw(p, 8000, 1, true), draw(q, 8000, 2, true), 2, 1);
  CHECK(e.lower_bound);
  CHECK(e.jsd < truth + 0.01);
  CHECK(e.jsd > truth - 0.03);
}

TEST_CASE("jsd_table: non-finite values of continuous columns are found and dropped", "[jsd_table]") {
  const Side p{{1}, {0}, {0.5}};
  Table t = draw(p, 50, 1, true);
  CHECK(first_nonfinite_row(t) == -1);  // missing is not NaN
  int64_t present = 0;
  while (t.columns[1].missing[size_t(present)]) ++present;
  t.columns[1].reals[size_t(present)] = INFINITY;
  CHECK(first_nonfinite_row(t) == present);
  CHECK(drop_nonfinite_table_rows(t) == 1);
  CHECK(t.rows == 49);
  Rng rng = make_rng(3);
  CHECK(select_table_rows(t, 10, rng).rows == 10);
}
