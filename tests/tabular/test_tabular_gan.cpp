// Tests of the tabular GAN: the heads' backward against central finite differences in
// double precision, the same bits from the same seed, and generation that honours
// conditions and depends on (seed, row) alone.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/threads.hpp"
#include "tabular/tabular_gan.hpp"

using namespace gantool;

namespace {

// Two discrete columns (b depends on a) and a bimodal continuous one.
Table small_table(int64_t rows) {
  Schema schema = continuous_schema({"a", "b", "x"});
  schema.columns[0].kind = ColumnKind::categorical;
  schema.columns[0].categories = {"p", "q", "r"};
  schema.columns[1].kind = ColumnKind::boolean;
  schema.columns[1].categories = {"no", "yes"};
  Table table = empty_table(schema);
  resize_rows(table, rows);
  Rng rng = make_rng(9);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t a = static_cast<int64_t>(below(rng, 3));
    set_number(table, 0, r, double(a));
    set_number(table, 1, r, a == 2 ? 1.0 : 0.0);
    set_number(table, 2, r, (a == 0 ? -3 : 3) + 0.1 * normal(rng));
  }
  return table;
}

// Every row of `kept` has a = a_code and b = b_code.
void check_meets(const Table& kept, int64_t a_code, int64_t b_code) {
  CHECK(kept.rows > 0);
  for (int64_t r = 0; r < kept.rows; ++r) {
    CHECK(kept.columns[0].ints[r] == a_code);
    CHECK(kept.columns[1].ints[r] == b_code);
  }
}

// The central difference of loss at x[i] (x restored).
template <typename F>
double central(std::vector<double>& x, size_t i, F loss, double h = 1e-5) {
  const double keep = x[i];
  x[i] = keep + h;
  const double up = loss(x);
  x[i] = keep - h;
  const double down = loss(x);
  x[i] = keep;
  return (up - down) / (2 * h);
}

GanConfig small_game() {
  GanConfig game;
  game.loss = GanLoss::wgan_gp;
  game.batch = 40;
  game.pack = 4;
  game.ema = 0;
  game.opt_g.beta2 = game.opt_d.beta2 = 0.9;
  return game;
}

// The transform of small_table(300) and a small game on it.
struct Small {
  Table table = small_table(300);
  TabularTransform transform;
  GanConfig config;
  Small() {
    set_threads(1);
    Rng rng = make_rng(1);
    transform = fit_transform(table, 10, 0.005, rng);
    config = tabular_config(transform, TabularShape{8, {32}, {32}}, small_game());
  }
};

}  // namespace

TEST_CASE("tabular gan: the heads' backward matches finite differences", "[tabular]") {
  const std::vector<OutputBlock> blocks = {{0, 1, false}, {1, 3, true}, {4, 2, true}};
  const int64_t rows = 3, dim = 6;
  Rng rng = make_rng(5);
  std::vector<float> src(rows * dim), gumbel(rows * dim), y(rows * dim), w(rows * dim), diff(rows * dim);
  for (auto* v : {&src, &gumbel, &w})
    for (float& x : *v) x = static_cast<float>(normal(rng) * 0.3);
  // Loss L = Σ w ⊙ heads(src): its gradient at src by the backward pass ...
  heads_forward(blocks, src.data(), gumbel.data(), y.data(), rows, dim);
  diff = w;
  heads_backward(blocks, y.data(), diff.data(), rows, dim);
  // ... and by central differences of a double-precision model of the heads.
  const auto loss = [&](const std::vector<double>& s) {
    double total = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const double* x = s.data() + r * dim;
      const float* g = gumbel.data() + r * dim;
      const float* wr = w.data() + r * dim;
      total += wr[0] * std::tanh(x[0]);
      for (const auto& [first, width] : {std::pair{1, 3}, std::pair{4, 2}}) {
        double sum = 0;
        for (int j = first; j < first + width; ++j) sum += std::exp((x[j] + g[j]) / kGumbelTau);
        for (int j = first; j < first + width; ++j) total += wr[j] * std::exp((x[j] + g[j]) / kGumbelTau) / sum;
      }
    }
    return total;
  };
  std::vector<double> s(src.begin(), src.end());
  for (size_t i = 0; i < s.size(); ++i) CHECK(diff[i] == Approx(central(s, i, loss)).margin(1e-4).epsilon(1e-3));
}

TEST_CASE("tabular gan: the same seed gives the same bits, step by step", "[tabular]") {
  const Small s;
  Gan a = make_gan(s.config, 7), b = make_gan(s.config, 7);
  TabularData da = make_tabular_data(a, s.transform, s.table), db = make_tabular_data(b, s.transform, s.table);
  for (int i = 0; i < 20; ++i) {
    const StepStats sa = tabular_step(a, da), sb = tabular_step(b, db);
    REQUIRE(std::isfinite(sa.loss_d));
    REQUIRE(sa.loss_d == sb.loss_d);
    REQUIRE(sa.loss_g == sb.loss_g);
  }
  CHECK(a.g.params.values == b.g.params.values);
  CHECK(a.d.params.values == b.d.params.values);
  CHECK(a.noise_rng.counter == b.noise_rng.counter);
}

TEST_CASE("tabular gan: generated rows depend on (seed, row) alone and meet their conditions", "[tabular]") {
  const Small s;
  const TabularTransform& t = s.transform;
  const GanConfig& config = s.config;
  Gan gan = make_gan(config, 3);
  TiledForward one(gan.g, 1), two(gan.g, 2);
  Table whole, part;
  generate_table(one, config, t, 11, 0, 1536, {}, whole);
  generate_table(two, config, t, 11, 1024, 512, {}, part);
  REQUIRE(whole.rows == 1536);
  REQUIRE(part.rows == 512);
  for (int64_t r = 0; r < 512; ++r)
    for (int64_t c = 0; c < 3; ++c) REQUIRE(number_at(part, c, r) == number_at(whole, c, 1024 + r));
  // Conditions on both discrete columns at once: every kept row meets both.
  Table kept;
  generate_table(one, config, t, 11, 0, 2048, {{0, 1}, {1, 0}}, kept);
  check_meets(kept, 1, 0);
}

TEST_CASE("tabular gan: common conditions are met by rejection, rare ones through the conditional vector", "[tabular]") {
  const Small s;
  TabularTransform t = s.transform;
  const GanConfig& config = s.config;
  // small_table(300): a is p, q, r about a third each; b is yes exactly when a is r.
  const std::vector<int64_t>& a = t.columns[0].counts;
  const std::vector<int64_t>& b = t.columns[1].counts;
  const double share_q = double(a[1]) / 300, share_yes = double(b[1]) / 300;
  CHECK(condition_share(t, {}) == 1.0);
  CHECK(condition_share(t, {{0, 1}}) == Approx(share_q));
  CHECK(condition_share(t, {{0, 1}, {1, 1}}) == Approx(share_q * share_yes));  // as if independent
  CHECK(fixed_condition(t, {}) == nullptr);
  CHECK(fixed_condition(t, {{0, 1}, {1, 1}}) == nullptr);  // ~11%: rejection
  // A category of 2 rows in 300 (0.67%) is rarer than kMinRejectionShare: its conditional
  // vector is fixed, and with two conditions the rarer one's.
  t.columns[0].counts = {149, 149, 2};
  const std::vector<ColumnCondition> rare = {{1, 0}, {0, 2}};
  const ColumnCondition* fixed = fixed_condition(t, rare);
  REQUIRE(fixed != nullptr);
  CHECK(fixed->column == 0);
  CHECK(fixed->category == 2);
  // Either way every kept row meets the conditions; through rejection the kept rows are the
  // unconditioned rows that meet them, row for row.
  Gan gan = make_gan(config, 5);
  TiledForward g(gan.g, 1);
  Table all, kept;
  generate_table(g, config, s.transform, 3, 0, 1024, {}, all);
  generate_table(g, config, s.transform, 3, 0, 1024, {{0, 1}}, kept);
  int64_t k = 0;
  for (int64_t r = 0; r < all.rows; ++r) {
    if (all.columns[0].ints[r] != 1) continue;
    REQUIRE(k < kept.rows);
    for (int64_t c = 0; c < 3; ++c) REQUIRE(number_at(kept, c, k) == number_at(all, c, r));
    ++k;
  }
  CHECK(k == kept.rows);
  CHECK(k > 0);
  Table forced;
  generate_table(g, config, t, 3, 0, 1024, rare, forced);
  check_meets(forced, 2, 0);
}

TEST_CASE("tabular gan: the conditional loss and its gradient against log-softmax and finite differences", "[tabular]") {
  const Small s;
  const TabularTransform& t = s.transform;
  const CondSampler sampler = make_cond_sampler(t, s.table);
  REQUIRE(sampler.discrete.size() == 2);
  // Rows asking for a = r, b = no, nothing (a row without a condition adds nothing) and a = p.
  const std::vector<Condition> conds = {{0, 2}, {1, 0}, {}, {0, 0}};
  const int64_t rows = 4, dim = t.data_dim;
  Rng rng = make_rng(8);
  std::vector<float> logits(rows * dim), diff(rows * dim, 0.5f);
  for (float& x : logits) x = static_cast<float>(2 * normal(rng));
  const auto loss = [&](const std::vector<double>& x) {
    double total = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (conds[r].column < 0) continue;
      const ColumnCode& code = t.columns[static_cast<size_t>(sampler.discrete[static_cast<size_t>(conds[r].column)])];
      double sum = 0;
      for (int64_t j = 0; j < code.width; ++j) sum += std::exp(x[r * dim + code.offset + j]);
      total -= x[r * dim + code.offset + conds[r].category] - std::log(sum);
    }
    return total / rows;
  };
  std::vector<double> x(logits.begin(), logits.end());
  CHECK(condition_loss(t, sampler, conds, logits.data(), rows, diff.data()) == Approx(loss(x)).epsilon(1e-6));
  for (size_t i = 0; i < x.size(); ++i) {
    INFO("logit " << i);
    CHECK(diff[i] - 0.5f == Approx(central(x, i, loss)).margin(1e-5));  // added to what diff held
  }
}
