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

// Python printing {"shapes": [...], "pairs": [...]}: column shapes and pair trends as scipy and
// numpy compute them from two CSV files (missing: empty fields), `discrete` naming the
// boolean and categorical columns.
inline std::string shapes_script(const std::string& real_csv, const std::string& synth_csv,
                                 const std::vector<std::string>& discrete) {
  std::string names;
  for (const std::string& d : discrete) names += "'" + d + "', ";
  return "REAL, SYNTH, DISCRETE = '" + real_csv + "', '" + synth_csv + "', [" + names + "]\n" + R"(
import json, itertools
import numpy as np, pandas as pd
from scipy.stats import ks_2samp
discrete = set(DISCRETE)
real = pd.read_csv(REAL, keep_default_na=False, na_values=[''], dtype={c: str for c in discrete})
synth = pd.read_csv(SYNTH, keep_default_na=False, na_values=[''], dtype={c: str for c in discrete})
def tvd(a, b):
    pa, pb = a.value_counts(normalize=True), b.value_counts(normalize=True)
    keys = set(pa.index) | set(pb.index)
    return 0.5 * sum(abs(pa.get(k, 0.0) - pb.get(k, 0.0)) for k in keys)
shapes = []
for c in real.columns:
    a, b = real[c].dropna(), synth[c].dropna()
    stat = tvd(a, b) if c in discrete else ks_2samp(a.to_numpy(), b.to_numpy()).statistic
    new = sorted(set(b) - set(a)) if c in discrete else []
    shapes.append({'score': 1 - stat, 'missing_real': real[c].isna().mean(), 'missing_synth': synth[c].isna().mean(),
                   'new_categories': len(new), 'new_category_rows': int(b.isin(new).sum())})
def corr(t, x, y):
    both = t[[x, y]].dropna()
    if len(both) < 2 or both[x].std() == 0 or both[y].std() == 0: return 0.0
    return float(np.corrcoef(both[x].to_numpy(), both[y].to_numpy())[0, 1])
def cells(t, c):
    if c in discrete: return t[c]
    v = np.sort(real[c].dropna().to_numpy()); n = len(v)
    edges = np.array([v[(k * (n - 1)) // 10] for k in range(1, 10)])
    return t[c].map(lambda x: x if pd.isna(x) else int(np.searchsorted(edges, x, side='right')))
def joint(t, x, y):
    both = pd.DataFrame({'x': cells(t, x), 'y': cells(t, y)}).dropna()
    return both.groupby(['x', 'y']).size() / len(both)
pairs = []
for x, y in itertools.combinations(real.columns, 2):
    if x not in discrete and y not in discrete:
        pairs.append({'score': 1 - abs(corr(real, x, y) - corr(synth, x, y)) / 2, 'real': corr(real, x, y)})
    else:
        p, q = joint(real, x, y), joint(synth, x, y)
        keys = set(p.index) | set(q.index)
        pairs.append({'score': 1 - 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys), 'real': 0.0})
print(json.dumps({'shapes': shapes, 'pairs': pairs}))
)";
}

// Runs `script` with Debian's python3 in the scratch folder and parses what it prints.
inline nlohmann::json run_python(const ScratchDir& dir, const std::string& script) {
  dir.write("script.py", script);
  REQUIRE(std::system(("cd '" + dir.dir.string() + "' && /usr/bin/python3 script.py > py.json").c_str()) == 0);
  return nlohmann::json::parse(dir.read("py.json"));
}

}  // namespace gantool_test
