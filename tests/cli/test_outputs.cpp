// End-to-end tests of where outputs go: devices, pipes and symbolic links as targets, long
// names, and temporaries left by a killed process.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "cli/run.hpp"

namespace fs = std::filesystem;

using namespace gantool_test;

TEST_CASE("outputs: /dev/null stays a device; HDF5 to it is refused, CSV goes through", "[cli][outputs]") {
  Scratch s("outputs_devnull");
  REQUIRE(s.run("prepare -q --dist ring -n 100 -o ring.h5").status == 0);
  check_error(s.run("prepare -q --dist ring -n 100 -o /dev/null"), 1, {"/dev/null", "not a regular file"});
  CHECK(fs::is_character_file("/dev/null"));
  // Text outputs are written straight through, as to stdout.
  Result r = s.run("export ring.h5 -o /dev/null");
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(fs::is_character_file("/dev/null"));
  r = s.run("export ring.h5 -o /dev/stdout");
  CHECK(r.status == 0);
  CHECK(lines_of(r.out).size() == 101);
  CHECK(fs::is_character_file("/dev/null"));
  CHECK(s.files() == std::vector<std::string>{"ring.h5"});
}

TEST_CASE("outputs: a FIFO receives CSV as a stream and stays a FIFO", "[cli][outputs]") {
  Scratch s("outputs_fifo");
  REQUIRE(s.run("prepare -q --dist ring -n 1000 -o ring.h5").status == 0);
  REQUIRE(mkfifo((s / "pipe").c_str(), 0600) == 0);
  std::string received;
  std::thread reader([&] { received = slurp(s / "pipe"); });
  const Result r = s.run("export ring.h5 -o pipe");
  reader.join();
  CHECK(r.status == 0);
  CHECK(lines_of(received).size() == 1001);
  CHECK(fs::is_fifo(s / "pipe"));
  check_error(s.run("prepare -q --dist ring -n 10 -o pipe"), 1, {"pipe", "not a regular file"});
}

TEST_CASE("outputs: a symbolic link as output is followed; the link stays", "[cli][outputs]") {
  Scratch s("outputs_link");
  fs::create_directories(s.dir / "runs");
  REQUIRE(s.run("prepare -q --dist ring -n 100 -o runs/a.h5").status == 0);
  fs::create_symlink("runs/a.h5", s.dir / "latest.h5");
  REQUIRE(s.run("prepare -q --dist grid -n 300 -o latest.h5").status == 0);
  CHECK(fs::is_symlink(s.dir / "latest.h5"));
  CHECK(info_json(s, "runs/a.h5")["rows"] == 300);
  CHECK(s.files() == std::vector<std::string>{"latest.h5", "runs"});
  CHECK(fs::directory_iterator(s.dir / "runs")->path().filename() == "a.h5");
}

TEST_CASE("outputs: a 250-character output name works", "[cli][outputs]") {
  Scratch s("outputs_long");
  const std::string name = std::string(247, 'n') + ".h5";
  REQUIRE(s.run("prepare -q --dist ring -n 100 -o " + name).status == 0);
  REQUIRE(s.run("export " + name + " -o " + std::string(246, 'c') + ".csv").status == 0);
  CHECK(s.files().size() == 2);
}

TEST_CASE("outputs: a temporary left by a killed run is removed by the next write of that output", "[cli][outputs]") {
  Scratch s("outputs_stale");
  // What a SIGKILL leaves: a partial file named after the output and a process that is gone.
  s.write(".ring.h5.gantool-tmp-4194305-0", "partial");
  s.write(".other.h5.gantool-tmp-4194305-0", "partial");
  REQUIRE(s.run("prepare -q --dist ring -n 100 -o ring.h5").status == 0);
  CHECK(s.files() == std::vector<std::string>{".other.h5.gantool-tmp-4194305-0", "ring.h5"});
}

#if !defined(__SANITIZE_ADDRESS__)  // under the sanitizers the crash is theirs to report
TEST_CASE("inputs: a damaged file that crashes the HDF5 library gives one line naming it", "[cli][outputs]") {
  // Found by fuzzing (tests/fuzz/known-hdf5): HDF5 1.10 itself crashes on these files.
  Scratch s("inputs_hdf5_crash");
  const std::string dir = std::string(GANTOOL_SOURCE_DIR) + "/tests/fuzz/known-hdf5/";
  REQUIRE(s.run("prepare -q --dist ring -n 100 -o ring.h5").status == 0);
  for (const std::string file : {"dataset/H5HG_read-memcpy-overlap.h5", "dataset/H5Lvisit-invalid-free.h5",
                                 "model/H5T__bit_copy-bus-error.h5"}) {
    INFO(file);
    check_error(s.run("info " + dir + file), 1, {file, "HDF5 library crashed", "damaged"});
    check_error(s.run("prepare -q --from " + dir + file + " -o ring.h5"), 1, {file});
  }
  CHECK(info_json(s, "ring.h5")["rows"] == 100);  // the previous output is intact
  CHECK(s.files() == std::vector<std::string>{"ring.h5"});
}
#endif
