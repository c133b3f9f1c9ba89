// Tests of temporary outputs: renamed into place on commit, removed otherwise.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

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

TEST_CASE("a symbolic link as target: the file it names is replaced, the link stays", "[tempfile]") {
  const fs::path dir = fs::temp_directory_path() / "gantool_test_tempfile_link";
  fs::remove_all(dir);
  fs::create_directories(dir / "runs");
  std::ofstream(dir / "runs" / "model.txt") << "old";
  fs::create_symlink("runs/model.txt", dir / "latest.txt");
  {
    TempFile temp((dir / "latest.txt").string());
    CHECK(fs::path(temp.path()).parent_path() == dir / "runs");  // beside the real file
    std::ofstream(temp.path()) << "new";
    temp.commit();
  }
  CHECK(fs::is_symlink(dir / "latest.txt"));
  std::string content;
  std::ifstream(dir / "runs" / "model.txt") >> content;
  CHECK(content == "new");
  fs::remove_all(dir);
}

TEST_CASE("a device, a pipe or a folder as target is refused, and left as it is", "[tempfile]") {
  const fs::path dir = fs::temp_directory_path() / "gantool_test_tempfile_special";
  fs::remove_all(dir);
  fs::create_directories(dir);
  REQUIRE_THROWS_WITH(TempFile("/dev/null"), Catch::Contains("/dev/null") && Catch::Contains("not a regular file"));
  CHECK(fs::is_character_file("/dev/null"));
  const std::string fifo = (dir / "pipe").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  REQUIRE_THROWS_WITH(TempFile(fifo), Catch::Contains("not a regular file"));
  CHECK(fs::is_fifo(fifo));
  CHECK(is_stream_target(fifo));
  CHECK(is_stream_target("/dev/null"));
  CHECK_FALSE(is_stream_target((dir / "missing.csv").string()));
  REQUIRE_THROWS_WITH(TempFile(dir.string()), Catch::Contains("is a folder"));
  fs::remove_all(dir);
}

TEST_CASE("temporaries left by a killed process are removed at the next write of the same output", "[tempfile]") {
  const fs::path dir = fs::temp_directory_path() / "gantool_test_tempfile_stale";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string target = (dir / "out.h5").string();
  const std::string prefix = temp_prefix(target);
  CHECK(fs::path(prefix).filename().string() == ".out.h5.gantool-tmp-");
  // A process id above Linux's maximum (2^22) never runs; this process's own stays.
  const std::string dead = prefix + "4194305-0", mine = prefix + std::to_string(getpid()) + "-99";
  const std::string other = (dir / ".other.h5.gantool-tmp-4194305-0").string();
  for (const auto& f : {dead, mine, other}) std::ofstream(f) << "partial";
  {
    TempFile temp(target);
    CHECK_FALSE(fs::exists(dead));
    CHECK(fs::exists(mine));
    CHECK(fs::exists(other));  // another output's temporaries are not touched
  }
  fs::remove_all(dir);
}

TEST_CASE("a 255-byte output name gets a temporary within the file-name limit", "[tempfile]") {
  const fs::path dir = fs::temp_directory_path() / "gantool_test_tempfile_long";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (size_t length : {200, 250, 255}) {
    const std::string name = std::string(length - 3, 'a') + ".h5";
    const std::string target = (dir / name).string();
    {
      TempFile temp(target);
      CHECK(fs::path(temp.path()).filename().string().size() <= 255);
      std::ofstream(temp.path()) << "x";
      temp.commit();
    }
    CHECK(fs::exists(target));
  }
  // Two long names that differ only at the end do not share temporaries.
  const std::string a = (dir / (std::string(250, 'b') + "1.h5")).string();
  const std::string b = (dir / (std::string(250, 'b') + "2.h5")).string();
  CHECK(temp_prefix(a) != temp_prefix(b));
  REQUIRE_THROWS_WITH(TempFile((dir / (std::string(256, 'c'))).string()), Catch::Contains("longer than 255"));
  fs::remove_all(dir);
}
