// End-to-end tests of the gantool binary, run as a user runs it: every subcommand, and
// every error path (one line on stderr naming the file, the right exit code, no output file
// left behind, the previous good output untouched).
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/run.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

using namespace gantool_test;

TEST_CASE("cli: --version, --help and subcommand help", "[cli]") {
  Scratch s("help");
  Result r = s.run("--version");
  CHECK(r.status == 0);
  CHECK(r.out.find("gantool 0.") == 0);
  r = s.run("--help");
  CHECK(r.status == 0);
  for (const char* sub : {"prepare", "info", "export"}) CHECK(r.out.find(sub) != std::string::npos);
  r = s.run("prepare --help");
  CHECK(r.status == 0);
  for (const char* word : {"ring", "checkerboard", "--normalize", "--split", "--columns"})
    CHECK(r.out.find(word) != std::string::npos);
  check_error(s.run(""), 2, {"subcommand"});
  check_error(s.run("frobnicate"), 2, {"frobnicate"});
}

TEST_CASE("cli: prepare ring, info and export agree with the distribution", "[cli]") {
  Scratch s("ring");
  REQUIRE(s.run("prepare --dist ring -n 20000 -o ring.h5 --seed 3").status == 0);
  const json j = info_json(s, "ring.h5");
  CHECK(j["rows"] == 20000);
  CHECK(j["cols"] == 2);
  CHECK(j["type"] == "float32");
  CHECK(j["provenance"]["seed"] == 3);
  CHECK(j["provenance"]["command"] == "gantool prepare --dist ring -n 20000 -o ring.h5 --seed 3");
  CHECK(j["synthetic"]["distribution"] == "ring");
  CHECK(j["synthetic"]["modes"].size() == 8);
  CHECK(j["synthetic"]["mode_std"] == Approx(0.02));
  // The ring's points lie at radius 2: E[x²] = E[y²] = 2 + 0.02² (the modes are symmetric).
  CHECK(double(j["columns"][0]["std"]) == Approx(std::sqrt(2.0004)).epsilon(0.01));
  CHECK(double(j["columns"][0]["max"]) < 2.2);

  const Result r = s.run("export ring.h5");
  REQUIRE(r.status == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 20001);
  CHECK(lines[0] == "x,y");
  for (size_t i = 1; i < lines.size(); i += 97) {
    float x, y;
    REQUIRE(std::sscanf(lines[i].c_str(), "%f,%f", &x, &y) == 2);
    CHECK(std::abs(std::hypot(x, y) - 2.0) < 0.2);
  }
  CHECK(s.run("info ring.h5").out.find("8 modes") != std::string::npos);
}

TEST_CASE("cli: the same seed gives identical bytes, and -n N is a prefix of a larger -n", "[cli]") {
  Scratch s("seed");
  REQUIRE(s.run("prepare -q --dist grid -n 3000 -o a.h5 --seed 5").status == 0);
  const std::string first = s.read("a.h5");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a second later: no time may be recorded
  REQUIRE(s.run("prepare -q --dist grid -n 3000 -o a.h5 --seed 5").status == 0);
  REQUIRE(s.run("prepare -q --dist grid -n 3000 -o c.h5 --seed 6").status == 0);
  REQUIRE(s.run("prepare -q --dist grid -n 50000 -o big.h5 --seed 5").status == 0);
  CHECK(s.read("a.h5") == first);  // the whole file, not only the data
  const std::string a = s.run("export a.h5").out, c = s.run("export c.h5").out;
  CHECK(a != c);
  const std::string big = s.run("export big.h5").out;
  CHECK(big.compare(0, a.size(), a) == 0);
}

TEST_CASE("cli: every synthetic distribution is made with its dimension", "[cli]") {
  Scratch s("dists");
  for (const std::string dist : {"ring", "grid", "gaussian", "uniform", "spiral", "swissroll", "moons",
                                 "circles", "checkerboard"}) {
    INFO(dist);
    REQUIRE(s.run("prepare -q --dist " + dist + " -n 500 -o d.h5").status == 0);
    const json j = info_json(s, "d.h5");
    CHECK(j["rows"] == 500);
    CHECK(j["cols"] == 2);
    CHECK(j["synthetic"]["distribution"] == dist);
  }
  REQUIRE(s.run("prepare -q --dist gaussian --dim 16 --mean 3 --std 0.5 -n 4000 -o g.h5").status == 0);
  const json j = info_json(s, "g.h5");
  CHECK(j["cols"] == 16);
  CHECK(double(j["columns"][15]["mean"]) == Approx(3.0).margin(0.05));
  CHECK(double(j["columns"][15]["std"]) == Approx(0.5).margin(0.03));
}

TEST_CASE("cli: CSV import with header, quotes, CRLF, selection, and export round trip", "[cli]") {
  Scratch s("csv");
  s.write("in.csv", "\xEF\xBB\xBFid,\"label, quoted\",a,b\r\n1,\"x,y\",0.5,-2\r\n2,\"z\",1e-3,3.25\r\n3,w,-0,7\r\n");
  // A text column makes a typed table, written back as read (real numbers keep a ".0").
  REQUIRE(s.run("prepare -q --from in.csv -o typed.h5").status == 0);
  CHECK(info_json(s, "typed.h5")["columns"][1]["kind"] == "categorical");
  CHECK(s.run("export typed.h5").out == "id,\"label, quoted\",a,b\n1,\"x,y\",0.5,-2.0\n2,z,0.001,3.25\n3,w,-0.0,7.0\n");
  REQUIRE(s.run("prepare -q --from in.csv --columns a,4,id -o out.h5").status == 0);
  const json j = info_json(s, "out.h5");
  CHECK(j["columns"][0]["name"] == "a");
  CHECK(j["columns"][1]["name"] == "b");
  CHECK(j["columns"][2]["name"] == "id");
  CHECK(s.run("export out.h5").out == "a,b,id\n0.5,-2,1\n0.001,3.25,2\n-0,7,3\n");
  CHECK(s.run("export out.h5 --delimiter tab --no-header").out == "0.5\t-2\t1\n0.001\t3.25\t2\n-0\t7\t3\n");
  REQUIRE(s.run("export out.h5 -o back.csv").status == 0);
  CHECK(s.read("back.csv") == "a,b,id\n0.5,-2,1\n0.001,3.25,2\n-0,7,3\n");
}

TEST_CASE("cli: CSV from stdin, delimiters, forced header modes, limit", "[cli]") {
  Scratch s("stdin");
  REQUIRE(s.run("prepare -q --from - -o a.h5", "1;2\n3;4\n5;6\n").status == 0);
  CHECK(s.run("export a.h5").out == "x0,x1\n1,2\n3,4\n5,6\n");
  REQUIRE(s.run("prepare -q --from - --delimiter tab -o b.h5", "p\tq\n1\t2\n").status == 0);
  CHECK(s.run("export b.h5").out == "p,q\n1,2\n");
  // A numeric first line forced to be a header, and a non-numeric one forced to be data.
  REQUIRE(s.run("prepare -q --from - --header yes -o c.h5", "10,20\n1,2\n").status == 0);
  CHECK(s.run("export c.h5").out == "10,20\n1,2\n");
  // A first line of names forced to be data: its columns then hold text, so they are categorical.
  REQUIRE(s.run("prepare -q --from - --header no -o d.h5", "a,b\n1,2\n").status == 0);
  CHECK(s.run("export d.h5").out == "x0,x1\na,b\n1,2\n");
  REQUIRE(s.run("prepare -q --from - --limit 2 -o e.h5", "1\n2\n3\n4\n").status == 0);
  CHECK(s.run("export e.h5 --no-header").out == "1\n2\n");
}

TEST_CASE("cli: normalization is recorded and inverted exactly enough", "[cli]") {
  Scratch s("norm");
  REQUIRE(s.run("prepare -q --dist gaussian --dim 3 --mean 10 --std 4 -n 5000 -o raw.h5").status == 0);
  for (const std::string method : {"standard", "minmax"}) {
    INFO(method);
    REQUIRE(s.run("prepare -q --from raw.h5 --normalize " + method + " -o n.h5").status == 0);
    const json raw = info_json(s, "raw.h5");
    const json n = info_json(s, "n.h5");
    CHECK(n["normalization"]["method"] == method);
    if (method == "standard") {
      CHECK(double(n["columns"][1]["mean"]) == Approx(0).margin(1e-5));
      CHECK(double(n["columns"][1]["std"]) == Approx(1).epsilon(1e-5));
    } else {
      CHECK(double(n["columns"][1]["min"]) == Approx(-1).epsilon(1e-6));
      CHECK(double(n["columns"][1]["max"]) == Approx(1).epsilon(1e-6));
    }
    // Denormalized statistics equal the raw file's (computed independently by info).
    const json back = json::parse(s.run("info --json --denormalize n.h5").out);
    for (int c = 0; c < 3; ++c) {
      CHECK(double(back["columns"][c]["mean"]) == Approx(double(raw["columns"][c]["mean"])).epsilon(1e-5));
      CHECK(double(back["columns"][c]["std"]) == Approx(double(raw["columns"][c]["std"])).epsilon(1e-5));
    }
    CHECK(s.run("export n.h5 --denormalize").status == 0);
  }
  // The synthetic description survives an import of all columns.
  CHECK(info_json(s, "n.h5")["synthetic"]["distribution"] == "gaussian");
}

TEST_CASE("cli: split and shuffle keep every row exactly once", "[cli]") {
  Scratch s("split");
  std::string csv;
  for (int i = 0; i < 1000; ++i) csv += std::to_string(i) + "," + std::to_string(i * 2) + "\n";
  s.write("in.csv", csv);
  const auto sorted_rows = [&](const std::string& file) {
    auto lines = lines_of(s.run("export --no-header " + file).out);
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  for (const std::string shuffle : {"", " --shuffle"}) {
    INFO(shuffle);
    REQUIRE(s.run("prepare -q --from in.csv --split 0.2 --test-out test.h5 -o train.h5" + shuffle).status == 0);
    CHECK(info_json(s, "train.h5")["rows"] == 800);
    CHECK(info_json(s, "test.h5")["rows"] == 200);
    auto all = sorted_rows("train.h5");
    const auto test = sorted_rows("test.h5");
    all.insert(all.end(), test.begin(), test.end());
    std::sort(all.begin(), all.end());
    auto expected = lines_of(csv);
    std::sort(expected.begin(), expected.end());
    CHECK(all == expected);
  }
  REQUIRE(s.run("prepare -q --from in.csv --shuffle --seed 4 -o sh.h5").status == 0);
  const std::string shuffled = s.run("export --no-header sh.h5").out;
  CHECK(shuffled != csv);
  CHECK(sorted_rows("sh.h5").size() == 1000);
  REQUIRE(s.run("prepare -q --from in.csv --shuffle --seed 4 -o sh2.h5").status == 0);
  CHECK(s.run("export --no-header sh2.h5").out == shuffled);
  CHECK(s.files() == std::vector<std::string>{"in.csv", "sh.h5", "sh2.h5", "test.h5", "train.h5"});
}

TEST_CASE("cli: missing values are kept, and with non-finite values dropped on request", "[cli]") {
  Scratch s("nonfinite");
  s.write("in.csv", "a,b\n1,2\n3,nan\n5,\n7,8\n-inf,1\n");
  // 'nan' and an empty cell are missing values; -inf is a number.
  REQUIRE(s.run("prepare -q --from in.csv -o kept.h5").status == 0);
  CHECK(s.run("export kept.h5").out == "a,b\n1.0,2\n3.0,\n5.0,\n7.0,8\n-inf,1\n");
  // The MLP models refuse missing values; the tabular model (the default for a typed table)
  // models them, but not -inf.
  check_error(s.run("train --arch mlp --data kept.h5 --model m.h5 --steps 2"), 1, {"kept.h5", "'b'", "missing", "--drop-missing"});
  check_error(s.run("train --data kept.h5 --model m.h5 --steps 2"), 1, {"kept.h5", "'a'", "-inf", "--drop-nonfinite"});
  const Result r = s.run("prepare --from in.csv --drop-nonfinite --normalize standard -o out.h5");
  REQUIRE(r.status == 0);
  CHECK(r.err.find("dropped 3 rows") != std::string::npos);
  CHECK(s.run("export --denormalize --no-header out.h5").out == "1,2\n7,8\n");
}

TEST_CASE("cli: non-finite values in HDF5 input, empty and scalar datasets", "[cli]") {
  Scratch s("h5nonfinite");
  s.python(
      "import h5py, numpy as np\n"
      "with h5py.File('in.h5', 'w') as f:\n"
      "    a = np.arange(20, dtype=np.float64).reshape(10, 2); a[3, 1] = np.nan; a[7, 0] = np.inf\n"
      "    f['data'] = a\n"
      "    f['empty'] = np.zeros((0, 3))\n"
      "    f['scalar'] = 3.0\n");
  check_error(s.run("prepare --from in.h5 -o out.h5"), 1, {"in.h5", "row 3", "'x1'", "--drop-nonfinite"});
  const Result r = s.run("prepare --from in.h5 --drop-nonfinite -o out.h5");
  REQUIRE(r.status == 0);
  CHECK(r.err.find("dropped 2 rows") != std::string::npos);
  CHECK(info_json(s, "out.h5")["rows"] == 8);
  const json empty = info_json(s, "in.h5:/empty");
  CHECK(empty["rows"] == 0);
  CHECK(empty["columns"][0]["mean"].is_null());
  check_error(s.run("prepare --from in.h5:/empty -o e.h5"), 1, {"in.h5:/empty", "no rows"});
  check_error(s.run("info in.h5:/scalar"), 1, {"in.h5:/scalar", "scalar"});
  CHECK(s.files() == std::vector<std::string>{"in.h5", "out.h5", "py.txt"});
}

TEST_CASE("cli: files written by h5py read fine", "[cli]") {
  Scratch s("h5py");
  const std::string script =
      "import h5py, numpy as np\n"
      "with h5py.File('py.h5', 'w') as f:\n"
      "    f['x'] = np.arange(12, dtype=np.float64).reshape(6, 2) / 4\n"
      "    f['g/labels'] = np.array([3, 1, 4], dtype=np.int32)\n"
      "    d = f.create_dataset('data', data=np.ones((100, 3), dtype='>f4'), chunks=(7, 3), compression='gzip')\n"
      "    d.attrs['columns'] = ['u', 'v', 'w']\n";
  s.python(script);
  CHECK(s.run("export py.h5:/x").out == "x0,x1\n0,0.25\n0.5,0.75\n1,1.25\n1.5,1.75\n2,2.25\n2.5,2.75\n");
  CHECK(s.run("export --no-header py.h5:g/labels").out == "3\n1\n4\n");
  const json j = info_json(s, "py.h5");
  CHECK(j["rows"] == 100);
  CHECK(j["columns"][2]["name"] == "w");
  CHECK(j["columns"][2]["mean"] == 1.0);
  REQUIRE(s.run("prepare -q --from py.h5:/x --columns x1 -o one.h5").status == 0);
  CHECK(s.run("export --no-header one.h5").out == "0.25\n0.75\n1.25\n1.75\n2.25\n2.75\n");
  // And h5py reads what gantool writes.
  s.python("import h5py\nf = h5py.File('one.h5', 'r')\n"
           "print(f['data'].shape, f['data'].dtype, list(f['data'].attrs['columns']), f.attrs['format'])\n");
  CHECK(s.read("py.txt") == "(6, 1) float32 ['x1'] gantool-dataset\n");
}

TEST_CASE("cli: info lists the datasets of a file without /data", "[cli]") {
  Scratch s("listing");
  REQUIRE(s.run("prepare -q --dist ring -n 10 -o r.h5").status == 0);
  const Result r = s.run("info r.h5:/synthetic/modes");
  CHECK(r.status == 0);
  CHECK(r.out.find("8 rows × 2 columns, float64") != std::string::npos);
}

TEST_CASE("cli: bad input files give one clear line and exit 1", "[cli]") {
  Scratch s("badfiles");
  REQUIRE(s.run("prepare -q --dist ring -n 100000 -o good.h5").status == 0);
  s.write("text.h5", "hello\n");
  const std::string good = s.read("good.h5");
  s.write("cut.h5", good.substr(0, good.size() / 2));
  const std::string script =
      "import h5py, numpy as np\n"
      "with h5py.File('odd.h5', 'w') as f:\n"
      "    f['cube'] = np.zeros((2, 2, 2))\n"
      "    f['names'] = np.array([b'a', b'b'])\n";
  s.python(script);

  for (const std::string cmd : {"info", "export", "prepare -o out.h5 --from"}) {
    INFO(cmd);
    check_error(s.run(cmd + " missing.h5"), 1, {"missing.h5", "no such file"});
    check_error(s.run(cmd + " text.h5"), cmd.rfind("prepare", 0) == 0 ? 1 : 1, {"text.h5"});
    check_error(s.run(cmd + " cut.h5"), 1, {"cut.h5", "truncated"});
    check_error(s.run(cmd + " good.h5:/nope"), 1, {"good.h5", "no dataset '/nope'", "/data"});
    check_error(s.run(cmd + " odd.h5:/cube"), 1, {"odd.h5:/cube", "3-D"});
    check_error(s.run(cmd + " odd.h5:/names"), 1, {"odd.h5:/names", "not numbers"});
  }
  check_error(s.run("export odd.h5"), 1, {"odd.h5", "no dataset '/data'", "/cube"});
  CHECK(s.files() == std::vector<std::string>{"cut.h5", "good.h5", "odd.h5", "py.txt", "text.h5"});
}

TEST_CASE("cli: bad CSV gives the line and field", "[cli]") {
  Scratch s("badcsv");
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"a,b\n1,2\n3\n", {"bad.csv:3", "1 fields, expected 2"}},
      {"a,b\n1,2,3\n", {"bad.csv:2", "3 fields, expected 2"}},
      {"", {"bad.csv", "empty"}},
      {"a,b\n", {"bad.csv", "no data rows"}},
      {"a,b\n1,\"2\n", {"bad.csv:2", "unterminated"}},
  };
  for (const auto& [text, fragments] : cases) {
    INFO(text);
    s.write("bad.csv", text);
    const Result r = s.run("prepare --from bad.csv -o out.h5");
    INFO("stderr: " << r.err);
    CHECK(r.status == 1);
    CHECK(lines_of(r.err).size() == 1);
    for (const auto& f : fragments) CHECK(r.err.find(f) != std::string::npos);
    CHECK_FALSE(s.exists("out.h5"));
  }
  CHECK(s.files() == std::vector<std::string>{"bad.csv"});
  // Not errors: a word makes a column categorical, a number beyond float32 a float64 column.
  s.write("odd.csv", "a,b\n1,2\n3,x4\n");
  REQUIRE(s.run("prepare -q --from odd.csv -o odd.h5").status == 0);
  CHECK(s.run("export odd.h5").out == "a,b\n1,2\n3,x4\n");
  s.write("big.csv", "a,b\n1,1e39\n");
  REQUIRE(s.run("prepare -q --from big.csv -o big.h5").status == 0);
  CHECK(s.run("export big.h5").out == "a,b\n1,1e+39\n");
}

TEST_CASE("cli: bad and conflicting flags give exit 2", "[cli]") {
  Scratch s("badflags");
  s.write("in.csv", "a\n1\n2\n");
  check_error(s.run("prepare --dist ring"), 2, {"--out"});
  check_error(s.run("prepare -o x.h5"), 2, {"--dist", "--from"});
  check_error(s.run("prepare --dist ring --from in.csv -o x.h5"), 2, {"--dist", "--from"});
  check_error(s.run("prepare --dist rings -o x.h5"), 2, {"rings", "ring"});
  check_error(s.run("prepare --dist ring -n 0 -o x.h5"), 2, {"-n"});
  check_error(s.run("prepare --dist ring -n abc -o x.h5"), 2, {"abc"});
  check_error(s.run("prepare --dist ring --modes 0 -o x.h5"), 2, {"--modes"});
  check_error(s.run("prepare --dist grid --radius 3 -o x.h5"), 2, {"--radius", "grid"});
  check_error(s.run("prepare --dist ring --columns a -o x.h5"), 2, {"--columns"});
  check_error(s.run("prepare --from in.csv -n 5 -o x.h5"), 2, {"-n", "--limit"});
  check_error(s.run("prepare --from in.csv --std 1 -o x.h5"), 2, {"--std"});
  check_error(s.run("prepare --from in.csv --split 0.5 -o x.h5"), 2, {"--split", "--test-out"});
  check_error(s.run("prepare --from in.csv --split 1.5 --test-out t.h5 -o x.h5"), 2, {"--split"});
  check_error(s.run("prepare --from in.csv --split 0.1 --test-out t.h5 -o x.h5"), 2, {"--split", "0 test"});
  check_error(s.run("prepare --from in.csv --normalize zscore -o x.h5"), 2, {"--normalize", "zscore"});
  check_error(s.run("prepare --from in.csv --columns nope -o x.h5"), 2, {"in.csv", "'nope'"});
  check_error(s.run("prepare --from in.csv --delimiter ab -o x.h5"), 2, {"--delimiter"});
  check_error(s.run("prepare --from in.csv -o nodir/x.h5"), 1, {"nodir", "does not exist"});
  check_error(s.run("export in.csv"), 1, {"in.csv", "not an HDF5 file", "prepare --from"});
  check_error(s.run("info --bogus x.h5"), 2, {"--bogus"});
  check_error(s.run("prepare --from in.csv -o in.csv"), 2, {"-o in.csv", "overwrite the input"});
  check_error(s.run("prepare --from ./in.csv --split 0.5 --test-out in.csv -o x.h5"), 2, {"--test-out", "overwrite"});
  CHECK(s.files() == std::vector<std::string>{"in.csv"});
}

TEST_CASE("cli: a failed run never clobbers the previous good output", "[cli]") {
  Scratch s("clobber");
  REQUIRE(s.run("prepare -q --dist ring -n 100 -o out.h5").status == 0);
  const std::string before = s.read("out.h5");
  s.write("bad.csv", "a,b\n1,2\n3\n");
  CHECK(s.run("prepare --from bad.csv -o out.h5").status == 1);
  CHECK(s.read("out.h5") == before);
  CHECK(s.run("export out.h5 -o out.h5.csv --delimiter ab").status == 2);
  check_error(s.run("export out.h5 -o ./out.h5"), 2, {"overwrite the input"});
  CHECK(s.read("out.h5") == before);
  CHECK(s.files() == std::vector<std::string>{"bad.csv", "out.h5"});
}

TEST_CASE("cli: Ctrl-C leaves no partial file and keeps the previous output", "[cli]") {
  Scratch s("sigint");
  REQUIRE(s.run("prepare -q --dist ring -n 10 -o out.h5").status == 0);
  const std::string before = s.read("out.h5");
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    REQUIRE(chdir(s.dir.c_str()) == 0);
    execl(GANTOOL_BIN, "gantool", "prepare", "-q", "--dist", "ring", "-n", "300000000", "-o", "out.h5", nullptr);
    _exit(127);
  }
  // Wait until the temporary exists, so the signal arrives mid-write.
  bool started = false;
  for (int i = 0; i < 200 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    started = s.files().size() > 1;
  }
  CHECK(started);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGINT);
  CHECK(s.files() == std::vector<std::string>{"out.h5"});
  CHECK(s.read("out.h5") == before);
}

namespace {

// Runs "gantool ARGS" with stdout on /dev/full (a disk that is full); stderr is returned.
Result run_to_full_disk(const Scratch& s, const std::string& args) { return s.run_env("", args, "/dev/full"); }

}  // namespace

TEST_CASE("cli: results that cannot be written to stdout are an error, not exit 0", "[cli]") {
  Scratch s("stdout_full");
  REQUIRE(s.run("prepare -q --dist ring -n 300 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 2 --g-hidden 8 --d-hidden 8 --batch 16 --threads 1")
              .status == 0);
  // Commands that print results themselves: the one line of run_gantool.
  for (const std::string args : {"info ring.h5", "info --json ring.h5", "info gan.h5", "info --json gan.h5",
                                 "eval-jsd -q ring.h5 ring.h5 --bootstrap 0", "eval-modes ring.h5 --modes-from ring.h5",
                                 "eval-modes ring.h5 --modes-from gan.h5 --json", "train --print-config"}) {
    const Result r = run_to_full_disk(s, args);
    INFO(args << "\nstderr: " << r.err);
    CHECK(r.status == 1);
    const auto lines = lines_of(r.err);
    REQUIRE(!lines.empty());
    CHECK(lines.back() == "gantool: error: cannot write to standard output: No space left on device");
  }
  // Commands that stream rows (CSV on stdout through the row writer).
  for (const std::string args : {"export ring.h5", "export ring.h5 -o -", "sample -q --model gan.h5 -n 10 -o -",
                                 "score -q --model gan.h5 ring.h5 -o -"}) {
    const Result r = run_to_full_disk(s, args);
    INFO(args << "\nstderr: " << r.err);
    CHECK(r.status == 1);
    CHECK(lines_of(r.err).size() == 1);
    CHECK(r.err.find("standard output: cannot write: no space left on device (disk full)") != std::string::npos);
  }
  // A reader that stops early (head) ends gantool by SIGPIPE, quietly, as any Unix filter.
  REQUIRE(s.run("prepare -q --dist ring -n 1000000 -o big.h5").status == 0);  // more than a pipe holds
  s.write("pipe.sh", std::string(GANTOOL_BIN) + " export big.h5 2> err.txt | head -1 > /dev/null; echo ${PIPESTATUS[0]}");
  REQUIRE(std::system(("cd '" + s.dir.string() + "' && bash pipe.sh > status.txt").c_str()) == 0);
  CHECK(s.read("status.txt") == std::to_string(128 + SIGPIPE) + "\n");
  CHECK(s.read("err.txt").empty());
}

TEST_CASE("cli: a negative --seed is refused by every command that takes one", "[cli]") {
  Scratch s("seed");
  REQUIRE(s.run("prepare -q --dist ring -n 300 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 2 --g-hidden 8 --d-hidden 8 --batch 16 --threads 1")
              .status == 0);
  for (const std::string args : {"prepare --dist ring -o x.h5 --seed -1", "train --print-config --seed -1",
                                 "train --data ring.h5 --model m.h5 --seed=-5", "sample --model gan.h5 -n 5 -o x.h5 --seed -1",
                                 "eval-jsd ring.h5 ring.h5 --seed -1"})
    check_error(s.run(args), 2, {"--seed", "-"});
  s.write("neg.toml", "[train]\nseed=-1\n");
  check_error(s.run("train --config neg.toml --print-config"), 2, {"--seed"});
  CHECK(s.run("train --print-config --seed 18446744073709551615").status == 0);
  CHECK(!s.exists("x.h5"));
  CHECK(!s.exists("m.h5"));
}

TEST_CASE("cli: --config must be a readable text file", "[cli]") {
  Scratch s("config");
  REQUIRE(s.run("prepare -q --dist ring -n 30 -o ring.h5").status == 0);
  check_error(s.run("train --config ring.h5 --print-config"), 2, {"--config", "ring.h5", "not a text file", "NUL"});
  check_error(s.run("train --config /bin/ls --print-config"), 2, {"/bin/ls", "not a text file"});
  s.write("latin1.toml", "[train]\nloss=\"caf\xe9\"\n");
  check_error(s.run("train --config latin1.toml --print-config"), 2, {"latin1.toml", "invalid UTF-8", "byte 17"});
  check_error(s.run("train --config missing.toml --print-config"), 2, {"missing.toml"});
  check_error(s.run("train --config . --print-config"), 2, {"'.'"});
  s.write("ok.toml", "# caf\xc3\xa9\n[train]\nsteps=7\n");
  const Result r = s.run("train --config ok.toml --print-config");
  CHECK(r.status == 0);
  CHECK(r.out.find("steps=7") != std::string::npos);
}
