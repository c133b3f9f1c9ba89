// Running the gantool binary from tests: a scratch folder, exit status and output, and the
// contract every error must meet.
#pragma once

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scratch.hpp"

namespace gantool_test {

using nlohmann::json;
namespace fs = std::filesystem;


// True in make test-sanitize's build (AddressSanitizer and UBSan).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
// Peak-memory bounds are the release build's: under AddressSanitizer its shadow memory and
// quarantine (up to 256 MB) dwarf them, and it needs more address space than a ulimit -v
// test allows, so those checks are skipped there.
inline constexpr bool kMeasuresMemory = !kSanitized;

struct Result {
  int status = -1;  // exit code
  std::string out, err;
};

// Runs the gantool binary in a scratch folder.
struct Scratch : gantool_test::ScratchDir {
  explicit Scratch(const std::string& name) : ScratchDir("cli_" + name) {}

  // The shell command that runs "ENV gantool ARGS" in the scratch folder, stdin from
  // .stdin, stdout to `out`, stderr to .stderr; run it, then collect() its wait status.
  std::string command(const std::string& args, const std::string& env = "", const std::string& out = ".stdout") const {
    return "cd '" + dir.string() + "' && " + env + (env.empty() ? "" : " ") + "exec " + GANTOOL_BIN + " " + args +
           " < .stdin > " + out + " 2> .stderr";
  }
  // The Result of a command() that ended with wait status `raw`; removes its files.
  Result collect(int raw) const {
    Result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    r.out = read(".stdout");
    r.err = read(".stderr");
    for (const char* f : {".stdin", ".stdout", ".stderr"}) fs::remove(dir / f);
    return r;
  }
  // Runs "gantool ARGS" in the scratch folder (stdin from `input`).
  Result run(const std::string& args, const std::string& input = "") const {
    write(".stdin", input);
    return collect(std::system(command(args).c_str()));
  }
  // Runs "ENV gantool ARGS" with stdout to `out`; ENV: variable assignments, or shell
  // commands ending in ';' (e.g. "ulimit -v 1000000;").
  Result run_env(const std::string& env, const std::string& args, const std::string& out = ".stdout") const {
    write(".stdin", "");
    return collect(std::system(command(args, env, out).c_str()));
  }
  // Runs a Python script with Debian's python3 (and its h5py) in the scratch folder.
  void python(const std::string& script) const {
    write("script.py", script);
    REQUIRE(std::system(("cd '" + dir.string() + "' && /usr/bin/python3 script.py > py.txt").c_str()) == 0);
    fs::remove(dir / "script.py");
  }
  // Copies the HDF5 file `from` to `to`, then runs a Python statement on the copy, opened
  // with h5py as f (numpy as np): a damaged file for a reader's tests.
  void damaged_copy(const std::string& from, const std::string& to, const std::string& statement) const {
    python("import h5py, numpy as np, shutil\nshutil.copy('" + from + "', '" + to + "')\nwith h5py.File('" + to +
           "', 'a') as f:\n    " + statement + "\n");
  }
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The contract for bad input: exit code, exactly one line on stderr containing every
// expected fragment, no HDF5 error dump, nothing on stdout.
inline void check_error(const Result& r, int status, std::initializer_list<std::string> fragments) {
  INFO("stderr: " << r.err);
  CHECK(r.status == status);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(r.err.rfind("gantool: error: ", 0) == 0);
  for (const auto& f : fragments) CHECK(r.err.find(f) != std::string::npos);
  CHECK(r.err.find("HDF5-DIAG") == std::string::npos);
  CHECK(r.out.empty());
}

inline json info_json(const Scratch& s, const std::string& file) {
  const Result r = s.run("info --json " + file);
  REQUIRE(r.status == 0);
  return json::parse(r.out);
}


}  // namespace gantool_test
