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
  for (size_t i = 0; i < s.size(); ++i) {
    const double h = 1e-5, keep = s[i];
    s[i] = keep + h;
    const double up = loss(s);
    s[i] = keep - h;
    const double down = loss(s);
    s[i] = keep;
    CHECK(diff[i] == Approx((up - down) / (2 * h)).margin(1e-4).epsilon(1e-3));
  }
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
  CHECK(kept.rows > 0);
  for (int64_t r = 0; r < kept.rows; ++r) {
    CHECK(kept.columns[0].ints[r] == 1);
    CHECK(kept.columns[1].ints[r] == 0);
  }
}
