// Tests of temporary outputs: renamed into place on commit, removed otherwise.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/tempfile.hpp"

using namespace gantool;
namespace fs = std::filesystem;

TEST_CASE("a committed temporary replaces the target, an abandoned one leaves no trace", "[tempfile]") {
  const fs::path dir = fs::temp_directory_path() / "gantool_test_tempfile";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string target = (dir / "out.txt").string();
  std::ofstream(target) << "old";
  {
    TempFile temp(target);
    CHECK(fs::path(temp.path()).parent_path() == dir);  // same folder: rename is atomic
    std::ofstream(temp.path()) << "half";
  }
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
  std::string content;
  std::ifstream(target) >> content;
  CHECK(content == "old");  // the previous good output survives
  {
    TempFile temp(target);
    std::ofstream(temp.path()) << "new";
    temp.commit();
  }
  std::ifstream(target) >> content;
  CHECK(content == "new");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
  fs::remove_all(dir);
}

TEST_CASE("a temporary in a missing folder is refused with the folder named", "[tempfile]") {
  REQUIRE_THROWS_WITH(TempFile("/nonexistent_gantool_dir/x.h5"),
                      Catch::Contains("/nonexistent_gantool_dir") && Catch::Contains("does not exist"));
}
