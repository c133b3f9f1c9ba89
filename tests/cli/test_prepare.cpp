// End-to-end tests of `gantool prepare --from` on input that is not a plain CSV file of
// numbers: binary data, UTF-16, old Mac line ends, duplicate column names, lines too long
// or too wide (with the memory they take), and inputs that are not regular files.
#include <catch2/catch.hpp>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "cli/run.hpp"

extern char** environ;

using namespace gantool_test;

namespace {

// Runs "gantool ARGS" in the scratch folder like Scratch::run, and sets peak_kb to the
// largest resident set size the process reached, in KiB.
Result run_measured(const Scratch& s, const std::string& args, long& peak_kb) {
  s.write(".stdin", "");
  const std::string cmd = s.command(args);
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  int raw = 0;
  rusage usage{};
  REQUIRE(wait4(pid, &raw, 0, &usage) == pid);
  peak_kb = usage.ru_maxrss;
  return s.collect(raw);
}

}  // namespace

TEST_CASE("prepare: binary input stops at once with one clear line", "[cli][prepare]") {
  Scratch s("prepare_binary");
  s.write("zeros.csv", std::string(5 << 20, '\0'));
  check_error(s.run("prepare --from zeros.csv -o out.h5"), 1,
              {"zeros.csv:1: a NUL byte", "not a text CSV file"});
  s.write("nul.csv", std::string("a,b\n1,2\n3\0,4\n", 13));
  check_error(s.run("prepare --from nul.csv -o out.h5"), 1, {"nul.csv:3: a NUL byte"});
  check_error(s.run("prepare --from - -o out.h5", std::string("x\0y\n", 4)), 1, {"<stdin>:1: a NUL byte"});
  // Endless binary input: memory does not grow; the error comes after the first block.
  long peak_kb = 0;
  check_error(run_measured(s, "prepare --from /dev/zero -o out.h5", peak_kb), 1, {"/dev/zero:1: a NUL byte"});
  if (kMeasuresMemory) CHECK(peak_kb < 200 * 1024);
  CHECK(s.files() == std::vector<std::string>{"nul.csv", "zeros.csv"});
}

TEST_CASE("prepare: UTF-16 input is named, with the command that converts it", "[cli][prepare]") {
  Scratch s("prepare_utf16");
  // "a,b\n1,2\n" in UTF-16, as Windows tools write it: little-endian with a byte order mark.
  s.write("u16.csv", std::string("\xFF\xFE" "a\0,\0b\0\r\0\n\0" "1\0,\0" "2\0\r\0\n\0", 22));
  check_error(s.run("prepare --from u16.csv -o out.h5"), 1,
              {"u16.csv: UTF-16 text", "convert it to UTF-8 first", "iconv -f UTF-16 -t UTF-8"});
  CHECK_FALSE(s.exists("out.h5"));
}

TEST_CASE("prepare: a column name that is not UTF-8 is refused, not stored", "[cli][prepare]") {
  Scratch s("prepare_latin1");
  s.write("latin1.csv", "gr\xF6\xDF" "e,b\n1,2\n");
  check_error(s.run("prepare --from latin1.csv -o out.h5"), 1,
              {"latin1.csv: the name of column 1, 'gr\\xf6\\xdfe', is not UTF-8", "iconv"});
  REQUIRE(s.run("prepare -q --from latin1.csv --columns 2 -o out.h5").status == 0);
  CHECK(info_json(s, "out.h5")["columns"][0]["name"] == "b");
}

TEST_CASE("prepare: old Mac line ends (CR only) are read as line ends", "[cli][prepare]") {
  Scratch s("prepare_cr");
  s.write("mac.csv", "a,b\r1,2\r3,4\r");
  const Result r = s.run("prepare -q --from mac.csv -o out.h5");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(info_json(s, "out.h5")["rows"] == 2);
  REQUIRE(s.run("export out.h5 -o back.csv").status == 0);
  CHECK(s.read("back.csv") == "a,b\n1,2\n3,4\n");
}

TEST_CASE("prepare: duplicate column names are refused unless --columns avoids them", "[cli][prepare]") {
  Scratch s("prepare_dup");
  s.write("dup.csv", "a,b,a\n1,2,3\n4,5,6\n");
  check_error(s.run("prepare --from dup.csv -o out.h5"), 1,
              {"dup.csv", "columns 1 and 3 are both named 'a'", "--columns"});
  check_error(s.run("prepare --from dup.csv --columns a,b -o out.h5"), 2,
              {"dup.csv", "columns 1 and 3 are both named 'a'", "by number"});
  CHECK_FALSE(s.exists("out.h5"));
  REQUIRE(s.run("prepare -q --from dup.csv --columns 3,b -o out.h5").status == 0);
  const json columns = info_json(s, "out.h5")["columns"];
  REQUIRE(columns.size() == 2);
  CHECK(columns[0]["name"] == "a");
  CHECK(columns[1]["name"] == "b");
}

TEST_CASE("prepare: a line too long or too wide is refused; memory stays bounded", "[cli][prepare]") {
  Scratch s("prepare_long");
  std::string wide;  // 4 MB: 2 million fields
  for (int i = 0; i < 2000000; ++i) wide += "1,";
  s.write("wide.csv", wide + "1\n");
  long peak_kb = 0;
  check_error(run_measured(s, "prepare --from wide.csv -o out.h5", peak_kb), 1,
              {"wide.csv:1: more than 262144 fields in one record", "--delimiter"});
  if (kMeasuresMemory) CHECK(peak_kb < 200 * 1024);

  s.write("long.csv", "a\n" + std::string(10 << 20, '1') + "\n");
  check_error(run_measured(s, "prepare --from long.csv -o out.h5", peak_kb), 1,
              {"long.csv:2: field 1 is longer than 1 MiB"});
  if (kMeasuresMemory) CHECK(peak_kb < 200 * 1024);

  // 200,000 columns, two kept: memory in proportion to the 1.2 MB line.
  std::string header, row;
  for (int i = 0; i < 200000; ++i) {
    header += (i ? ",c" : "c") + std::to_string(i);
    row += i ? ",0.5" : "0.5";
  }
  s.write("ok.csv", header + "\n" + row + "\n" + row + "\n");
  const Result r = run_measured(s, "prepare -q --from ok.csv --columns c7,c199999 -o out.h5", peak_kb);
  INFO(r.err);
  CHECK(r.status == 0);
  if (kMeasuresMemory) CHECK(peak_kb < 200 * 1024);
  CHECK(s.files() == std::vector<std::string>{"long.csv", "ok.csv", "out.h5", "wide.csv"});
}

TEST_CASE("prepare: --from a FIFO, a folder, an unreadable file or stdin", "[cli][prepare]") {
  Scratch s("prepare_special");
  // A FIFO is read once, as a stream; it is not probed as HDF5 first (that would eat bytes).
  REQUIRE(mkfifo((s / "pipe.csv").c_str(), 0600) == 0);
  REQUIRE(std::system(("(printf 'a,b\\n1,2\\n3,4\\n' > '" + (s / "pipe.csv") + "' &)").c_str()) == 0);
  const Result fifo = s.run("prepare -q --from pipe.csv -o fifo.h5");
  INFO(fifo.err);
  REQUIRE(fifo.status == 0);
  CHECK(info_json(s, "fifo.h5")["rows"] == 2);

  fs::create_directory(s.dir / "folder");
  check_error(s.run("prepare --from folder -o out.h5"), 1, {"folder: is a folder, not a CSV file"});
  check_error(s.run("prepare --from /proc/self/mem -o out.h5"), 1, {"/proc/self/mem: read error"});
  if (geteuid() != 0) {  // root reads any file
    s.write("secret.csv", "a\n1\n");
    REQUIRE(chmod((s / "secret.csv").c_str(), 0) == 0);
    check_error(s.run("prepare --from secret.csv -o out.h5"), 1, {"secret.csv: cannot read", "Permission denied"});
  }
  check_error(s.run("prepare --from - -o out.h5"), 1, {"<stdin>: empty input"});
  REQUIRE(s.run("prepare -q --from - -o stdin.h5", "x\n1\n2\n3\n").status == 0);
  CHECK(info_json(s, "stdin.h5")["rows"] == 3);
  CHECK_FALSE(s.exists("out.h5"));
}
