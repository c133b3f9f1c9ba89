// Small mixed tables for the report's tests, written as CSV for an independent Python
// implementation (numpy, scipy, scikit-learn), whose answer is read back as JSON.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "data/table.hpp"
#include "scratch.hpp"

namespace gantool_test {

using gantool::Column;
using gantool::ColumnKind;
using gantool::Table;

// What differs between the "real" and a "synthetic" mixed table.
struct MixedParams {
  double shift = 0;               // added to x
  double slope = 2;               // y = slope · x + noise
  double missing = 0.05;          // share of x and color missing
  std::vector<std::string> colors = {"blue", "green", "red"};  // color's categories, in code order
  std::vector<double> color_p = {0.5, 0.3, 0.2};               // their probabilities
};

// rows of columns x (continuous, some missing), n (integer, many ties), when (datetime),
// color (categorical, some missing), flag (boolean, depends on x and color), y (continuous).
inline Table mixed_table(int64_t rows, uint64_t seed, const MixedParams& p = {}) {
  using namespace gantool;
  Schema schema;
  const auto add = [&](const std::string& name, ColumnKind kind, std::vector<std::string> categories = {}) {
    Column c;
    c.name = name, c.kind = kind, c.categories = std::move(categories);
    schema.columns.push_back(c);
  };
  add("x", ColumnKind::continuous);
  add("n", ColumnKind::integer);
  add("when", ColumnKind::datetime);
  add("color", ColumnKind::categorical, p.colors);
  add("flag", ColumnKind::boolean, {"no", "yes"});
  add("y", ColumnKind::continuous);
  Table t = empty_table(schema);
  resize_rows(t, rows);
  Rng rng = make_rng(seed);
  for (int64_t r = 0; r < rows; ++r) {
    const double x = normal(rng) + p.shift;
    const double u = uniform(rng);
    int64_t color = 0;
    for (double acc = p.color_p[0]; color + 1 < static_cast<int64_t>(p.color_p.size()) && u > acc;)
      acc += p.color_p[static_cast<size_t>(++color)];
    set_number(t, 0, r, uniform(rng) < p.missing ? NAN : x);
    set_number(t, 1, r, std::floor(3 * uniform(rng) + 2 * (x > 0)));
    set_number(t, 2, r, 1.6e9 + 86400 * std::floor(30 * uniform(rng) + 5 * x));
    set_number(t, 3, r, uniform(rng) < p.missing ? NAN : double(color));
    set_number(t, 4, r, x + 0.5 * color + normal(rng) > 0.5 ? 1 : 0);
    set_number(t, 5, r, p.slope * x + 0.5 * normal(rng));
  }
  count_categories(t);
  mark_nullable(t);
  return t;
}

// The table as CSV: a header of names; numbers with 17 digits, categories as text, missing
// as an empty field.
inline std::string table_csv(const Table& t) {
  std::string out;
  for (size_t c = 0; c < t.schema.columns.size(); ++c) out += (c ? "," : "") + t.schema.columns[c].name;
  out += "\n";
  for (int64_t r = 0; r < t.rows; ++r) {
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const Column& col = t.schema.columns[c];
      const double v = gantool::number_at(t, static_cast<int64_t>(c), r);
      if (c) out += ",";
      if (std::isnan(v)) continue;
      out += gantool::is_discrete(col.kind) ? col.categories[static_cast<size_t>(v)] : fmt::format("{:.17g}", v);
    }
    out += "\n";
  }
  return out;
}

// A tensor as CSV of 9-digit floats (exact for float32).
inline std::string tensor_csv(const gantool::Tensor& t) {
  std::string out;
  for (int64_t r = 0; r < t.rows(); ++r)
    for (int64_t c = 0; c < t.cols(); ++c) out += fmt::format("{:.9g}{}", t(r, c), c + 1 == t.cols() ? "\n" : ",");
  return out;
}

// Runs `script` with Debian's python3 in the scratch folder and parses what it prints.
inline nlohmann::json run_python(const ScratchDir& dir, const std::string& script) {
  dir.write("script.py", script);
  REQUIRE(std::system(("cd '" + dir.dir.string() + "' && /usr/bin/python3 script.py > py.json").c_str()) == 0);
  return nlohmann::json::parse(dir.read("py.json"));
}

}  // namespace gantool_test
