// eval-fd's metrics against values computed independently: the Fréchet distance against
// closed forms and scipy.linalg.sqrtm's formula (on full-rank and rank-deficient features),
// k-NN radii against scikit-learn's NearestNeighbors, precision and recall against a
// brute-force scipy cdist (with duplicates and exact ties at the balls' edges), class
// coverage against scipy.stats.entropy.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <omp.h>

#include "core/rng.hpp"
#include "metrics/frechet.hpp"
#include "report_tables.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// n rows of d independent normals, column c scaled by scale·(1 + c/d) and shifted by shift.
Tensor gaussian(int64_t n, int64_t d, uint64_t seed, double scale = 1, double shift = 0) {
  Tensor t(n, d);
  Rng rng = make_rng(seed);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < d; ++c) t(r, c) = static_cast<float>(shift + scale * (1 + double(c) / double(d)) * normal(rng));
  return t;
}

// n rows of d dims lying on a `rank`-dimensional subspace: latent normals times a fixed map.
Tensor low_rank(int64_t n, int64_t d, int64_t rank, uint64_t seed, double scale) {
  const Tensor map = gaussian(rank, d, 99), latent = gaussian(n, rank, seed, scale);
  Tensor t(n, d);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < d; ++c) {
      double s = 0;
      for (int64_t l = 0; l < rank; ++l) s += double(latent(r, l)) * double(map(l, c));
      t(r, c) = static_cast<float>(s);
    }
  return t;
}

// n rows of d integers in 0..levels−1: many duplicate rows and many equal distances.
Tensor integers(int64_t n, int64_t d, int64_t levels, uint64_t seed) {
  Tensor t(n, d);
  Rng rng = make_rng(seed);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < d; ++c) t(r, c) = static_cast<float>(below(rng, uint64_t(levels)));
  return t;
}

// A Gaussian of the given mean and covariance (d × d, row-major).
GaussianFit fit_of(std::vector<double> mean, std::vector<double> cov) {
  GaussianFit g;
  g.rows = 1000, g.dims = int64_t(mean.size()), g.mean = std::move(mean), g.cov = std::move(cov);
  return g;
}

std::vector<double> diagonal(const std::vector<double>& v) {
  const size_t d = v.size();
  std::vector<double> m(d * d, 0.0);
  for (size_t i = 0; i < d; ++i) m[i * d + i] = v[i];
  return m;
}

// H m H for the Householder reflection H = I − 2uuᵀ/|u|² (orthogonal and symmetric).
std::vector<double> reflect(const std::vector<double>& m, const std::vector<double>& u) {
  const size_t d = u.size();
  double uu = 0;
  for (double x : u) uu += x * x;
  std::vector<double> h(d * d), hm(d * d, 0.0), out(d * d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) h[i * d + j] = (i == j) - 2 * u[i] * u[j] / uu;
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j)
      for (size_t l = 0; l < d; ++l) hm[i * d + j] += h[i * d + l] * m[l * d + j];
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j)
      for (size_t l = 0; l < d; ++l) out[i * d + j] += hm[i * d + l] * h[l * d + j];
  return out;
}

// Two feature sets under a name (and, for the Fréchet distance, the relative tolerance).
struct Pair {
  const char* name;
  Tensor a, b;
  double tolerance = 0;
};

// Writes each pair as NAME_a.csv and NAME_b.csv; returns the names as a Python list's items.
std::string write_pairs(const ScratchDir& dir, const std::vector<Pair>& pairs) {
  std::string names;
  for (const Pair& p : pairs) {
    dir.write(std::string(p.name) + "_a.csv", tensor_csv(p.a));
    dir.write(std::string(p.name) + "_b.csv", tensor_csv(p.b));
    names += std::string("'") + p.name + "', ";
  }
  return names;
}

// Python that loads float32 CSV files as float64 of the same values.
const char* kLoad = R"(
import json, numpy as np
load = lambda f: np.loadtxt(f, delimiter=',', ndmin=2).astype(np.float32).astype(np.float64)
)";

}  // namespace

TEST_CASE("Fréchet distance of known Gaussians: the closed forms", "[frechet]") {
  // Diagonal covariances: Σ (√a − √b)² + |Δμ|².
  const std::vector<double> a = {1, 4, 0.25, 9, 2}, b = {4, 1, 0.25, 1, 0.5};
  const std::vector<double> ma = {0, 1, 2, 3, 4}, mb = {1, 1, 0, 3, 4.5};
  double truth = 0;
  for (size_t i = 0; i < a.size(); ++i)
    truth += std::pow(std::sqrt(a[i]) - std::sqrt(b[i]), 2) + (ma[i] - mb[i]) * (ma[i] - mb[i]);
  CHECK(frechet_distance(fit_of(ma, diagonal(a)), fit_of(mb, diagonal(b))) == Approx(truth).epsilon(1e-12));
  // The same pair rotated alike (commuting, not diagonal): the same distance.
  const std::vector<double> u = {1, -2, 0.5, 3, 1};
  CHECK(frechet_distance(fit_of(ma, reflect(diagonal(a), u)), fit_of(mb, reflect(diagonal(b), u))) ==
        Approx(truth).epsilon(1e-10));
  // Non-commuting 2 × 2: tr (Σ₁^½ Σ₂ Σ₁^½)^½ = √(tr Σ₁Σ₂ + 2√(det Σ₁ det Σ₂)).
  const std::vector<double> s1 = {2, 0.6, 0.6, 1}, s2 = {1, -0.3, -0.3, 3};
  const double tr12 = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
  const double det1 = s1[0] * s1[3] - s1[1] * s1[2], det2 = s2[0] * s2[3] - s2[1] * s2[2];
  const double cross = std::sqrt(tr12 + 2 * std::sqrt(det1 * det2));
  CHECK(frechet_distance(fit_of({0, 0}, s1), fit_of({1, 2}, s2)) == Approx(5 + 3 + 4 - 2 * cross).epsilon(1e-12));
  // Identical Gaussians, even singular ones: exactly 0, never negative.
  CHECK(frechet_distance(fit_of(ma, diagonal({1, 0, 0, 2, 0})), fit_of(ma, diagonal({1, 0, 0, 2, 0}))) ==
        Approx(0).margin(1e-12));
  CHECK(frechet_distance(fit_of({0, 0}, {0, 0, 0, 0}), fit_of({3, 4}, {0, 0, 0, 0})) == Approx(25).epsilon(1e-14));
}

TEST_CASE("Fréchet distance of large samples nears the distance of their Gaussians", "[frechet]") {
  // Columns scaled by (1 + c/d): variances a_c = (1 + c/8)², b_c = (1.5 (1 + c/8))², means 0 and 0.5.
  const Tensor a = gaussian(40000, 8, 1), b = gaussian(40000, 8, 2, 1.5, 0.5);
  double truth = 0;
  for (int c = 0; c < 8; ++c) truth += std::pow(0.5 * (1 + c / 8.0), 2) + 0.25;
  // The estimate's sampling sd is about 0.06 here (numpy, 300 draws): within 3.5 sd.
  CHECK(frechet_distance(a, b) == Approx(truth).margin(0.2));
  // Two samples of one distribution: small but positive (the finite-sample bias).
  const double same = frechet_distance(gaussian(40000, 8, 3), gaussian(40000, 8, 4));
  CHECK(same > 0);
  CHECK(same < 0.01);
}

TEST_CASE("Fréchet distance agrees with scipy.linalg.sqrtm's formula, full rank and rank-deficient", "[frechet][scipy]") {
  ScratchDir dir("frechet_scipy");
  // Relative tolerances: sqrtm of a singular product is accurate to ~1e-7 only.
  std::vector<Pair> cases;
  cases.push_back({"random", gaussian(3000, 24, 10), gaussian(2500, 24, 11, 1.3, 0.2), 1e-9});
  cases.push_back({"subspace", low_rank(2000, 32, 5, 12, 1), low_rank(2000, 32, 5, 13, 1.3), 1e-5});
  cases.push_back({"few_rows", gaussian(20, 64, 14), gaussian(30, 64, 15, 2), 1e-5});
  const nlohmann::json py = run_python(dir, std::string(kLoad) + "NAMES = [" + write_pairs(dir, cases) + "]\n" + R"(
import scipy.linalg
out = {}
for name in NAMES:
    a, b = load(name + '_a.csv'), load(name + '_b.csv')
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(s1.dot(s2))
    out[name] = float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root).real)
print(json.dumps(out))
)");
  for (const Pair& c : cases) {
    INFO(c.name);
    CHECK(frechet_distance(c.a, c.b) == Approx(py[c.name].get<double>()).epsilon(c.tolerance));
  }
}

TEST_CASE("Fréchet distance's fit matches numpy's mean and cov", "[frechet]") {
  const Tensor t = gaussian(5, 3, 20);
  const GaussianFit g = fit_gaussian(t);
  REQUIRE(g.rows == 5);
  REQUIRE(g.dims == 3);
  for (int64_t i = 0; i < 3; ++i) {
    double m = 0;
    for (int64_t r = 0; r < 5; ++r) m += t(r, i);
    CHECK(g.mean[size_t(i)] == Approx(m / 5).epsilon(1e-14));
    for (int64_t j = 0; j < 3; ++j) {
      double mj = 0, s = 0;
      for (int64_t r = 0; r < 5; ++r) mj += t(r, j);
      for (int64_t r = 0; r < 5; ++r) s += (t(r, i) - m / 5) * (t(r, j) - mj / 5);
      CHECK(g.cov[size_t(i * 3 + j)] == Approx(s / 4).epsilon(1e-12));
    }
  }
}

TEST_CASE("Fréchet distance's errors name what is wrong", "[frechet]") {
  CHECK_THROWS_WITH(frechet_distance(gaussian(10, 3, 1), gaussian(10, 4, 2)), Catch::Contains("3 and 4 dims"));
  CHECK_THROWS_WITH(fit_gaussian(gaussian(1, 3, 1)), Catch::Contains("at least 2 rows"));
  Tensor bad = gaussian(10, 3, 1);
  bad(7, 2) = NAN;
  CHECK_THROWS_WITH(fit_gaussian(bad), Catch::Contains("row 7") && Catch::Contains("column 2"));
  CHECK_THROWS_AS(frechet_interval(bad, bad, 10, 1), Error);
}

TEST_CASE("Fréchet distance's bootstrap: the bias, an interval around the true distance, any thread count", "[frechet]") {
  // 32 dims from 1,500 rows: the plug-in FD is biased well above the Gaussians' distance,
  // Σ (0.2 (1 + c/32))² + 32 · 0.1².
  const Tensor a = gaussian(1500, 32, 30), b = gaussian(1500, 32, 31, 1.2, 0.1);
  double truth = 0;
  for (int c = 0; c < 32; ++c) truth += std::pow(0.2 * (1 + c / 32.0), 2) + 0.01;
  const double fd = frechet_distance(a, b);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const FrechetInterval one = frechet_interval(a, b, 60, 7);
  omp_set_num_threads(2);
  const FrechetInterval two = frechet_interval(a, b, 60, 7);
  omp_set_num_threads(threads);
  INFO("fd " << fd << ", truth " << truth << ", bias " << one.bias << ", interval " << one.low << " … " << one.high);
  CHECK((one.low == two.low && one.high == two.high && one.bias == two.bias));
  CHECK(fd > one.high);  // the plug-in estimate lies above the whole interval,
  CHECK(one.low < truth);  // which holds the true distance,
  CHECK(truth < one.high);
  CHECK(fd - one.bias == Approx(truth).epsilon(0.15));  // and the corrected estimate is near it
  CHECK_THROWS_WITH(frechet_interval(a, b, 1, 7), Catch::Contains("at least 2 resamples"));
}

TEST_CASE("k-NN radii agree with scikit-learn's NearestNeighbors", "[frechet][precision-recall][sklearn]") {
  ScratchDir dir("knn_radii");
  // Sizes around the products' blocks (256 query rows, 2048 reference rows), and ties.
  struct Case {
    const char* name;
    Tensor t;
    int k;
  };
  std::vector<Case> cases;
  cases.push_back({"tiny", gaussian(5, 2, 40), 3});
  cases.push_back({"small", gaussian(300, 8, 41), 3});
  cases.push_back({"blocks", gaussian(2600, 128, 42, 1, 5), 3});
  cases.push_back({"ties", integers(700, 3, 4, 43), 3});
  cases.push_back({"k1", gaussian(500, 16, 44), 1});
  std::string names;
  for (const Case& c : cases) {
    dir.write(std::string(c.name) + ".csv", tensor_csv(c.t));
    names += fmt::format("('{}', {}), ", c.name, c.k);
  }
  const nlohmann::json py = run_python(dir, std::string(kLoad) + "CASES = [" + names + "]\n" + R"(
from sklearn.neighbors import NearestNeighbors
out = {}
for name, k in CASES:
    x = load(name + '.csv')
    out[name] = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x)[0][:, k].tolist()
print(json.dumps(out))
)");
  for (const Case& c : cases) {
    INFO(c.name);
    const std::vector<double> r = knn_radii(c.t, c.k), theirs = py[c.name].get<std::vector<double>>();
    REQUIRE(r.size() == theirs.size());
    int64_t off = 0;
    for (size_t i = 0; i < r.size(); ++i) off += !(r[i] == Approx(theirs[i]).epsilon(1e-9).margin(1e-9));
    CHECK(off == 0);
  }
}

TEST_CASE("precision and recall agree with brute force, duplicates and ties included", "[frechet][precision-recall][scipy]") {
  ScratchDir dir("precision_recall");
  std::vector<Pair> cases;  // a: real, b: fake
  cases.push_back({"tiny", gaussian(4, 2, 50), gaussian(6, 2, 51, 1, 0.5)});
  cases.push_back({"small", gaussian(200, 2, 52), gaussian(150, 2, 53, 1.5, 0.7)});
  cases.push_back({"shifted", gaussian(600, 16, 54), gaussian(500, 16, 55, 0.7, 0.3)});
  cases.push_back({"blocks", gaussian(2300, 32, 56, 1, 3), gaussian(2500, 32, 57, 1.1, 3.2)});
  // Integer points: most rows repeat, radii are often 0, and many distances equal a radius.
  cases.push_back({"ties", integers(800, 3, 5, 58), integers(600, 3, 6, 59)});
  cases.push_back({"copies", integers(300, 2, 3, 60), integers(300, 2, 3, 60)});
  const nlohmann::json py = run_python(dir, std::string(kLoad) + "NAMES = [" + write_pairs(dir, cases) + "]\n" + R"(
from scipy.spatial.distance import cdist
k, out = 3, {}
for name in NAMES:
    real, fake = load(name + '_a.csv'), load(name + '_b.csv')
    # Squared distances summed in double as gantool does; the k-th other row is column k of
    # the sorted row (column 0: itself or a copy, at 0).
    r2 = np.sort(cdist(real, real, 'sqeuclidean'), axis=1)[:, k]
    f2 = np.sort(cdist(fake, fake, 'sqeuclidean'), axis=1)[:, k]
    d2 = cdist(real, fake, 'sqeuclidean')
    out[name] = {'precision': float((d2 <= r2[:, None]).any(axis=0).mean()),
                 'recall': float((d2 <= f2[None, :]).any(axis=1).mean())}
print(json.dumps(out))
)");
  for (const Pair& c : cases) {
    INFO(c.name);
    const PrecisionRecall pr = precision_recall(c.a, c.b);
    CHECK(pr.k == 3);
    CHECK(pr.precision == py[c.name]["precision"].get<double>());
    CHECK(pr.recall == py[c.name]["recall"].get<double>());
    CHECK(share_in_balls(c.a, knn_radii(c.a, 3), c.b) == pr.precision);
    CHECK(share_in_balls(c.b, knn_radii(c.b, 3), c.a) == pr.recall);
  }
  CHECK(precision_recall(cases[5].a, cases[5].b).precision == 1);
}

TEST_CASE("precision and recall do not depend on the thread count", "[frechet][precision-recall]") {
  const Tensor real = gaussian(2100, 64, 70), fake = gaussian(1900, 64, 71, 1.2, 0.1);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const PrecisionRecall one = precision_recall(real, fake);
  const std::vector<double> radii_one = knn_radii(real, 3);
  omp_set_num_threads(2);
  const PrecisionRecall two = precision_recall(real, fake);
  const std::vector<double> radii_two = knn_radii(real, 3);
  omp_set_num_threads(threads);
  CHECK(one.precision == two.precision);
  CHECK(one.recall == two.recall);
  CHECK(radii_one == radii_two);
}

TEST_CASE("precision and recall's errors", "[frechet][precision-recall]") {
  CHECK_THROWS_WITH(precision_recall(gaussian(10, 3, 1), gaussian(10, 4, 2)), Catch::Contains("3 dims"));
  CHECK_THROWS_WITH(precision_recall(gaussian(3, 3, 1), gaussian(10, 3, 2)), Catch::Contains("more than 3 rows"));
  CHECK_THROWS_WITH(precision_recall(gaussian(10, 3, 1), gaussian(10, 3, 2), 0), Catch::Contains("k ≥ 1"));
  Tensor bad = gaussian(10, 3, 1);
  bad(4, 1) = INFINITY;
  CHECK_THROWS_WITH(precision_recall(gaussian(10, 3, 2), bad), Catch::Contains("fake features: row 4"));
}

TEST_CASE("class coverage agrees with scipy.stats.entropy on the smoothed histograms", "[frechet][classes][scipy]") {
  ScratchDir dir("class_coverage");
  // REAL balanced over 10 classes; FAKE collapsed onto a few, missing classes 8 and 9.
  std::vector<int64_t> real, fake;
  Rng rng = make_rng(80);
  for (int i = 0; i < 5000; ++i) real.push_back(int64_t(below(rng, 10)));
  for (int i = 0; i < 3000; ++i) fake.push_back(uniform(rng) < 0.4 ? 0 : int64_t(below(rng, 8)));
  const ClassCoverage cc = class_coverage(real, fake, 10);
  std::string rs, fs;
  for (int c = 0; c < 10; ++c) rs += fmt::format("{},", cc.counts_real[size_t(c)]), fs += fmt::format("{},", cc.counts_fake[size_t(c)]);
  const nlohmann::json py = run_python(dir, "import json, numpy as np\nfrom scipy.stats import entropy\nR, F = np.array([" + rs + "]), np.array([" + fs + "])\n" + R"(
print(json.dumps({'kl': float(entropy(R + 0.5, F + 0.5)), 'share': (F / F.sum()).tolist(),
                  'balanced': int(((F / F.sum() >= 0.05) & (F / F.sum() <= 0.15)).sum())}))
)");
  int64_t total_real = 0, total_fake = 0;
  for (int c = 0; c < 10; ++c) total_real += cc.counts_real[size_t(c)], total_fake += cc.counts_fake[size_t(c)];
  CHECK(total_real == 5000);
  CHECK(total_fake == 3000);
  CHECK(cc.kl == Approx(py["kl"].get<double>()).epsilon(1e-12));
  CHECK(cc.missing == 2);
  CHECK(cc.balanced == py["balanced"].get<int64_t>());
  CHECK(cc.balanced == 7);  // classes 1..7 at 0.6/8 = 7.5% each; class 0 at 47.5%
  for (int c = 0; c < 10; ++c) CHECK(cc.share_fake[size_t(c)] == Approx(py["share"][c].get<double>()).epsilon(1e-15));
  // The same histogram: KL 0, all 10 classes in 5–15%.
  const ClassCoverage same = class_coverage(real, real, 10);
  CHECK(same.kl == 0);
  CHECK(same.balanced == 10);
  CHECK(same.missing == 0);
}

TEST_CASE("class coverage's edges and errors; predicted classes by argmax", "[frechet][classes]") {
  // Exactly 5% and 15% count as balanced.
  std::vector<int64_t> fake(20, 2);
  fake[0] = 0, fake[1] = 1, fake[2] = 1, fake[3] = 1;  // class 0: 5%, class 1: 15%
  const ClassCoverage cc = class_coverage({0, 1, 2}, fake, 3);
  CHECK(cc.balanced == 2);
  CHECK_THROWS_WITH(class_coverage({0, 1}, {0, 3}, 3), Catch::Contains("fake row 1") && Catch::Contains("class 3"));
  CHECK_THROWS_WITH(class_coverage({-1}, {0}, 3), Catch::Contains("real row 0"));
  CHECK_THROWS_AS(class_coverage({}, {0}, 3), Error);
  Tensor p(3, 3);
  p(0, 1) = 0.7f, p(0, 2) = 0.3f;
  p(1, 0) = 0.4f, p(1, 2) = 0.4f;  // a tie: the lower index
  p(2, 2) = 1;
  CHECK(predicted_classes(p) == std::vector<int64_t>{1, 0, 2});
  p(2, 1) = NAN;
  CHECK_THROWS_WITH(predicted_classes(p), Catch::Contains("row 2"));
}
