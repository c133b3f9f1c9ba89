// Model files of format version 1 (gantool 0.1.0, kept in tests/fixtures with that
// release's outputs): this gantool still reads them, gives the same bytes from them,
// refuses damaged ones as that release did, and writes version 2 when it resumes them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli/run.hpp"

using namespace gantool_test;

namespace {

const std::string kFixtures = std::string(GANTOOL_SOURCE_DIR) + "/tests/fixtures/";

// Copies the fixtures into a scratch folder (the models name their data relatively).
void add_fixtures(const Scratch& s) {
  for (const char* f : {"dataset_v1.h5", "model_v1.h5", "model_v1_sgd_wgan.h5"})
    fs::copy_file(kFixtures + f, s.dir / f);
}

std::string fixture(const std::string& name) { return slurp(kFixtures + name); }

}  // namespace

TEST_CASE("model v1: sample and score give the bytes of the release that wrote it", "[model_v1]") {
  Scratch s("v1_outputs");
  add_fixtures(s);
  for (const std::string m : {"model_v1", "model_v1_sgd_wgan"}) {
    INFO(m);
    const Result ema = s.run("sample -q --model " + m + ".h5 -n 50 --seed 7 --threads 1 -o -");
    REQUIRE(ema.status == 0);
    CHECK(ema.out == fixture(m + ".sample.csv"));
    const Result last = s.run("sample -q --model " + m + ".h5 -n 50 --seed 7 --threads 2 --generator last -o -");
    REQUIRE(last.status == 0);
    CHECK(last.out == fixture(m + ".sample_last.csv"));
  }
  const Result score = s.run("score -q --model model_v1.h5 dataset_v1.h5 --threads 1 -o -");
  REQUIRE(score.status == 0);
  CHECK(score.out == fixture("model_v1.score.csv"));
}

TEST_CASE("model v1: info reports what the release reported", "[model_v1]") {
  Scratch s("v1_info");
  add_fixtures(s);
  for (const std::string m : {"model_v1", "model_v1_sgd_wgan"}) {
    INFO(m);
    const json now = info_json(s, m + ".h5");
    const json then = json::parse(fixture(m + ".info.json"));
    CHECK(now["format_version"] == 1);
    for (const char* key : {"kind", "command", "seed", "steps_done", "steps_total", "loss", "z_dim", "data_dim", "pack",
                            "batch", "d_steps", "gp_weight", "r1", "g_hidden", "d_hidden", "g_parameters",
                            "d_parameters", "data", "columns", "normalization", "distribution"}) {
      INFO(key);
      CHECK(now[key] == then[key]);
    }
    for (const char* key : {"step", "loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g"})
      CHECK(now["last_logged"][key] == then["last_logged"][key]);
  }
}

TEST_CASE("model v1: resuming continues the run and writes format version 2", "[model_v1]") {
  Scratch s("v1_resume");
  add_fixtures(s);
  REQUIRE(s.run("train -q --resume model_v1_sgd_wgan.h5 --steps 40 --model resumed.h5").status == 0);
  const json j = info_json(s, "resumed.h5");
  CHECK(j["format_version"] == 2);
  CHECK(j["steps_done"] == 40);
  CHECK(j["g_net"] == "in 2; linear 8 relu; linear 2 identity");
  CHECK(j["d_net"] == "in 4; linear 8 leaky_relu:0.2; linear 8 leaky_relu:0.2; linear 1 identity");
  // The version 2 file resumes to the same bits as a run that never stopped at 40.
  REQUIRE(s.run("train -q --resume resumed.h5 --steps 50 --model fifty_a.h5").status == 0);
  REQUIRE(s.run("train -q --resume model_v1_sgd_wgan.h5 --steps 50 --model fifty_b.h5").status == 0);
  const Result a = s.run("sample -q --model fifty_a.h5 -n 20 --generator last -o -");
  const Result b = s.run("sample -q --model fifty_b.h5 -n 20 --generator last -o -");
  REQUIRE(a.status == 0);
  CHECK(a.out == b.out);
}

TEST_CASE("model v1: a damaged version 1 file is refused naming what is damaged", "[model_v1]") {
  Scratch s("v1_damaged");
  add_fixtures(s);
  const std::vector<std::pair<std::string, std::vector<std::string>>> damages = {
      {"m = f['optimizer/generator/layer0/weights_m'][()]; del f['optimizer/generator/layer0/weights_m']; "
       "f['optimizer/generator/layer0/weights_m'] = m.T.copy()",
       {"/optimizer/generator/layer0/weights_m", "shape"}},
      {"f['config'].attrs['g_hidden'] = np.array([1000000], dtype=np.int64)", {"/generator/layer0/weights", "shape"}},
      {"f['config'].attrs['z_dim'] = np.int64(0)", {"z_dim"}},
      {"f['config'].attrs['d_activation'] = 'swish'", {"d_activation"}},
      {"f['config'].attrs['g_hidden'] = np.array([0], dtype=np.int64)", {"g_hidden"}},
      {"f['training_data'].attrs['columns'] = ['x', 'y', 'z']", {"/training_data", "names 3 columns for 2"}},
  };
  for (size_t i = 0; i < damages.size(); ++i) {
    const auto& [statement, fragments] = damages[i];
    INFO("damage: " << statement);
    const std::string bad = "bad" + std::to_string(i) + ".h5";
    s.damaged_copy("model_v1.h5", bad, statement);
    for (const std::string& command : {"info " + bad, "sample --model " + bad + " -n 10 -o out.h5"}) {
      INFO(command);
      const Result r = s.run(command);
      check_error(r, 1, {bad, "damaged"});
      for (const auto& f : fragments) CHECK(r.err.find(f) != std::string::npos);
    }
    CHECK(!s.exists("out.h5"));
  }
}
