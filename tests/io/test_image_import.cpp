// Tests of image import (io/image_import): PNG folders flat and with class folders (sorted
// classes, files sorted by path, hidden names and other files skipped), the first images
// only, and the folders refused: mixed sizes, loose files beside classes, an empty class.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core/error.hpp"
#include "io/image_import.hpp"
#include "io/png.hpp"
#include "scratch.hpp"

using namespace gantool;
namespace fs = std::filesystem;

namespace {

// A grey h × w image of one value.
Image flat(uint8_t value, int64_t h = 3, int64_t w = 2, int64_t channels = 1) {
  return Image{channels, h, w, std::vector<uint8_t>(static_cast<size_t>(channels * h * w), value)};
}

}  // namespace

TEST_CASE("image import: a flat PNG folder, files by name", "[image]") {
  gantool_test::ScratchDir s("import_flat");
  fs::create_directories(s / "pics");
  write_png(s / "pics/b.png", flat(2));
  write_png(s / "pics/a.PNG", flat(1));
  write_png(s / "pics/c.png", flat(3));
  write_png(s / "pics/.hidden.png", flat(9, 5, 5));
  s.write("pics/notes.txt", "not an image");
  const ImageSet set = import_png_folder(s / "pics", -1);
  CHECK(set.count == 3);
  CHECK(set.shape == std::vector<int64_t>{1, 3, 2});
  CHECK_FALSE(set.labels);
  CHECK(set.pixels[0] == 1);
  CHECK(set.pixels[6] == 2);
  CHECK(set.pixels[12] == 3);
  CHECK(import_png_folder(s / "pics", 2).count == 2);
}

TEST_CASE("image import: class folders are the labels, sorted by name", "[image]") {
  gantool_test::ScratchDir s("import_classes");
  for (const char* dir : {"zebra", "ant", "cat/more"}) fs::create_directories(s / (std::string("pics/") + dir));
  write_png(s / "pics/zebra/1.png", flat(30, 3, 2, 3));
  write_png(s / "pics/ant/2.png", flat(11, 3, 2, 3));
  write_png(s / "pics/ant/1.png", flat(10, 3, 2, 3));
  write_png(s / "pics/cat/more/x.png", flat(21, 3, 2, 3));
  write_png(s / "pics/cat/a.png", flat(20, 3, 2, 3));
  const ImageSet set = import_png_folder(s / "pics", -1);
  REQUIRE(set.count == 5);
  CHECK(set.shape == std::vector<int64_t>{3, 3, 2});
  REQUIRE(set.labels);
  CHECK(set.labels->names == std::vector<std::string>{"ant", "cat", "zebra"});
  CHECK(set.labels->values == std::vector<int64_t>{0, 0, 1, 1, 2});
  std::vector<int> firsts;
  for (int64_t i = 0; i < 5; ++i) firsts.push_back(set.pixels[static_cast<size_t>(i * 18)]);
  CHECK(firsts == std::vector<int>{10, 11, 20, 21, 30});  // "a.png" < "more/x.png" by path
  const ImageSet first = import_png_folder(s / "pics", 3);
  CHECK(first.labels->values == std::vector<int64_t>{0, 0, 1});
  CHECK(first.labels->names.size() == 3);  // every class keeps its name
}

TEST_CASE("image import: mixed sizes, loose files and empty classes are refused", "[image]") {
  gantool_test::ScratchDir s("import_bad");
  fs::create_directories(s / "mixed");
  write_png(s / "mixed/a.png", flat(1, 28, 28));
  write_png(s / "mixed/b.png", flat(1, 28, 28));
  write_png(s / "mixed/c.png", flat(1, 32, 28, 3));
  CHECK_THROWS_WITH(import_png_folder(s / "mixed", -1),
                    Catch::Contains(s / "mixed/c.png") && Catch::Contains("3×32×28 RGB pixels") &&
                        Catch::Contains("the images before it are 1×28×28 grey") && Catch::Contains("mixed/a.png"));
  CHECK(import_png_folder(s / "mixed", 2).count == 2);  // the first two agree

  fs::create_directories(s / "loose/shoes");
  write_png(s / "loose/shoes/1.png", flat(1));
  write_png(s / "loose/stray.png", flat(1));
  CHECK_THROWS_WITH(import_png_folder(s / "loose", -1),
                    Catch::Contains("stray.png: lies beside the class folders") && Catch::Contains("move it"));

  fs::create_directories(s / "empty/full");
  fs::create_directories(s / "empty/none");
  write_png(s / "empty/full/1.png", flat(1));
  CHECK_THROWS_WITH(import_png_folder(s / "empty", -1),
                    Catch::Contains(s / "empty/none") && Catch::Contains("a class folder without PNG files"));

  fs::create_directories(s / "nothing");
  CHECK_THROWS_WITH(import_png_folder(s / "nothing", -1), Catch::Contains("holds no PNG files"));
}
