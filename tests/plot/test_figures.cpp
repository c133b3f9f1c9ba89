// Tests of plot/figures and plot/critic: the numbers each picture's data blocks hold, checked
// against hand counts and analytic values (the drawing itself is gnuplot's; the CLI tests
// check that every picture renders).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "gan/losses.hpp"
#include "io/model_file.hpp"
#include "nn/net.hpp"
#include "plot/critic.hpp"
#include "plot/figures.hpp"

using namespace gantool;

namespace {

using Rows = std::vector<std::vector<double>>;

// The data blocks of a figure by name: their rows of numbers (NaN read as NaN).
std::map<std::string, Rows> blocks_of(const Figure& f) {
  std::map<std::string, Rows> blocks;
  std::istringstream in(f.data);
  std::string line, name;
  while (std::getline(in, line)) {
    if (line.size() > 7 && line.compare(line.size() - 7, 7, " << EOD") == 0) {
      name = line.substr(0, line.size() - 7);
      blocks[name];
    } else if (line == "EOD") {
      name.clear();
    } else if (!name.empty() && !line.empty()) {
      std::istringstream fields(line);
      std::vector<double> row;
      for (std::string v; fields >> v;) row.push_back(v == "NaN" ? NAN : std::stod(v));
      blocks[name].push_back(row);
    }
  }
  return blocks;
}

// Rows equal to `expected` to 7 significant digits (as the blocks write them).
bool close(const Rows& rows, const Rows& expected) {
  if (rows.size() != expected.size()) return false;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != expected[r].size()) return false;
    for (size_t c = 0; c < rows[r].size(); ++c)
      if (rows[r][c] != Approx(expected[r][c]).epsilon(1e-6).margin(1e-12)) return false;
  }
  return true;
}

int64_t count(const std::string& text, const std::string& what) {
  int64_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A table of continuous columns from rows of numbers (NaN: missing).
Table numbers(const std::vector<std::string>& names, const Rows& rows, ColumnKind kind = ColumnKind::continuous) {
  Schema schema = continuous_schema(names);
  for (Column& c : schema.columns) c.kind = kind;
  Table t = empty_table(schema);
  resize_rows(t, static_cast<int64_t>(rows.size()));
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < names.size(); ++c) set_number(t, static_cast<int64_t>(c), static_cast<int64_t>(r), rows[r][c]);
  return t;
}

}  // namespace

TEST_CASE("samples_figure: two numeric columns are every complete row's point", "[plot]") {
  const Table real = numbers({"x", "y"}, {{0, 1}, {2, 3}, {NAN, 5}, {6, 7}});
  const Table fake = numbers({"x", "y"}, {{1, 1}});
  const Figure f = samples_figure({{"real.h5", real}, {"fake.h5", fake}}, "t");
  const auto blocks = blocks_of(f);
  REQUIRE(blocks.size() == 2);
  CHECK(blocks.at("$d0") == Rows{{0, 1}, {2, 3}, {6, 7}});  // the row with a missing x is left out
  CHECK(blocks.at("$d1") == Rows{{1, 1}});
  CHECK(count(f.commands, "with points") == 4);  // two inputs, each with its key entry
  CHECK(f.commands.find("real.h5 (3 of 4 rows; the rest missing here)") != std::string::npos);
  CHECK(f.commands.find("fake.h5 (1 rows)") != std::string::npos);
  CHECK(f.commands.find("set title 't'") != std::string::npos);
}

TEST_CASE("samples_figure: an integer column's histogram has a bin per value", "[plot]") {
  const Table a = numbers({"n"}, {{1}, {1}, {2}, {3}, {3}, {3}}, ColumnKind::integer);
  const Figure f = samples_figure({{"a", a}}, "t");
  const Rows bins = blocks_of(f).at("$d0");
  CHECK(close(bins, {{1, 2.0 / 6}, {2, 1.0 / 6}, {3, 3.0 / 6}}));
}

TEST_CASE("samples_figure: a constant column is one bar, an empty one says so, integers are jittered", "[plot]") {
  const Figure constant = samples_figure({{"a", numbers({"c"}, {{7}, {7}, {NAN}})}}, "t");
  CHECK(close(blocks_of(constant).at("$d0"), {{7, 1}}));
  CHECK(constant.commands.find("with boxes") != std::string::npos);

  const Figure pair = samples_figure({{"a", numbers({"x", "gone", "z"}, {{1, NAN, 2}, {2, NAN, 3}})}}, "t");
  CHECK(pair.commands.find("no values: gone is missing in every row") != std::string::npos);

  // Whole numbers move by less than a quarter of their spacing; a continuous column's never.
  Rows rows;
  for (int i = 0; i < 200; ++i) rows.push_back({double(i % 3 * 10), double(i % 5)});
  const Figure scatter = samples_figure({{"a", numbers({"n", "m"}, rows, ColumnKind::integer)}}, "t");
  const Rows points = blocks_of(scatter).at("$d0");
  REQUIRE(points.size() == 200);
  bool moved = false;
  for (size_t i = 0; i < points.size(); ++i) {
    CHECK(std::abs(points[i][0] - rows[i][0]) <= 2.5);  // spacing 10
    CHECK(std::abs(points[i][1] - rows[i][1]) <= 0.25);  // spacing 1
    moved = moved || points[i][1] != rows[i][1];
  }
  CHECK(moved);
}

TEST_CASE("samples_figure: a continuous column's shares sum to one over 40 equal bins", "[plot]") {
  Rows rows;
  for (int i = 0; i < 1000; ++i) rows.push_back({std::sin(i * 1.0)});
  const Figure f = samples_figure({{"a", numbers({"s"}, rows)}}, "t");
  const Rows bins = blocks_of(f).at("$d0");
  REQUIRE(bins.size() == 40);
  double total = 0;
  for (const auto& b : bins) total += b[1];
  CHECK(total == Approx(1).epsilon(1e-6));
  for (size_t i = 1; i < bins.size(); ++i) CHECK(bins[i][0] - bins[i - 1][0] == Approx(bins[1][0] - bins[0][0]));
  // sin over whole radians piles up near ±1: the outer bins hold the most.
  CHECK(bins.front()[1] > bins[20][1]);
  CHECK(bins.back()[1] > bins[20][1]);
}

TEST_CASE("samples_figure: categories as side-by-side bars of shares", "[plot]") {
  Schema schema = continuous_schema({"c"});
  schema.columns[0].kind = ColumnKind::categorical;
  schema.columns[0].categories = {"a", "b", "c"};
  Table t = empty_table(schema);
  resize_rows(t, 4);
  t.columns[0].ints = {0, 2, 2, -1};
  t.columns[0].missing = {0, 0, 0, 1};
  const Figure f = samples_figure({{"one", t}, {"two", t}}, "t");
  const auto blocks = blocks_of(f);
  // Shares of the 3 non-missing rows, the first input's bars left of each category's centre.
  CHECK(close(blocks.at("$d0"), {{-0.2, 1.0 / 3}, {0.8, 0}, {1.8, 2.0 / 3}}));
  CHECK(close(blocks.at("$d1"), {{0.2, 1.0 / 3}, {1.2, 0}, {2.2, 2.0 / 3}}));
  CHECK(f.commands.find("set xtics ('a' 0, 'b' 1, 'c' 2)") != std::string::npos);
}

TEST_CASE("samples_figure: wider data is a pair plot; many rows, density maps", "[plot]") {
  Rows rows;
  for (int i = 0; i < 100; ++i) rows.push_back({double(i), double(i % 7), double(i % 3)});
  const Figure pair = samples_figure({{"a", numbers({"x", "y", "z"}, rows)}}, "t");
  CHECK(pair.commands.find("set multiplot layout 3,3") != std::string::npos);
  CHECK(count(pair.commands, "\nplot ") + (pair.commands.rfind("plot ", 0) == 0) == 9);

  Rows many;
  for (int i = 0; i < kMaxScatterRows + 1; ++i) many.push_back({double(i % 1000), double(i % 17)});
  const Figure density = samples_figure({{"big", numbers({"x", "y"}, many)}}, "t");
  const Rows cells = blocks_of(density).at("$d0");
  CHECK(cells.size() == 120 * 120);
  double total = 0;
  for (const auto& c : cells)
    if (!std::isnan(c[2])) total += c[2];
  CHECK(total == Approx(1));  // shares of each input's rows
}

TEST_CASE("history_figure: the series, steps/s from the history's clock", "[plot]") {
  const size_t cols = history_columns().size();
  std::vector<double> h(2 * cols, 0.0);
  const auto set = [&](size_t row, const std::string& name, double v) {
    h[row * cols + (std::find(history_columns().begin(), history_columns().end(), name) - history_columns().begin())] = v;
  };
  set(0, "step", 100), set(0, "seconds", 2), set(0, "loss_d", 1.25), set(0, "d_fake", 0.5);
  set(1, "step", 200), set(1, "seconds", 3), set(1, "loss_d", 1.5), set(1, "d_fake", 0.25);
  const Figure f = history_figure({{"gan.h5", h}}, "t");
  const Rows rows = blocks_of(f).at("$d0");
  REQUIRE(rows.size() == 2);
  // step loss_d loss_g d_real d_fake penalty steps/s
  CHECK(rows[0] == std::vector<double>{100, 1.25, 0, 0, 0.5, 0, 50});
  CHECK(rows[1] == std::vector<double>{200, 1.5, 0, 0, 0.25, 0, 100});
  CHECK(f.commands.find("no penalty") != std::string::npos);  // all zero: said, not drawn
  CHECK(f.commands.find("set multiplot layout 3,2") != std::string::npos);
}

TEST_CASE("critic_surface is σ of D's logit at each cell's centre, in data units", "[plot]") {
  // D: a single linear layer on pack·2 inputs, logit = Σ w·(normalized point) + b.
  for (const int64_t pack : {1, 3}) {
    INFO("pack " << pack);
    GanConfig c;
    c.pack = pack;
    c.loss = GanLoss::nonsaturating;
    Rng rng = make_rng(1, 0);
    Net d(mlp_spec(2 * pack, MlpFlags{{}, Activation::relu, 0, Activation::identity}, 1), Init::pytorch, rng);
    const ParamView& w = *d.params.find("layer0/weights");
    const ParamView& b = *d.params.find("layer0/bias");
    for (int64_t k = 0; k < pack; ++k) d.params.value(w)[2 * k] = 0.5f, d.params.value(w)[2 * k + 1] = -1.0f;
    d.params.value(b)[0] = 0.25f;
    const Normalization norm{"standard", {1.0, -2.0}, {2.0, 4.0}};
    const CriticGrid grid{-1, 3, -6, 2, 8, 4};
    const Tensor s = critic_surface(d, c, norm, grid);
    REQUIRE(s.rows() == 4);
    REQUIRE(s.cols() == 8);
    for (int64_t iy = 0; iy < 4; ++iy)
      for (int64_t ix = 0; ix < 8; ++ix) {
        const double x = -1 + (ix + 0.5) * 0.5, y = -6 + (iy + 0.5) * 2.0;
        const double logit = pack * (0.5 * (x - 1.0) / 2.0 - 1.0 * (y + 2.0) / 4.0) + 0.25;
        CHECK(s(iy, ix) == Approx(1 / (1 + std::exp(-logit))).epsilon(1e-5));
      }
    c.loss = GanLoss::hinge;  // a critic: the raw score
    CHECK(critic_surface(d, c, norm, grid)(0, 0) ==
          Approx(pack * (0.5 * (-0.75 - 1.0) / 2.0 - (-5.0 + 2.0) / 4.0) + 0.25).epsilon(1e-5));
  }
}

TEST_CASE("critic_grid covers the real rows with a margin", "[plot]") {
  Tensor real(3, 2);
  real(0, 0) = 0, real(0, 1) = -1;
  real(1, 0) = 10, real(1, 1) = 1;
  real(2, 0) = NAN, real(2, 1) = 100;  // a row with a missing coordinate still counts its finite one
  const CriticGrid g = critic_grid(real, 50);
  CHECK(g.x0 == Approx(-1.5));
  CHECK(g.x1 == Approx(11.5));
  CHECK(g.y0 == Approx(-1 - 0.15 * 101));
  CHECK(g.y1 == Approx(100 + 0.15 * 101));
  CHECK(g.nx == 50);
}
