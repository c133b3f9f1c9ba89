// The training loop, run in-process on a tiny synthetic problem: it stops at the requested
// step, logs the expected steps, saves and returns when asked to stop, resumes bit for bit,
// and reports a non-finite state as divergence. Also the setup: the normalization to train in.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/threads.hpp"
#include "gan/trainer.hpp"
#include "io/model_file.hpp"
#include "scratch.hpp"

using namespace gantool;
using gantool_test::ScratchDir;

namespace {

GanConfig tiny_config() {
  GanConfig c;
  c.g = mlp_spec(2, {{16}, Activation::relu, 0.0f, Activation::identity}, 2);
  c.d = mlp_spec(2, {{16}, Activation::leaky_relu, 0.2f, Activation::identity}, 1);
  c.batch = 32;
  return c;
}

// Rows (500, 2) drawn from N(1, 2²).
Tensor tiny_rows() {
  Tensor rows(500, 2);
  Rng rng = make_rng(9, 7);
  for (int64_t i = 0; i < rows.size(); ++i) rows.data()[i] = static_cast<float>(1 + 2 * normal(rng));
  return rows;
}

// A new game on tiny_rows and its record.
struct Fresh {
  Gan gan = make_gan(tiny_config(), 5);
  ModelMeta meta;
  Fresh() {
    meta.seed = 5;
    meta.data_source = "memory";
    meta.data_rows = 500;
    meta.schema = continuous_schema({"x", "y"});
  }
};

TrainPolicy policy_for(const std::string& model, int64_t steps) {
  TrainPolicy p;
  p.steps = steps;
  p.log_every = 50;
  p.model_path = model;
  return p;
}

// Every parameter, optimizer state and random state of a and b, bit for bit.
bool same_state(Gan& a, Gan& b) {
  return a.g.params.values == b.g.params.values && a.d.params.values == b.d.params.values &&
         a.g_ema.params.values == b.g_ema.params.values &&
         a.opt_state_g.m == b.opt_state_g.m && a.opt_state_g.v == b.opt_state_g.v &&
         a.opt_state_d.m == b.opt_state_d.m && a.opt_state_d.v == b.opt_state_d.v &&
         a.noise_rng.counter == b.noise_rng.counter;
}

// The history without its wall-time column.
std::vector<double> history_values(const ModelMeta& meta) {
  std::vector<double> values;
  const size_t cols = history_columns().size();
  for (size_t i = 0; i < meta.history.size(); ++i)
    if (history_columns()[i % cols] != "seconds") values.push_back(meta.history[i]);
  return values;
}

struct ThreadsGuard {
  int saved = threads();
  explicit ThreadsGuard(int t) { set_threads(t); }
  ~ThreadsGuard() { set_threads(saved); }
};

}  // namespace

TEST_CASE("trainer: stops at the requested step, logging the expected steps", "[train]") {
  ScratchDir dir("trainer_steps");
  ThreadsGuard threads_1(1);
  const Tensor rows = tiny_rows();
  Fresh f;
  TrainPolicy policy = policy_for(dir / "m.h5", 120);
  policy.log_path = dir / "log.jsonl";
  Trainer trainer(f.gan, f.meta, rows, policy);
  std::vector<int64_t> steps, logged;
  TrainHooks hooks;
  hooks.progress = [&](const TrainProgress& p) {
    steps.push_back(p.step);
    if (p.logged) logged.push_back(p.step);
    CHECK(p.steps == 120);
    CHECK(p.first_step == 0);
  };
  CHECK(trainer.run(hooks) == TrainEnd::finished);
  CHECK(f.meta.steps_done == 120);
  REQUIRE(steps.size() == 120);
  CHECK(steps.front() == 1);
  CHECK(steps.back() == 120);
  CHECK(logged == std::vector<int64_t>{50, 100, 120});
  CHECK(f.meta.history.size() == 3 * history_columns().size());
  CHECK(f.meta.history[history_columns().size()] == 100);  // the step column of the second row
  const std::string log = dir.read("log.jsonl");
  CHECK(std::count(log.begin(), log.end(), '\n') == 3);
  CHECK(log.find("\"step\":50.0") != std::string::npos);
  ModelMeta stored;
  read_model(dir / "m.h5", stored);
  CHECK(stored.steps_done == 120);
  CHECK(stored.history == f.meta.history);
}

TEST_CASE("trainer: a stop request saves and returns; resuming gives the bits of an uninterrupted run", "[train]") {
  ScratchDir dir("trainer_resume");
  for (int t : {1, 2}) {
    ThreadsGuard threads_t(t);
    INFO("threads " << t);
    const Tensor rows = tiny_rows();
    Fresh whole;
    Trainer(whole.gan, whole.meta, rows, policy_for(dir / "whole.h5", 130)).run();

    Fresh part;
    TrainHooks hooks;
    int64_t asked = 0;
    hooks.progress = [&](const TrainProgress& p) { asked = p.step; };
    hooks.stop = [&] { return asked == 45; };
    CHECK(Trainer(part.gan, part.meta, rows, policy_for(dir / "part.h5", 130)).run(hooks) == TrainEnd::stopped);
    CHECK(part.meta.steps_done == 45);

    ModelMeta meta;
    Gan resumed = read_model(dir / "part.h5", meta);
    CHECK(meta.steps_done == 45);
    TrainPolicy policy = policy_for(dir / "part.h5", 130);
    policy.saved_step = meta.steps_done;
    CHECK(Trainer(resumed, meta, rows, policy).run() == TrainEnd::finished);
    CHECK(meta.steps_done == 130);
    CHECK(same_state(whole.gan, resumed));
    CHECK(meta.epoch == whole.meta.epoch);
    CHECK(meta.position == whole.meta.position);
    CHECK(history_values(meta) == history_values(whole.meta));
  }
}

TEST_CASE("trainer: a stop request at the last step just finishes", "[train]") {
  ScratchDir dir("trainer_last");
  ThreadsGuard threads_1(1);
  const Tensor rows = tiny_rows();
  Fresh f;
  TrainHooks hooks;
  int64_t asked = 0;
  hooks.stop = [&] { return ++asked > 0; };
  CHECK(Trainer(f.gan, f.meta, rows, policy_for(dir / "m.h5", 1)).run(hooks) == TrainEnd::finished);
  CHECK(asked == 0);
  CHECK(dir.exists("m.h5"));
}

TEST_CASE("trainer: a non-finite state is reported as divergence, keeping the last checkpoint", "[train]") {
  ScratchDir dir("trainer_diverge");
  ThreadsGuard threads_1(1);
  const Tensor rows = tiny_rows();
  Fresh f;
  CHECK(parameters_finite(f.gan));
  f.gan.config.opt_g.lr = f.gan.config.opt_d.lr = 1e30;
  TrainPolicy policy = policy_for(dir / "m.h5", 400);
  policy.checkpoint_every = 1;
  try {
    Trainer(f.gan, f.meta, rows, policy).run();
    FAIL("no divergence reported");
  } catch (const Diverged& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("training diverged") != std::string::npos);
    CHECK(what.find("lower learning rate") != std::string::npos);
    const bool kept = what.find("keeps the checkpoint of step") != std::string::npos;
    CHECK(kept == dir.exists("m.h5"));
  }
  CHECK(f.meta.steps_done < 400);
}

TEST_CASE("trainer: the normalization to train in", "[train]") {
  const Tensor rows = tiny_rows();
  const std::vector<std::string> columns = {"x", "y"};
  const Normalization none;
  const Normalization fitted = training_normalization("auto", none, rows, columns);
  CHECK(fitted.method == "standard");
  CHECK(fitted.shift[0] == Approx(1).margin(0.3));
  CHECK(fitted.scale[1] == Approx(2).epsilon(0.15));
  CHECK(same_normalization(training_normalization("auto", fitted, rows, columns), fitted));
  CHECK(same_normalization(training_normalization("none", fitted, rows, columns), fitted));
  CHECK(training_normalization("minmax", none, rows, columns).method == "minmax");
  CHECK_THROWS_WITH(training_normalization("zscore", none, rows, columns), Catch::Contains("--normalize"));
}

TEST_CASE("trainer: images train in one map of every pixel, 0..255 to [-1, 1]", "[train][image]") {
  // Two pixels: a border pixel that is almost always 0 and one that spans 0..255.
  Tensor rows(4, 2);
  const float values[] = {0, 0, 0, 255, 3, 100, 0, 30};
  std::copy(values, values + 8, rows.data());
  const std::vector<std::string> columns = {"c0y0x0", "c0y0x1"};
  const Normalization none;
  const Normalization pixels = training_normalization("auto", none, rows, columns, /*image=*/true);
  CHECK(pixels.method == "pixels");
  CHECK(pixels.shift == std::vector<double>{127.5, 127.5});
  CHECK(pixels.scale == std::vector<double>{127.5, 127.5});
  // 0 → −1 and 255 → 1 in every column, the border pixel included (minmax would map its 3 to 1).
  Tensor mapped = rows;
  normalize_rows(pixels, mapped.data(), 4, 2);
  CHECK(mapped.row(0)[0] == -1);
  CHECK(mapped.row(1)[1] == 1);
  CHECK(mapped.row(2)[0] == Approx(-1 + 3 / 127.5));
  CHECK(training_normalization("minmax", none, rows, columns, /*image=*/true).method == "minmax");
  CHECK(training_normalization("pixels", none, rows, columns).method == "pixels");
  CHECK(training_normalization("auto", none, rows, columns).method == "standard");  // not images
  check_normalization(pixels, 2, "model.h5", "/training_data");                     // a known method
}

TEST_CASE("trainer: a resume keeps its thread count unless told; the model-defining flags", "[train]") {
  const GanConfig small = tiny_config();
  CHECK(training_threads(2, 3, small) == 2);
  if (!std::getenv("OMP_NUM_THREADS")) {
    CHECK(training_threads(0, 3, small) == 3);
    CHECK(training_threads(0, 0, small) == 1);  // a small network: one thread
  }
  const auto& flags = model_flags();
  for (const std::string flag : {"--seed", "--batch", "--loss", "--normalize", "--g-hidden"})
    CHECK(std::find(flags.begin(), flags.end(), flag) != flags.end());
  for (const std::string flag : {"--steps", "--threads", "--log", "--checkpoint-every"})
    CHECK(std::find(flags.begin(), flags.end(), flag) == flags.end());
}

TEST_CASE("trainer: mode coverage needs the data's modes", "[train]") {
  Fresh f;
  CHECK_FALSE(mode_coverage(f.gan, f.meta).has_value());
  f.meta.schema.distribution.modes = Tensor(2, 2);
  f.meta.schema.distribution.modes(1, 0) = 1;
  f.meta.schema.distribution.mode_std = 0.1;
  const auto m = mode_coverage(f.gan, f.meta);
  REQUIRE(m.has_value());
  CHECK(m->modes == 2);
}
