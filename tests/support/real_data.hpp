// The real tables of the tests: adult.csv shipped gzipped in data/ (decompressed once per
// test process), penguins.csv and seattle-weather.csv from Debian packages (installed by
// make test; a missing one fails the test with the package to install).
#pragma once

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace gantool_test {

inline const std::string kPenguinsCsv = "/usr/lib/R/site-library/palmerpenguins/extdata/penguins.csv";
inline const std::string kSeattleCsv = "/usr/lib/python3/dist-packages/vega_datasets/_data/seattle-weather.csv";

// The path of a Debian package's file, after checking that it is there.
inline std::string packaged(const std::string& path, const std::string& package) {
  if (!std::filesystem::exists(path)) FAIL(path << " is missing: apt-get install " << package << " (make test does)");
  return path;
}

inline std::string penguins_csv() { return packaged(kPenguinsCsv, "r-cran-palmerpenguins"); }
inline std::string seattle_csv() { return packaged(kSeattleCsv, "python3-vega-datasets"); }

// data/adult.csv.gz decompressed to a file of this process (removed at exit).
inline std::string adult_csv() {
  static const std::string path = [] {
    const std::string out = (std::filesystem::temp_directory_path() /
                             ("gantool_test_adult_" + std::to_string(getpid()) + ".csv")).string();
    const std::string cmd = "gzip -dc '" GANTOOL_SOURCE_DIR "/data/adult.csv.gz' > '" + out + "'";
    if (std::system(cmd.c_str()) != 0) FAIL("cannot decompress data/adult.csv.gz: " << cmd);
    static struct Remover {
      std::string file;
      ~Remover() { std::filesystem::remove(file); }
    } remover{out};
    return out;
  }();
  return path;
}

}  // namespace gantool_test
