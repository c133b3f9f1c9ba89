// End-to-end tests of `gantool plot` (samples, history, critic) and of what it draws from:
// `train --snapshot-every` and the history's penalty column. Every picture kind is rendered
// by the real gnuplot and checked for its format and size; bad input is one line.
#include <catch2/catch.hpp>

#include "cli/run.hpp"
#include "io/model_file.hpp"
#include "plot/picture.hpp"

using namespace gantool_test;

namespace {

const std::string kSmall = " --g-hidden 16,16 --d-hidden 16,16 --batch 32 --threads 1";

// True when no temporary of gantool's is left in the folder.
bool no_temporaries(const Scratch& s) {
  for (const std::string& f : s.files())
    if (f.find("gantool-tmp") != std::string::npos) return false;
  return true;
}

void check_picture(const Scratch& s, const std::string& file, const std::string& format, int64_t w, int64_t h) {
  INFO(file);
  const Picture p = read_picture(s / file);
  CHECK(p.format == format);
  CHECK(p.width == w);
  CHECK(p.height == h);
}

}  // namespace

TEST_CASE("plot: samples, history and critic pictures of the asked format and size", "[plot]") {
  Scratch s("plot_verbs");
  REQUIRE(s.run("prepare -q --dist ring -n 2000 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 200 --log-every 50 --snapshot-every 50" + kSmall)
              .status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model wgan.h5 --loss wgan-gp --gp-weight 1 --steps 60 --log-every 20" +
                kSmall).status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 500 -o fake.h5").status == 0);

  Result r = s.run("plot samples ring.h5 fake.h5 -o samples.png --size 640x480");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  check_picture(s, "samples.png", "png", 640, 480);
  CHECK(s.run("plot samples ring.h5 -o default.svg").status == 0);
  check_picture(s, "default.svg", "svg", 800, 700);

  r = s.run("plot history gan.h5 wgan.h5 -o history.svg --size 900x700 --title 'two runs'");
  CHECK(r.status == 0);
  check_picture(s, "history.svg", "svg", 900, 700);
  CHECK(s.read("history.svg").find("two runs") != std::string::npos);

  r = s.run("plot critic gan.h5 --data ring.h5 -o critic.pdf --size 600x500");
  CHECK(r.status == 0);
  check_picture(s, "critic.pdf", "pdf", 600, 500);
  r = s.run("plot critic gan.h5 --data ring.h5 --every 100 -o snapshots.png --script snapshots.gp");
  CHECK(r.status == 0);
  check_picture(s, "snapshots.png", "png", 1120, 480);  // steps 100 and 200: two panels
  // The kept script holds both panels' data and redraws the picture by itself.
  const std::string script = s.read("snapshots.gp");
  CHECK(script.find("step 100: D over the plane") != std::string::npos);
  CHECK(script.find("step 200: D over the plane") != std::string::npos);
  CHECK(script.find("step 150") == std::string::npos);
  std::filesystem::remove(s / "snapshots.png");
  REQUIRE(std::system(("cd '" + s.dir.string() + "' && gnuplot snapshots.gp").c_str()) == 0);
  check_picture(s, "snapshots.png", "png", 1120, 480);
  CHECK(no_temporaries(s));
}

TEST_CASE("plot samples: a typed table's categories, a pair plot, columns by name", "[plot]") {
  Scratch s("plot_table");
  std::string csv = "kind,size,count,day\n";
  for (int i = 0; i < 60; ++i)
    csv += std::string(i % 3 == 0 ? "cat" : i % 3 == 1 ? "dog" : "") + "," + std::to_string(i * 0.5) + "," +
           std::to_string(i % 7) + ",2024-01-" + (i % 28 < 9 ? "0" : "") + std::to_string(1 + i % 28) + "\n";
  s.write("pets.csv", csv);
  REQUIRE(s.run("prepare -q --from pets.csv --split 0.5 --test-out b.h5 -o a.h5").status == 0);
  Result r = s.run("plot samples a.h5 b.h5 -o pairs.png");
  INFO(r.err);
  CHECK(r.status == 0);
  check_picture(s, "pairs.png", "png", 1120, 1120);  // 4 columns: 4 × 280 a side
  r = s.run("plot samples a.h5 b.h5 --columns kind -o bars.svg --size 500x300 --script bars.gp");
  CHECK(r.status == 0);
  check_picture(s, "bars.svg", "svg", 500, 300);
  CHECK(s.read("bars.gp").find("with boxes") != std::string::npos);
  CHECK(s.run("plot samples a.h5 --columns 2,4 -o two.pdf").status == 0);
  check_picture(s, "two.pdf", "pdf", 800, 700);
}

TEST_CASE("train --snapshot-every keeps G and D by step, across a resume", "[plot][train]") {
  Scratch s("plot_snapshots");
  REQUIRE(s.run("prepare -q --dist ring -n 1000 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model full.h5 --steps 300 --snapshot-every 100" + kSmall).status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model half.h5 --steps 150 --snapshot-every 100" + kSmall).status == 0);
  REQUIRE(s.run("train -q --resume half.h5 --steps 300 --threads 1").status == 0);  // keeps --snapshot-every
  gantool::ModelMeta full, half;
  const gantool::Gan gan = gantool::read_model(s / "full.h5", full);
  gantool::read_model(s / "half.h5", half);
  REQUIRE(full.snapshots.size() == 3);
  CHECK(full.snapshot_every == 100);
  CHECK(half.snapshot_every == 100);
  for (size_t i = 0; i < 3; ++i) {
    INFO("snapshot " << i);
    CHECK(full.snapshots[i].step == int64_t(100 * (i + 1)));
    REQUIRE(half.snapshots.size() == 3);
    CHECK(half.snapshots[i].step == full.snapshots[i].step);
    CHECK(half.snapshots[i].g == full.snapshots[i].g);
    CHECK(half.snapshots[i].d == full.snapshots[i].d);
  }
  // The last snapshot is the final model (G's moving average, which sampling uses, when on).
  CHECK(full.snapshots.back().d == gan.d.params.values);
  CHECK(full.snapshots.back().g == (gan.config.ema > 0 ? gan.g_ema : gan.g).params.values);
  CHECK(full.snapshots.front().d != gan.d.params.values);
  const json j = info_json(s, "full.h5");
  CHECK(j["snapshots"]["every"] == 100);
  CHECK(j["snapshots"]["steps"] == json::array({100, 200, 300}));
  CHECK(s.run("info full.h5").out.find("snapshots      3 of G and D (every 100 steps") != std::string::npos);
  // Damaged snapshots are refused with the file and the object named.
  s.damaged_copy(s / "full.h5", s / "bad1.h5", "f['snapshots'].attrs['steps'] = np.array([200, 100, 300], dtype=np.int64)");
  check_error(s.run("info bad1.h5"), 1, {"bad1.h5", "/snapshots", "damaged model file"});
  s.damaged_copy(s / "full.h5", s / "bad2.h5", "f['snapshots'].attrs['steps'] = np.array([100, 200, 400], dtype=np.int64)");
  check_error(s.run("info bad2.h5"), 1, {"bad2.h5", "/snapshots", "damaged model file"});  // past steps_done
  s.damaged_copy(s / "full.h5", s / "bad3.h5",
                 "del f['snapshots/discriminator']; f['snapshots/discriminator'] = np.zeros((3, 5), np.float32)");
  check_error(s.run("info bad3.h5"), 1, {"bad3.h5", "/snapshots/discriminator"});
  // Without snapshots the model has no /snapshots; asking for too many is refused.
  REQUIRE(s.run("train -q --data ring.h5 --model none.h5 --steps 50" + kSmall).status == 0);
  s.python("import h5py\nprint('snapshots' in h5py.File('none.h5', 'r'))\n");
  CHECK(s.read("py.txt") == "False\n");
  check_error(s.run("train --data ring.h5 --model x.h5 --steps 100000 --snapshot-every 1" + kSmall), 2,
              {"--snapshot-every 1", "100000 snapshots", "at most 10000"});
  check_error(s.run("train --data ring.h5 --model x.h5 --snapshot-every -2" + kSmall), 2, {"--snapshot-every"});
  CHECK(!s.exists("x.h5"));
}

TEST_CASE("the history records the penalty; older files read it as missing", "[plot][train]") {
  Scratch s("plot_penalty");
  REQUIRE(s.run("prepare -q --dist ring -n 1000 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model w.h5 --loss wgan-gp --steps 40 --log-every 20" + kSmall).status == 0);
  gantool::ModelMeta meta;
  gantool::read_model(s / "w.h5", meta);
  const auto& names = gantool::history_columns();
  const size_t cols = names.size(), p = std::find(names.begin(), names.end(), "penalty") - names.begin();
  REQUIRE(meta.history.size() == 2 * cols);
  CHECK(meta.history[p] > 0);
  CHECK(meta.history[cols + p] > 0);
  gantool::read_model(std::string(GANTOOL_SOURCE_DIR) + "/tests/fixtures/model_v1.h5", meta);
  REQUIRE(meta.history.size() >= cols);
  CHECK(std::isnan(meta.history[p]));
  CHECK(meta.history[0] > 0);  // the step column, found by name
}

TEST_CASE("plot: bad input is one clear line, and no picture", "[plot]") {
  Scratch s("plot_bad");
  REQUIRE(s.run("prepare -q --dist ring -n 1000 -o ring.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist gaussian --dim 1 -n 1000 -o one.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist gaussian --dim 7 -n 1000 -o seven.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 30" + kSmall).status == 0);
  REQUIRE(s.run("train -q --data one.h5 --model one_gan.h5 --steps 30" + kSmall).status == 0);
  REQUIRE(s.run("train -q --data seven.h5 --model seven_gan.h5 --steps 30" + kSmall).status == 0);

  // A model without /history.
  s.damaged_copy(s / "gan.h5", s / "bare.h5", "del f['history']");
  check_error(s.run("plot history bare.h5 -o h.png"), 1, {"bare.h5", "no training history"});
  // plot critic needs 2-D data: 1-D and 7-D models, and data that does not fit the model.
  check_error(s.run("plot critic one_gan.h5 --data one.h5 -o c.png"), 2, {"one_gan.h5", "1 columns, not 2"});
  check_error(s.run("plot critic seven_gan.h5 --data seven.h5 -o c.png"), 2, {"seven_gan.h5", "7 columns, not 2"});
  check_error(s.run("plot critic gan.h5 --data seven.h5 -o c.png"), 1, {"seven.h5", "has 7 columns", "trained on 2"});
  check_error(s.run("plot critic gan.h5 --data ring.h5 --every 100 -o c.png"), 2,
              {"gan.h5 holds no snapshots", "--snapshot-every"});
  check_error(s.run("plot critic gan.h5 -o c.png"), 2, {"--data"});
  // gnuplot missing: which package to install.
  check_error(s.run_env("PATH=/nonexistent", "plot samples ring.h5 -o s.png"), 1,
              {"gnuplot is not installed", "gnuplot-nox"});
  // Outputs: a folder that does not exist, an unknown extension, a bad size, an input as output.
  check_error(s.run("plot samples ring.h5 -o no/such/dir/s.png"), 1, {"no/such/dir/s.png"});
  check_error(s.run("plot samples ring.h5 -o /proc/s.png"), 1, {"/proc/s.png: cannot write"});
  std::filesystem::create_directory(s / "dir.png");
  check_error(s.run("plot samples ring.h5 -o dir.png"), 1, {"dir.png", "folder"});
  std::filesystem::remove(s / "dir.png");
  check_error(s.run("plot samples ring.h5 -o s.jpg"), 2, {"-o", "s.jpg", ".png, .svg or .pdf"});
  check_error(s.run("plot samples ring.h5 -o s.png --size 10x10"), 2, {"--size", "64 to 10000"});
  check_error(s.run("plot history gan.h5 -o gan.h5"), 2, {"-o"});
  // Inputs: missing files, columns the second file lacks, a verb without its inputs.
  check_error(s.run("plot samples nothere.h5 -o s.png"), 1, {"nothere.h5"});
  check_error(s.run("plot samples ring.h5 seven.h5 -o s.png"), 1, {"seven.h5", "has no column 'x'"});
  check_error(s.run("plot samples ring.h5 --columns z -o s.png"), 2, {"--columns", "'z'"});
  check_error(s.run("plot history ring.h5 -o h.png"), 1, {"ring.h5", "not a gantool model"});
  check_error(s.run("plot samples gan.h5 -o s.png"), 2, {"gan.h5 is a model file", "gantool sample"});
  s.python("import h5py, numpy as np\nwith h5py.File('nan.h5', 'w') as f: f['data'] = np.full((50, 2), np.nan, np.float32)\n");
  check_error(s.run("plot samples nan.h5 -o s.png"), 1, {"nan.h5", "missing or not finite", "nothing to draw"});
  check_error(s.run("plot samples seven.h5 -o s.png --size 400x400"), 2,
              {"--size 400x400", "4 × 4 panels", "at least 600x600"});
  check_error(s.run("train --data ring.h5 --model x.h5 --steps 100 --snapshot-every 500" + kSmall), 2,
              {"--snapshot-every 500 keeps no snapshot in 100 steps"});
  CHECK(s.run("plot").status == 2);
  for (const std::string& f : s.files()) {
    INFO(f);
    CHECK(f.find(".png") == std::string::npos);
  }
  CHECK(no_temporaries(s));
}
