// Privacy: distances to the closest record against scikit-learn's NearestNeighbors, exact
// copies against a Python set of rows, percentiles against numpy; a memorizing generator is
// flagged, an honest one is not.
#include <catch2/catch.hpp>

#include "metrics/features.hpp"
#include "metrics/jsd_table.hpp"
#include "metrics/privacy.hpp"
#include "metrics/report.hpp"
#include "report_tables.hpp"

using namespace gantool;
using namespace gantool_test;

TEST_CASE("closest distances, exact copies and percentiles agree with scikit-learn and numpy", "[report][privacy]") {
  ScratchDir dir("report_privacy");
  const Table train = mixed_table(600, 1);
  // Synthetic rows: 40 copies of training rows (some with missing values), then new rows.
  std::vector<int64_t> copied;
  for (int64_t r = 0; r < 40; ++r) copied.push_back(r * 7);
  Table synth = take_table_rows(train, copied);
  append_rows(synth, mixed_table(160, 2));
  const FeatureMap map = fit_features(train, synth);
  const Tensor ref = encode_features(map, train), queries = encode_features(map, synth);
  dir.write("train.csv", table_csv(train));
  dir.write("synth.csv", table_csv(synth));
  dir.write("ref.csv", tensor_csv(ref));
  dir.write("queries.csv", tensor_csv(queries));
  const nlohmann::json py = run_python(dir, R"(
import json, numpy as np, pandas as pd
from sklearn.neighbors import NearestNeighbors
ref = np.loadtxt('ref.csv', delimiter=',').astype(np.float32).astype(np.float64)
q = np.loadtxt('queries.csv', delimiter=',').astype(np.float32).astype(np.float64)
dist = NearestNeighbors(n_neighbors=1).fit(ref).kneighbors(q)[0][:, 0]
read = lambda f: pd.read_csv(f, keep_default_na=False, na_values=[''], dtype=str)
train = set(map(tuple, read('train.csv').fillna('<NA>').to_numpy()))
copies = sum(tuple(row) in train for row in read('synth.csv').fillna('<NA>').to_numpy())
print(json.dumps({'dist': dist.tolist(), 'copies': int(copies), 'median': float(np.percentile(dist, 50)),
                  'p5': float(np.percentile(dist, 5))}))
)");
  const std::vector<double> dist = closest_distances(ref, queries);
  REQUIRE(dist.size() == py["dist"].size());
  for (size_t i = 0; i < dist.size(); ++i) CHECK(dist[i] == Approx(py["dist"][i].get<double>()).epsilon(1e-5).margin(1e-6));
  CHECK(exact_copies(train, synth) == py["copies"].get<int64_t>());
  CHECK(exact_copies(train, synth) >= 40);
  CHECK(percentile(dist, 0.5) == Approx(py["median"].get<double>()).epsilon(1e-5));
  CHECK(percentile(dist, 0.05) == Approx(py["p5"].get<double>()).epsilon(1e-5).margin(1e-6));
}

TEST_CASE("privacy flags a generator that copies its training rows, not one that samples anew", "[report][privacy]") {
  const Table train = mixed_table(2000, 1), real = mixed_table(1000, 2);
  const Table honest = mixed_table(1000, 3);
  std::vector<int64_t> first(1000);
  for (int64_t r = 0; r < 1000; ++r) first[size_t(r)] = r;
  const Table copy = take_table_rows(train, first);
  const Privacy good = privacy(train, honest, real, honest, real);
  CHECK_FALSE(good.flagged);
  CHECK(good.ratio == Approx(1).margin(0.15));
  CHECK(good.copies_synth == 0);
  const Privacy bad = privacy(train, copy, real, copy, real);
  CHECK(bad.flagged);
  CHECK(bad.copy_share_synth == 1);
  CHECK(bad.median_synth == 0);
  CHECK(bad.ratio == 0);
}
