// End-to-end tests of `gantool sample` and `gantool score`: reproducible rows, values checked
// against the networks computed independently in double precision, latent round trips,
// rejection sampling, streaming memory and bad input.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <cmath>
#include <cstring>

#include "cli/run.hpp"
#include "core/rng.hpp"
#include "data/normalize.hpp"
#include "io/dataset_file.hpp"
#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "nn/reference.hpp"

using namespace gantool_test;

namespace {

const std::string kSmall = " --g-hidden 16,16 --d-hidden 16,16 --batch 32 --threads 1";

gantool::Tensor read_rows(const Scratch& s, const std::string& ref) {
  gantool::DatasetReader reader(gantool::parse_data_ref(s / ref));
  return reader.read_all();
}

bool same_bits(const gantool::Tensor& a, const gantool::Tensor& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.size()) * sizeof(float)) == 0;
}

// A short training on a ring, standardized (so that data units differ from G's output).
void train_small(const Scratch& s, const std::string& extra = "") {
  REQUIRE(s.run("prepare -q --dist ring -n 2000 -o ring.h5").status == 0);
  const Result r = s.run("train -q --data ring.h5 --model gan.h5 --steps 100" + kSmall + extra);
  INFO(r.err);
  REQUIRE(r.status == 0);
}

// Plug-in JSD (nats) of two 2-D samples on a shared 80 × 80 grid over their joint range:
// the test's own estimator, the same for both sides of a comparison.
double histogram_jsd(const gantool::Tensor& a, const gantool::Tensor& b) {
  const int bins = 80;
  float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (const auto* t : {&a, &b})
    for (int64_t r = 0; r < t->rows(); ++r)
      for (int c = 0; c < 2; ++c) lo[c] = std::min(lo[c], (*t)(r, c)), hi[c] = std::max(hi[c], (*t)(r, c));
  const auto histogram = [&](const gantool::Tensor& t) {
    std::vector<double> h(bins * bins);
    for (int64_t r = 0; r < t.rows(); ++r) {
      int cell[2];
      for (int c = 0; c < 2; ++c)
        cell[c] = std::min(bins - 1, static_cast<int>((t(r, c) - lo[c]) / (hi[c] - lo[c]) * bins));
      h[cell[0] * bins + cell[1]] += 1.0 / static_cast<double>(t.rows());
    }
    return h;
  };
  const std::vector<double> p = histogram(a), q = histogram(b);
  double jsd = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double m = (p[i] + q[i]) / 2;
    if (p[i] > 0) jsd += 0.5 * p[i] * std::log(p[i] / m);
    if (q[i] > 0) jsd += 0.5 * q[i] * std::log(q[i] / m);
  }
  return jsd;
}

}  // namespace

TEST_CASE("sample: row i depends on the seed and i alone, whatever the batch and threads", "[sample]") {
  Scratch s("sample_rows");
  train_small(s);
  REQUIRE(s.run("sample -q --model gan.h5 -n 3000 --threads 1 --batch 100 -o a.h5").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 3000 --threads 2 -o b.h5").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 1000 --threads 2 --batch 7 -o c.h5").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 1000 --seed 2 -o d.h5").status == 0);
  const gantool::Tensor a = read_rows(s, "a.h5"), b = read_rows(s, "b.h5"), c = read_rows(s, "c.h5");
  CHECK(same_bits(a, b));
  gantool::Tensor prefix = a;
  prefix.resize(1000, 2);
  CHECK(same_bits(prefix, c));
  CHECK_FALSE(same_bits(c, read_rows(s, "d.h5")));
  // CSV on stdout: a header and the same values (shortest round-trip text).
  const Result r = s.run("sample --model gan.h5 -n 1000 -o -");
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());  // not a terminal: no progress
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 1001);
  CHECK(lines[0] == "x,y");
  for (int64_t i = 0; i < 1000; i += 111) {
    float x = 0, y = 0;
    REQUIRE(std::sscanf(lines[static_cast<size_t>(i + 1)].c_str(), "%f,%f", &x, &y) == 2);
    CHECK(x == c(i, 0));
    CHECK(y == c(i, 1));
  }
  CHECK(s.run("sample -q --model gan.h5 -n 10 -o e.csv").status == 0);
  CHECK(lines_of(s.read("e.csv")).size() == 11);
}

TEST_CASE("sample: rows are G(z) in data units, checked against the networks in double", "[sample]") {
  Scratch s("sample_values");
  train_small(s);
  REQUIRE(s.run("sample -q --model gan.h5 -n 600 --seed 4 -o fake.h5").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 600 --seed 4 --raw -o raw.h5").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 600 --seed 4 --generator last -o last.h5").status == 0);
  gantool::ModelMeta meta;
  gantool::Gan gan = gantool::read_model(s / "gan.h5", meta);
  REQUIRE(meta.schema.normalization.method == "standard");
  // The noise of row i: stream 0 of the seed, row-indexed (README, "gantool sample").
  std::vector<float> z(600 * 2);
  gantool::fill_normal_rows(gantool::make_rng(4, 0), 0, 600, 2, z.data());
  const std::vector<double> zd(z.begin(), z.end());
  const std::vector<double> ema = ref_forward(ref_layers(gan.g_ema), zd, 600), last = ref_forward(ref_layers(gan.g), zd, 600);
  const gantool::Tensor fake = read_rows(s, "fake.h5"), raw = read_rows(s, "raw.h5"), g = read_rows(s, "last.h5");
  for (int64_t i = 0; i < 600; ++i)
    for (int c = 0; c < 2; ++c) {
      const auto k = static_cast<size_t>(i * 2 + c);
      REQUIRE(raw(i, c) == Approx(ema[k]).epsilon(1e-4).margin(1e-5));
      const auto units = [&](double v) { return v * meta.schema.normalization.scale[c] + meta.schema.normalization.shift[c]; };
      REQUIRE(fake(i, c) == Approx(units(ema[k])).epsilon(1e-4).margin(1e-4));
      REQUIRE(g(i, c) == Approx(units(last[k])).epsilon(1e-4).margin(1e-4));
    }
  // --raw records the model's normalization, so export --denormalize gives data units.
  const json j = info_json(s, "raw.h5");
  CHECK(j["normalization"]["method"] == "standard");
  CHECK(info_json(s, "fake.h5")["normalization"].is_null());
  CHECK(j["provenance"]["source"].get<std::string>().find("gan.h5") != std::string::npos);
  CHECK(j["columns"][0]["name"] == "x");
}

TEST_CASE("sample: --save-latent writes the noise, and --latent maps it to the same rows", "[sample]") {
  Scratch s("sample_latent");
  train_small(s, " --z-dim 3");
  REQUIRE(s.run("sample -q --model gan.h5 -n 700 --save-latent -o a.h5").status == 0);
  const gantool::Tensor latent = read_rows(s, "a.h5:/latent");
  REQUIRE(latent.cols() == 3);
  REQUIRE(latent.rows() == 700);
  CHECK(info_json(s, "a.h5")["other_datasets"][0]["path"] == "/latent");
  CHECK(s.run("info a.h5").out.find("also           /latent [700×3] float32") != std::string::npos);
  // /latent is found without naming it; -n takes a prefix of the latent rows.
  REQUIRE(s.run("sample -q --model gan.h5 --latent a.h5 -o b.h5").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 --latent a.h5:/latent -n 10 -o c.csv --save-latent").status == 0);
  CHECK(same_bits(read_rows(s, "a.h5"), read_rows(s, "b.h5")));
  const auto lines = lines_of(s.read("c.csv"));
  REQUIRE(lines.size() == 11);
  CHECK(lines[0] == "x,y,z0,z1,z2");
  float v[5];
  REQUIRE(std::sscanf(lines[3].c_str(), "%f,%f,%f,%f,%f", v, v + 1, v + 2, v + 3, v + 4) == 5);
  CHECK(v[2] == latent(2, 0));
  CHECK(v[4] == latent(2, 2));
}

TEST_CASE("sample: bad input is one clear line and no output", "[sample]") {
  Scratch s("sample_errors");
  train_small(s);
  REQUIRE(s.run("train -q --data ring.h5 --model hinge.h5 --steps 20 --loss hinge --ema 0" + kSmall).status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model pack.h5 --steps 20 --pack 4" + kSmall).status == 0);
  s.python(
      "import h5py, numpy as np, shutil\n"
      "shutil.copy('gan.h5', 'future.h5')\n"
      "with h5py.File('future.h5', 'a') as f:\n"
      "    f.attrs['format_version'] = 99\n"
      "with h5py.File('z.h5', 'w') as f:\n"
      "    f['data'] = np.zeros((5, 3), dtype=np.float32)\n"
      "    z = np.zeros((5, 2), dtype=np.float32); z[3, 1] = np.nan; f['nan'] = z\n");
  const auto before = s.files();
  check_error(s.run("sample --model ring.h5 -n 10 -o out.h5"), 1, {"ring.h5", "model"});
  check_error(s.run("sample --model future.h5 -n 10 -o out.h5"), 1, {"future.h5", "format version 99"});
  check_error(s.run("sample --model missing.h5 -n 10 -o out.h5"), 1, {"missing.h5"});
  check_error(s.run("sample --model gan.h5 -n 0 -o out.h5"), 2, {"-n", "0"});
  check_error(s.run("sample --model gan.h5 -o out.h5"), 2, {"-n"});
  check_error(s.run("sample --model gan.h5 --latent z.h5 -o out.h5"), 1, {"z.h5", "3 columns", "dimension 2"});
  check_error(s.run("sample --model gan.h5 --latent z.h5:/nan -o out.h5"), 1, {"z.h5:/nan", "row 3"});
  check_error(s.run("sample --model gan.h5 --latent z.h5:/nan -n 6 -o out.h5"), 1, {"z.h5:/nan", "5 rows"});
  check_error(s.run("sample --model hinge.h5 -n 10 --reject -o out.h5"), 1, {"--reject", "hinge"});
  check_error(s.run("sample --model hinge.h5 -n 10 --generator ema -o out.h5"), 1, {"hinge.h5", "--ema 0"});
  check_error(s.run("sample --model gan.h5 -n 10 --batch 0 -o out.h5"), 2, {"--batch"});
  check_error(s.run("sample --model gan.h5 -n 10 -o no/such/dir/out.h5"), 1, {"no/such/dir"});
  check_error(s.run("sample --model gan.h5 -n 10 -o gan.h5"), 2, {"gan.h5"});
  check_error(s.run("sample --model gan.h5 --latent z.h5 -n 2 -o z.h5"), 2, {"z.h5", "overwrite"});
  check_error(s.run("sample --model gan.h5 -n 10 -o fake.txt"), 2, {"fake.txt", ".h5"});
  check_error(s.run("sample --model gan.h5 -n 10 --reject-gamma 1 -o out.h5"), 2, {"--reject"});
  check_error(s.run("score --model hinge.h5 ring.h5 --logit -o out.h5"), 1, {"hinge.h5", "critic"});
  check_error(s.run("score --model gan.h5 z.h5 -o out.h5"), 1, {"z.h5", "3 columns", "takes 2"});
  check_error(s.run("score --model ring.h5 ring.h5 -o out.h5"), 1, {"ring.h5"});
  check_error(s.run("score --model pack.h5 ring.h5 -o out.h5"), 1, {"pack.h5", "--pack 4"});
  check_error(s.run("sample --model pack.h5 -n 10 --reject -o out.h5"), 1, {"pack.h5", "packs of 4"});
  check_error(s.run("sample --model gan.h5 -n 10 --latent z.h5 --reject -o out.h5"), 2, {"--latent"});
  CHECK(s.files() == before);
}

TEST_CASE("score: D(x) of each row, checked against the discriminator in double", "[sample]") {
  Scratch s("score");
  train_small(s);
  REQUIRE(s.run("score -q --model gan.h5 ring.h5 -o d.h5").status == 0);
  REQUIRE(s.run("score -q --model gan.h5 ring.h5 --logit -o logit.csv").status == 0);
  gantool::ModelMeta meta;
  gantool::Gan gan = gantool::read_model(s / "gan.h5", meta);
  // ring.h5 holds data units; D saw them standardized as the model's normalization says.
  gantool::Tensor x = read_rows(s, "ring.h5");
  gantool::normalize_rows(meta.schema.normalization, x.data(), x.rows(), x.cols());
  const std::vector<double> logits = ref_forward(ref_layers(gan.d), std::vector<double>(x.data(), x.data() + x.size()), x.rows());
  const gantool::Tensor d = read_rows(s, "d.h5");
  REQUIRE(d.rows() == 2000);
  REQUIRE(d.cols() == 1);
  for (int64_t i = 0; i < 2000; ++i)
    REQUIRE(d(i, 0) == Approx(1 / (1 + std::exp(-logits[static_cast<size_t>(i)]))).epsilon(1e-4).margin(1e-6));
  const auto lines = lines_of(s.read("logit.csv"));
  REQUIRE(lines.size() == 2001);
  CHECK(lines[0] == "logit");
  CHECK(std::stod(lines[5]) == Approx(logits[4]).epsilon(1e-4).margin(1e-5));
  CHECK(info_json(s, "d.h5")["columns"][0]["name"] == "D");
}

TEST_CASE("sample --reject: lowers the JSD to held-out data, reproducibly", "[sample]") {
  Scratch s("sample_reject");
  REQUIRE(s.run("prepare -q --dist ring -n 100000 -o ring.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist ring -n 20000 --seed 7 -o held.h5").status == 0);
  // Default networks, trained briefly: G still puts mass between the modes, where D's
  // density ratio is low.
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 2000 --threads 1").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 20000 -o plain.h5").status == 0);
  const Result r = s.run("sample --model gan.h5 -n 20000 --reject --threads 1 -o kept.h5");
  REQUIRE(r.status == 0);
  CHECK(r.err.find("keeping") != std::string::npos);
  REQUIRE(s.run("sample -q --model gan.h5 -n 5000 --reject --threads 2 --batch 1000 -o kept2.h5").status == 0);
  gantool::Tensor kept = read_rows(s, "kept.h5"), prefix = kept;
  prefix.resize(5000, 2);
  CHECK(same_bits(prefix, read_rows(s, "kept2.h5")));

  const gantool::Tensor held = read_rows(s, "held.h5");
  const double plain = histogram_jsd(held, read_rows(s, "plain.h5")), rejected = histogram_jsd(held, kept);
  INFO("JSD plain " << plain << ", with --reject " << rejected);
  CHECK(rejected < plain - 0.02);
  const json j = info_json(s, "kept.h5");
  CHECK(j["rows"] == 20000);
  gantool::H5Id file = gantool::open_h5_read(s / "kept.h5");
  const double acceptance = gantool::read_number_attr(file.get(), "reject_acceptance").value_or(0);
  const double draws = gantool::read_number_attr(file.get(), "reject_draws").value_or(0);
  CHECK(acceptance > 0.2);
  CHECK(acceptance < 0.95);
  CHECK(acceptance == Approx(20000 / draws));
}

TEST_CASE("sample streams: peak memory does not grow with -n", "[sample]") {
  Scratch s("sample_memory");
  train_small(s);
  // 12 M rows are 96 MB of float32: far more than the process may hold.
  REQUIRE(s.run("sample -q --model gan.h5 -n 12000000 --threads 1 -o big.h5").status == 0);
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  if (kMeasuresMemory) CHECK(usage.ru_maxrss < 80 * 1024);  // KiB
  CHECK(read_rows(s, "big.h5").rows() == 12000000);
}
