// End-to-end tests of `gantool train`: the model file, exact resume (also after Ctrl-C),
// bad input, divergence, and a short version of the quality protocol.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "cli/run.hpp"
#include "io/model_file.hpp"
#include "metrics/modes.hpp"

using namespace gantool_test;

namespace {

// A small, fast network for the tests that are not about quality.
const std::string kSmall = " --g-hidden 16,16 --d-hidden 16,16 --batch 32 --log-every 50 --threads 1";

// Everything a resume must restore, compared bit for bit.
void check_same_state(const std::string& a_path, const std::string& b_path) {
  gantool::ModelMeta ma, mb;
  gantool::Gan a = gantool::read_model(a_path, ma), b = gantool::read_model(b_path, mb);
  REQUIRE(a.g.params.values == b.g.params.values);
  REQUIRE(a.d.params.values == b.d.params.values);
  REQUIRE(a.g_ema.params.values == b.g_ema.params.values);
  CHECK(a.opt_state_g.m == b.opt_state_g.m);
  CHECK(a.opt_state_g.v == b.opt_state_g.v);
  CHECK(a.opt_state_d.m == b.opt_state_d.m);
  CHECK(a.opt_state_d.v == b.opt_state_d.v);
  CHECK(a.opt_state_g.step == b.opt_state_g.step);
  CHECK(a.noise_rng.counter == b.noise_rng.counter);
  CHECK(ma.epoch == mb.epoch);
  CHECK(ma.position == mb.position);
  CHECK(ma.steps_done == mb.steps_done);
}

// Runs `gantool train ARGS` in s's folder (stderr to err.txt), sends SIGINT after 1 s, and
// returns the wait status.
int interrupted_train(const Scratch& s, const std::string& args) {
  const std::string cmd = "cd '" + s.dir.string() + "' && exec " + GANTOOL_BIN + " train " + args + " 2> err.txt";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST_CASE("train: writes a model file that info and h5py read", "[train]") {
  Scratch s("train_model");
  REQUIRE(s.run("prepare -q --dist ring -n 2000 -o ring.h5").status == 0);
  const Result r = s.run("train -q --data ring.h5 --model gan.h5 --steps 120 --log train.jsonl" + kSmall);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());  // --quiet
  const json j = json::parse(s.run("info --json gan.h5").out);
  CHECK(j["kind"] == "model");
  CHECK(j["steps_done"] == 120);
  CHECK(j["g_hidden"] == json::array({16, 16}));
  CHECK(j["columns"] == json::array({"x", "y"}));
  CHECK(j["distribution"] == "ring");
  CHECK(lines_of(s.read("train.jsonl")).size() == 3);  // steps 50, 100 and the last
  s.python(
      "import h5py\n"
      "f = h5py.File('gan.h5', 'r')\n"
      "print(f.attrs['format'], f['generator/layer0/weights'].shape, f['discriminator/layer2/bias'].shape,\n"
      "      f['history'].shape, list(f['history'].attrs['columns'])[:3], int(f['optimizer/generator'].attrs['step']))\n");
  CHECK(s.read("py.txt") == "gantool-model (16, 2) (1,) (3, 9) ['step', 'loss_d', 'loss_g'] 120\n");
  CHECK(s.run("info gan.h5").out.find("120 of 120 steps") != std::string::npos);
  CHECK(s.run("export gan.h5:/history --no-header").out.size() > 0);
}

TEST_CASE("train: N steps then a resume for N more equals 2N steps, bit for bit", "[train]") {
  Scratch s("train_resume");
  REQUIRE(s.run("prepare -q --dist grid -n 1000 -o grid.h5").status == 0);
  REQUIRE(s.run("train -q --data grid.h5 --model full.h5 --steps 300" + kSmall).status == 0);
  REQUIRE(s.run("train -q --data grid.h5 --model half.h5 --steps 150" + kSmall).status == 0);
  const Result r = s.run("train -q --resume half.h5 --steps 300 --threads 1");
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_same_state(s / "full.h5", s / "half.h5");
  // The architecture cannot change on resume; asking for fewer steps is an error.
  check_error(s.run("train --resume half.h5 --steps 400 --pack 1"), 2, {"--pack", "resuming"});
  check_error(s.run("train --resume half.h5 --steps 200"), 2, {"already done 300 steps"});
  // Without --steps, a resume aims at the total the model was trained for.
  REQUIRE(s.run("train -q --data grid.h5 --model short.h5 --steps 400" + kSmall).status == 0);
  REQUIRE(s.run("train -q --resume short.h5 --steps 200 --model part.h5").status == 2);
  REQUIRE(s.run("train -q --data grid.h5 --model part.h5 --steps 200" + kSmall).status == 0);
  check_error(s.run("train --resume part.h5"), 2, {"already done 200 steps"});
}

TEST_CASE("train: Ctrl-C saves the model, says how to resume, and the resume is exact", "[train]") {
  Scratch s("train_sigint");
  REQUIRE(s.run("prepare -q --dist ring -n 1000 -o ring.h5").status == 0);
  const int status = interrupted_train(s, "-q --model cut.h5 --data ring.h5 --steps 10000000" + kSmall);
  const std::string err = s.read("err.txt");
  INFO(err);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(err.find("interrupted at step") != std::string::npos);
  CHECK(err.find("gantool train --resume cut.h5 --steps 10000000") != std::string::npos);
  gantool::ModelMeta meta;
  gantool::read_model(s / "cut.h5", meta);
  REQUIRE(meta.steps_done > 0);
  // Resumed to a few hundred steps further, it equals a run that was never interrupted.
  const std::string total = std::to_string(meta.steps_done + 300);
  REQUIRE(s.run("train -q --resume cut.h5 --threads 1 --steps " + total).status == 0);
  REQUIRE(s.run("train -q --model full.h5 --data ring.h5 --steps " + total + kSmall).status == 0);
  check_same_state(s / "full.h5", s / "cut.h5");
}

TEST_CASE("train: with --lr-decay linear, a run stopped by Ctrl-C resumes to the bits of one run", "[train]") {
  Scratch s("train_sigint_decay");
  REQUIRE(s.run("prepare -q --dist ring -n 1000 -o ring.h5").status == 0);
  // The default networks, so that 2,500 steps outlast the signal at 1 s.
  const std::string flags = " --data ring.h5 --steps 2500 --lr-decay linear --threads 1";
  const int status = interrupted_train(s, "-q --model cut.h5" + flags);
  INFO(s.read("err.txt"));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 130);
  gantool::ModelMeta meta;
  const gantool::Gan cut = gantool::read_model(s / "cut.h5", meta);
  REQUIRE(meta.steps_done > 0);
  REQUIRE(meta.steps_done < 2500);
  CHECK(cut.config.opt_g.decay_steps == 2500);
  // Resumed without --steps: to the 2,500 it was started with, on the same schedule.
  REQUIRE(s.run("train -q --resume cut.h5").status == 0);
  REQUIRE(s.run("train -q --model full.h5" + flags).status == 0);
  check_same_state(s / "full.h5", s / "cut.h5");
  CHECK(s.run("info --json full.h5").out.find("\"lr_decay\":\"linear\"") != std::string::npos);
  CHECK(s.run("info full.h5").out.find("decayed linearly to 0 at step 2500") != std::string::npos);
}

TEST_CASE("train: bad input is one clear line, exit 1 or 2, nothing written", "[train]") {
  Scratch s("train_bad");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist gaussian --dim 3 -n 500 -o three.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 20" + kSmall).status == 0);
  s.python(
      "import h5py, numpy as np\n"
      "with h5py.File('bad.h5', 'w') as f:\n"
      "    a = np.ones((50, 2), dtype=np.float32); a[7, 1] = np.nan; f['data'] = a\n"
      "    f['empty'] = np.zeros((0, 2), dtype=np.float32)\n");
  const std::string out = " --model out.h5 --steps 10";
  check_error(s.run("train --data three.h5 --resume gan.h5 --steps 40"), 1, {"three.h5", "3 columns", "2"});
  check_error(s.run("train --data bad.h5" + out), 1, {"bad.h5", "row 7", "'x1'"});
  check_error(s.run("train --data bad.h5:/empty" + out), 1, {"bad.h5:/empty", "no rows"});
  check_error(s.run("train --data ring.h5 --loss wgan" + out), 2, {"wgan", "nonsaturating"});
  check_error(s.run("train --data ring.h5 --lr-g -0.1" + out), 2, {"--lr-g"});
  check_error(s.run("train --data ring.h5 --g-hidden 64,0" + out), 2, {"--g-hidden"});
  check_error(s.run("train --data ring.h5 --pack 3 --batch 256" + out), 2, {"--pack"});
  check_error(s.run("train --data missing.h5" + out), 1, {"missing.h5", "no such file"});
  check_error(s.run("train --data ring.h5 --steps 10"), 2, {"--model"});
  check_error(s.run("train --data ring.h5 --steps 10 --model ring.h5"), 2, {"--model ring.h5", "overwrite"});
  REQUIRE(s.run("prepare -q --dist ring -n 400 -o other.h5").status == 0);
  check_error(s.run("train --resume gan.h5 --data other.h5 --steps 40"), 1, {"other.h5", "not the data", "500 rows"});
  REQUIRE(std::system(("rm '" + (s / "other.h5") + "'").c_str()) == 0);
  check_error(s.run("train --data ring.h5 --steps 10 --model nodir/gan.h5"), 1, {"nodir", "does not exist"});
  check_error(s.run("train --resume ring.h5 --steps 10"), 1, {"ring.h5", "not a gantool model"});
  s.python(
      "import h5py\n"
      "with h5py.File('gan.h5', 'a') as f:\n"
      "    f.attrs['format_version'] = 99\n");
  check_error(s.run("train --resume gan.h5 --steps 40"), 1, {"gan.h5", "format version 99"});
  check_error(s.run("info gan.h5"), 1, {"gan.h5", "format version 99"});
  CHECK(s.files() == std::vector<std::string>{"bad.h5", "gan.h5", "py.txt", "ring.h5", "three.h5"});
}

TEST_CASE("train: divergence stops with the step number and a hint, keeping the last checkpoint", "[train]") {
  Scratch s("train_diverge");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 50" + kSmall).status == 0);
  const std::string before = s.read("gan.h5");
  // SGD with an absurd learning rate, resumed from a good model: it blows up at once.
  s.python(
      "import h5py\n"
      "with h5py.File('gan.h5', 'a') as f:\n"
      "    f['config'].attrs['d_lr'] = 1e30\n"
      "    f['config'].attrs['g_lr'] = 1e30\n");
  const std::string good = s.read("gan.h5");
  const Result r = s.run("train -q --resume gan.h5 --steps 400 --checkpoint-every 1 --threads 1");
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(r.err.find("diverged at step 51") != std::string::npos);
  CHECK(r.err.find("gan.h5 keeps the checkpoint of step 50") != std::string::npos);
  CHECK(r.err.find("lower learning rate") != std::string::npos);
  CHECK(s.read("gan.h5") == good);  // the last good file, untouched
  CHECK(before != good);
}

TEST_CASE("train: --print-config writes a --config file that reproduces the run", "[train]") {
  Scratch s("train_config");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  const Result printed = s.run("train --data ring.h5 --model a.h5 --steps 60 --print-config" + kSmall);
  REQUIRE(printed.status == 0);
  CHECK(printed.out.rfind("[train]\n", 0) == 0);
  CHECK(printed.out.find("pack=1") != std::string::npos);
  CHECK(printed.out.find("g-hidden=\"16,16\"") != std::string::npos);
  s.write("run.toml", printed.out);
  CHECK_FALSE(s.exists("a.h5"));
  REQUIRE(s.run("train -q --config run.toml").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model b.h5 --steps 60" + kSmall).status == 0);
  check_same_state(s / "a.h5", s / "b.h5");
}

TEST_CASE("train: gradient penalties (wgan-gp, r1): recorded, resumed exactly, bad values refused", "[train]") {
  Scratch s("train_penalties");
  REQUIRE(s.run("prepare -q --dist grid -n 1000 -o grid.h5").status == 0);
  // wgan-gp's 5 critic steps are the resolved default: in the printed config and the model.
  const Result printed = s.run("train --data grid.h5 --model a.h5 --loss wgan-gp --steps 40 --print-config" + kSmall);
  REQUIRE(printed.status == 0);
  CHECK(printed.out.find("d-steps=5") != std::string::npos);
  CHECK(printed.out.find("gp-weight=10") != std::string::npos);
  CHECK(printed.out.find("lr-d=0.0001") != std::string::npos);
  CHECK(printed.out.find("beta2=0.9") != std::string::npos);
  // Given values win over wgan-gp's defaults.
  const Result given = s.run("train --data grid.h5 --model a.h5 --loss wgan-gp --d-steps 2 --lr-d 3e-4 --print-config" + kSmall);
  CHECK(given.out.find("d-steps=2") != std::string::npos);
  CHECK(given.out.find("lr-d=3e-4") != std::string::npos);
  REQUIRE(s.run("train -q --data grid.h5 --model full.h5 --loss wgan-gp --r1 0.5 --steps 40" + kSmall).status == 0);
  const json j = json::parse(s.run("info --json full.h5").out);
  CHECK(j["loss"] == "wgan-gp");
  CHECK(j["d_steps"] == 5);
  CHECK(j["gp_weight"] == 10.0);
  CHECK(j["r1"] == 0.5);
  CHECK(s.run("info full.h5").out.find("loss wgan-gp (λ 10), R1 γ 0.5, d-steps 5") != std::string::npos);
  // Half, then a resume: the interpolation coefficients come from the saved noise stream.
  REQUIRE(s.run("train -q --data grid.h5 --model half.h5 --loss wgan-gp --r1 0.5 --steps 20" + kSmall).status == 0);
  REQUIRE(s.run("train -q --resume half.h5 --steps 40 --threads 1").status == 0);
  check_same_state(s / "full.h5", s / "half.h5");
  check_error(s.run("train --resume half.h5 --steps 60 --gp-weight 1"), 2, {"--gp-weight", "resuming"});
  // Two threads split every minibatch between them; OpenMP must not start fewer threads
  // than that split assumes, whatever OMP_DYNAMIC and OMP_THREAD_LIMIT say.
  const std::string two = " --g-hidden 16,16 --d-hidden 16,16 --batch 32 --threads 2 --loss wgan-gp --steps 6";
  REQUIRE(s.run("train -q --data grid.h5 --model plain.h5" + two).status == 0);
  setenv("OMP_DYNAMIC", "true", 1);
  REQUIRE(s.run("train -q --data grid.h5 --model dynamic.h5" + two).status == 0);
  unsetenv("OMP_DYNAMIC");
  check_same_state(s / "plain.h5", s / "dynamic.h5");
  // The progress line in a pipe shows the penalties' part of D's loss.
  const Result r1 = s.run("train --data grid.h5 --model r1.h5 --r1 2 --steps 50 --log r1.jsonl" + kSmall);
  REQUIRE(r1.status == 0);
  CHECK(r1.err.find("penalty ") != std::string::npos);
  const json logged = json::parse(lines_of(s.read("r1.jsonl")).at(0));
  CHECK(logged["penalty"].get<double>() > 0);
  CHECK(logged["penalty"].get<double>() < logged["loss_d"].get<double>());  // a part of it
  check_error(s.run("train --data grid.h5 --model b.h5 --gp-weight 5" + kSmall), 2, {"--gp-weight", "wgan-gp", "--r1"});
  check_error(s.run("train --data grid.h5 --model b.h5 --loss wgan-gp --gp-weight 0" + kSmall), 2, {"--gp-weight", "positive"});
  check_error(s.run("train --data grid.h5 --model b.h5 --r1 -1" + kSmall), 2, {"--r1", "positive"});
  check_error(s.run("train --data grid.h5 --model b.h5 --r1 nan" + kSmall), 2, {"--r1"});
  check_error(s.run("train --data grid.h5 --model b.h5 --loss wgan" + kSmall), 2, {"--loss", "wgan-gp"});
  CHECK_FALSE(s.exists("b.h5"));
}

namespace {

// Trains with the defaults on DIST (20,000 rows) for `steps`, then measures 10,000 samples
// against the true modes recorded in the data file.
gantool::ModeStats train_and_measure(const std::string& dist, int64_t steps) {
  Scratch s("train_quality_" + dist);
  REQUIRE(s.run("prepare -q --dist " + dist + " -n 20000 -o data.h5").status == 0);
  REQUIRE(s.run("train -q --data data.h5 --model gan.h5 --steps " + std::to_string(steps)).status == 0);
  gantool::ModelMeta meta;
  gantool::Gan gan = gantool::read_model(s / "gan.h5", meta);
  gantool::Tensor z(10000, gan.config.z_dim());
  gantool::Rng rng = gantool::make_rng(5);
  gantool::sample_noise(gan.config.prior, rng, z.data(), z.size());
  gantool::Tensor x = (gan.config.ema > 0 ? gan.g_ema : gan.g).forward(z.data(), 10000);
  gantool::denormalize_rows(meta.schema.normalization, x.data(), x.rows(), x.cols());
  return gantool::mode_stats(x, meta.schema.distribution.modes, meta.schema.distribution.mode_std);
}

}  // namespace

TEST_CASE("train: defaults cover the ring's and the grid's modes (short version of the README protocol)", "[train]") {
  // Fewer rows and steps than the full protocol, one seed: a regression check, with margin
  // for other CPUs (whose kernels round differently). Measured when this test was written:
  // ring 8/8, 91.1% within 3 std, KL 0.005; grid 25/25, 80.2%.
  const gantool::ModeStats ring = train_and_measure("ring", 6000);
  CHECK(ring.covered == 8);
  CHECK(ring.high_quality >= 0.8);
  CHECK(ring.kl_to_uniform <= 0.05);
  const gantool::ModeStats grid = train_and_measure("grid", 10000);
  CHECK(grid.covered >= 24);
  CHECK(grid.high_quality >= 0.65);
}

TEST_CASE("train: a --log that cannot be written stops the run with exit 1, the model saved", "[train]") {
  Scratch s("train_log_full");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  check_error(s.run("train -q --data ring.h5 --model gan.h5 --steps 200 --log /dev/full" + kSmall), 1,
              {"/dev/full", "cannot write the training log", "No space left on device", "the disk is full",
               "stopped at step 50 of 200", "saved in gan.h5", "--resume gan.h5 --steps 200"});
  const json j = json::parse(s.run("info --json gan.h5").out);
  CHECK(j["steps_done"] == 50);
  // The run continues where it stopped.
  const Result r = s.run("train -q --resume gan.h5 --log train.jsonl --log-every 50 --threads 1");
  CHECK(r.status == 0);
  CHECK(lines_of(s.read("train.jsonl")).size() == 3);  // steps 100, 150, 200
}

TEST_CASE("train: sizes that cannot fit in memory are refused at once, naming the flags", "[train]") {
  Scratch s("train_memory");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  const auto start = std::chrono::steady_clock::now();
  check_error(s.run("train --data ring.h5 --model gan.h5 --steps 2 --batch 1000000000"), 2,
              {"--batch 1000000000", "memory", "lower --batch"});
  check_error(s.run("train --data ring.h5 --model gan.h5 --steps 2 --g-hidden 1000000,1000000"), 2,
              {"--g-hidden 1000000,1000000", "memory"});
  check_error(s.run("train --data ring.h5 --model gan.h5 --steps 2 --d-steps 1000000000000"), 2, {"memory"});
  check_error(s.run("train --data ring.h5 --model gan.h5 --steps 2 --z-dim 10000000"), 2, {"--z-dim"});
  // A lower limit (ulimit -v) is honoured too: 1 GB refuses what a larger machine allows.
  if (kMeasuresMemory)
    check_error(s.run_env("ulimit -v 1000000;", "train --data ring.h5 --model gan.h5 --steps 2 --batch 40000 --threads 1"),
                2, {"--batch 40000", "memory", "1.0 GB"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  CHECK(!s.exists("gan.h5"));
}

TEST_CASE("train: a resume from another folder finds the data beside the model, or says to pass --data", "[train]") {
  Scratch s("train_resume_folder");
  fs::create_directories(s.dir / "run");
  fs::create_directories(s.dir / "elsewhere");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o run/ring.h5").status == 0);
  // Trained inside run/ with a relative data path.
  REQUIRE(std::system(("cd '" + (s.dir / "run").string() + "' && " GANTOOL_BIN
                       " train -q --data ring.h5 --model gan.h5 --steps 50" + kSmall).c_str()) == 0);
  CHECK(json::parse(s.run("info --json run/gan.h5").out)["data"] == "ring.h5");
  const Result r = s.run("train -q --resume run/gan.h5 --steps 100");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(json::parse(s.run("info --json run/gan.h5").out)["steps_done"] == 100);
  // Moved away from its data: the message names the stored path and says to pass --data.
  fs::rename(s.dir / "run" / "gan.h5", s.dir / "elsewhere" / "gan.h5");
  check_error(s.run("train --resume elsewhere/gan.h5 --steps 150"), 1,
              {"elsewhere/gan.h5 was trained on ring.h5 (the stored path)", "not found", "pass --data FILE"});
  CHECK(s.run("train -q --resume elsewhere/gan.h5 --data run/ring.h5 --steps 150").status == 0);
}
