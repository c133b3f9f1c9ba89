// End-to-end tests of the HDF5 file layer: a full disk, very wide data, files that declare
// data they do not hold, damaged model files and dangling links. Every failure must be one
// line naming the file, exit 1, and leave no temporary and the previous output intact.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>

#include "cli/run.hpp"

using namespace gantool_test;

namespace {

const std::string kTiny = " --g-hidden 8 --d-hidden 8 --batch 16 --threads 1";

// Runs "gantool ARGS" with the disk-full shim preloaded: writes to regular files fail with
// ENOSPC after `limit` bytes.
Result run_disk_full(const Scratch& s, int64_t limit, const std::string& args) {
  // Under AddressSanitizer, a preloaded library comes before its runtime: allowed here.
  const std::string asan = kSanitized ? "ASAN_OPTIONS=verify_asan_link_order=0 " : "";
  return s.run_env(asan + "GANTOOL_DISKFULL_AFTER=" + std::to_string(limit) + " LD_PRELOAD=" + GANTOOL_DISKFULL_LIB,
                   args);
}

// Checks that `args`, writing `output`, fails cleanly on a disk that fills at each limit.
void check_disk_full(const Scratch& s, const std::string& args, const std::string& output) {
  const std::string before = s.read(output);
  REQUIRE(!before.empty());
  const auto files = s.files();
  const auto size = static_cast<int64_t>(before.size());  // the new output is about as large
  for (int64_t limit : {int64_t{0}, size / 10, size / 3, 2 * size / 3, 9 * size / 10}) {
    INFO("gantool " << args << " on a disk full after " << limit << " bytes");
    const Result r = run_disk_full(s, limit, args);
    check_error(r, 1, {output, "disk full"});
    CHECK(s.files() == files);  // no temporary left
    CHECK(s.read(output) == before);
  }
}

}  // namespace

TEST_CASE("cli: a full disk gives one line naming the output, and keeps the old output", "[cli][files]") {
  Scratch s("disk_full");
  REQUIRE(s.run("prepare -q --dist ring -n 2000 -o data.h5 --seed 1").status == 0);
  REQUIRE(s.run("prepare -q --dist ring -n 2000 -o out.h5 --seed 2").status == 0);
  REQUIRE(s.run("train -q --data data.h5 --model gan.h5 --steps 10" + kTiny).status == 0);
  REQUIRE(s.run("train -q --data data.h5 --model model.h5 --steps 10" + kTiny).status == 0);
  REQUIRE(s.run("sample --model gan.h5 -n 3000 -o samples.h5").status == 0);
  // The shim works: without a limit nothing fails.
  REQUIRE(run_disk_full(s, 1 << 30, "prepare -q --dist ring -n 10 -o check.h5").status == 0);
  fs::remove(s.dir / "check.h5");

  check_disk_full(s, "prepare -q --dist ring -n 20000 -o out.h5 --seed 3", "out.h5");
  check_disk_full(s, "train -q --data data.h5 --model model.h5 --steps 20 --seed 4" + kTiny, "model.h5");
  check_disk_full(s, "train -q --data data.h5 --model model.h5 --steps 20 --checkpoint-every 5 --seed 4" + kTiny,
                  "model.h5");
  check_disk_full(s, "sample --model gan.h5 -n 20000 -o samples.h5", "samples.h5");
}

TEST_CASE("cli: 12,288 columns (64×64×3 images) import, train and sample", "[cli][files]") {
  Scratch s("wide");
  s.python(
      "import numpy as np\n"
      "rng = np.random.default_rng(1)\n"
      "names = ['p%d_%d_%s' % (i // 192, (i // 3) % 64, 'rgb'[i % 3]) for i in range(12288)]\n"
      "with open('wide.csv', 'w') as f:\n"
      "    f.write(','.join(names) + '\\n')\n"
      "    for r in range(24):\n"
      "        f.write(','.join('%d' % v for v in rng.integers(0, 256, 12288)) + '\\n')\n");
  REQUIRE(s.run("prepare -q --from wide.csv --normalize minmax -o wide.h5").status == 0);
  const json info = info_json(s, "wide.h5");
  CHECK(info["columns"].size() == 12288);
  CHECK(info["columns"][12287]["name"] == "p63_63_b");
  REQUIRE(s.run("train -q --data wide.h5 --model wide_gan.h5 --steps 2 --z-dim 4 --g-hidden 4 --d-hidden 4 "
                "--batch 8 --threads 1")
              .status == 0);
  CHECK(s.run("info wide_gan.h5").status == 0);
  REQUIRE(s.run("sample --model wide_gan.h5 -n 5 -o wide_samples.h5").status == 0);
  CHECK(info_json(s, "wide_samples.h5")["columns"][5]["name"] == "p0_1_b");
  // h5py reads the names where it always found them: the attribute 'columns'.
  s.python(
      "import h5py\n"
      "for name, obj in (('wide.h5', 'data'), ('wide_samples.h5', 'data'), ('wide_gan.h5', 'training_data')):\n"
      "    with h5py.File(name, 'r') as f:\n"
      "        cols = list(f[obj].attrs['columns'])\n"
      "        assert len(cols) == 12288 and cols[1] == 'p0_0_g', (name, len(cols), cols[:2])\n");
}

TEST_CASE("cli: a file declaring rows it does not hold is refused at once", "[cli][files]") {
  Scratch s("declared");
  s.python(
      "import h5py, numpy as np\n"
      "with h5py.File('empty.h5', 'w') as f:\n"
      "    f.create_dataset('data', shape=(10**10, 2), dtype='f4')\n"
      "with h5py.File('chunked.h5', 'w') as f:\n"
      "    d = f.create_dataset('data', shape=(10**10, 2), dtype='f4', chunks=(1000, 2), compression='gzip')\n"
      "    d[:3000] = np.ones((3000, 2), dtype='f4')\n");
  const auto start = std::chrono::steady_clock::now();
  check_error(s.run("info empty.h5"), 1, {"empty.h5", "10000000000 rows", "none", "incomplete or damaged"});
  check_error(s.run("info chunked.h5"), 1, {"chunked.h5", "10000000000 rows", "3000", "incomplete or damaged"});
  check_error(s.run("train --data chunked.h5 --model m.h5 --steps 2" + kTiny), 1, {"chunked.h5", "3000"});
  check_error(s.run("export empty.h5"), 1, {"empty.h5", "incomplete or damaged"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  CHECK(!s.exists("m.h5"));
}

TEST_CASE("cli: data larger than memory is refused before reading, naming the file", "[cli][files]") {
  Scratch s("huge");
  // Allocated (sparse) but never written: four times this machine's memory.
  const int64_t bytes = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE) * 4;
  s.python(
      "import h5py\n"
      "rows = " + std::to_string(bytes / 32) + "\n"
      "f = h5py.File('big.h5', 'w')\n"
      "dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)\n"
      "dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)\n"
      "dcpl.set_fill_time(h5py.h5d.FILL_TIME_NEVER)\n"
      "space = h5py.h5s.create_simple((rows, 8))\n"
      "h5py.h5d.create(f.id, b'data', h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)\n"
      "f.close()\n");
  check_error(s.run("train --data big.h5 --model m.h5 --steps 2" + kTiny), 1, {"big.h5", "GB", "memory", "--limit"});
  CHECK(!s.exists("m.h5"));
}

TEST_CASE("cli: a damaged model file is refused naming the file and what is damaged", "[cli][files]") {
  Scratch s("damaged_model");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o data.h5 --seed 1").status == 0);
  REQUIRE(s.run("train -q --data data.h5 --model gan.h5 --steps 10 --checkpoint-every 5" + kTiny).status == 0);
  // Each damage: a Python statement on the open file f, and what the message must name.
  const std::vector<std::pair<std::string, std::vector<std::string>>> damages = {
      {"w = f['generator/layer0/weights'][()]; del f['generator/layer0/weights']; "
       "f['generator/layer0/weights'] = w.T.copy()",
       {"/generator/layer0/weights", "shape"}},
      {"w = f['discriminator/layer1/weights'][()]; del f['discriminator/layer1/weights']; "
       "f['discriminator/layer1/weights'] = w.astype('i4')",
       {"/discriminator/layer1/weights", "int32"}},
      {"w = f['generator/layer1/weights'][()]; w[0, 3] = np.nan; f['generator/layer1/weights'][()] = w",
       {"/generator/layer1/weights", "not finite"}},
      {"w = f['generator_ema/layer0/bias'][()]; w[2] = np.inf; f['generator_ema/layer0/bias'][()] = w",
       {"/generator_ema/layer0/bias", "not finite"}},
      {"m = f['optimizer/generator/m/layer0/weights'][()]; del f['optimizer/generator/m/layer0/weights']; "
       "f['optimizer/generator/m/layer0/weights'] = m.T.copy()",
       {"/optimizer/generator/m/layer0/weights", "shape"}},
      {"del f['optimizer/discriminator/v/layer1/bias']", {"/optimizer/discriminator/v/layer1/bias", "missing"}},
      {"s = f['training_data/scale'][()]; s[1] = 0; f['training_data/scale'][()] = s",
       {"/training_data/scale", "0"}},
      {"s = f['training_data/shift'][()]; s[0] = np.nan; f['training_data/shift'][()] = s",
       {"/training_data/shift", "not finite"}},
      {"f['training_data'].attrs['columns'] = ['x']", {"/training_data", "names 1 columns for 2"}},
      {"del f['training_data'].attrs['columns']", {"/training_data", "names 0 columns for 2"}},
      {"f.attrs['steps_done'] = np.int64(-5)", {"steps_done", "-5"}},
      {"f.attrs['steps_done'] = np.int64(99)", {"steps_done", "99"}},
      {"f['state'].attrs['data_position'] = np.uint64(2**62)", {"data_position"}},
      {"f['state'].attrs['data_epoch'] = np.uint64(2**63 + 5)", {"data_epoch"}},
      {"f['state'].attrs['threads'] = np.int64(100000)", {"threads", "100000"}},
      {"f['config'].attrs['g_net'] = f['config'].attrs['g_net'].replace('linear 8 ', 'linear 1000000 ', 1)",
       {"/generator/layer0/weights", "shape"}},
      {"f['config'].attrs['batch'] = np.int64(10**12)", {"batch"}},
      {"f['config'].attrs['g_net'] = 'in 0' + f['config'].attrs['g_net'][4:]", {"g_net", "'0' is not a size"}},
      {"f['config'].attrs['d_net'] = 'in 2; linear 1 tanh'", {"d_net", "discriminator must end in one logit"}},
      {"f['config'].attrs['d_net'] = 'in 2; conv 1 identity'", {"d_net", "unknown layer kind 'conv'"}},
      {"f['config'].attrs['g_lr'] = np.nan", {"g_lr"}},
  };
  for (size_t i = 0; i < damages.size(); ++i) {
    const auto& [statement, fragments] = damages[i];
    INFO("damage: " << statement);
    const std::string bad = "bad" + std::to_string(i) + ".h5";
    s.damaged_copy("gan.h5", bad, statement);
    std::vector<std::string> expected = fragments;
    expected.push_back(bad);
    expected.push_back("damaged");
    for (const std::string& command : {"info " + bad, "sample --model " + bad + " -n 10 -o out.h5",
                                       "train --resume " + bad + " --steps 20 --model again.h5"}) {
      INFO(command);
      const Result r = s.run(command);
      CHECK(r.status == 1);
      CHECK(lines_of(r.err).size() == 1);
      for (const auto& f : expected) CHECK(r.err.find(f) != std::string::npos);
    }
    CHECK(!s.exists("out.h5"));
    CHECK(!s.exists("again.h5"));
  }
}

TEST_CASE("cli: a dangling link is named as one, with its target", "[cli][files]") {
  Scratch s("dangling");
  s.python(
      "import h5py, numpy as np\n"
      "with h5py.File('links.h5', 'w') as f:\n"
      "    f['x'] = np.zeros((4, 2), dtype='f4')\n"
      "    f['data'] = h5py.SoftLink('/nowhere')\n"
      "    f['ext'] = h5py.ExternalLink('missing.h5', '/data')\n"
      "    f.create_group('grp')\n");
  check_error(s.run("export links.h5"), 1, {"links.h5", "'/data'", "dangling", "'/nowhere'"});
  check_error(s.run("train --data links.h5 --model m.h5"), 1, {"links.h5", "'/data'", "dangling", "'/nowhere'"});
  check_error(s.run("info links.h5:/ext"), 1, {"links.h5", "'/ext'", "dangling", "missing.h5"});
  check_error(s.run("info links.h5:/grp"), 1, {"links.h5", "'/grp' is a group"});
  CHECK(s.run("info links.h5:/x").status == 0);
}
