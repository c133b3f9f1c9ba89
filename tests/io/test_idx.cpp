// Tests of idx files (io/idx): images and labels read from plain and gzipped files written
// here byte by byte, the first images only (--limit), and every damaged file named in one
// message: missing, wrong magic, truncated, a damaged gzip stream.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/idx.hpp"
#include "scratch.hpp"

using namespace gantool;

namespace {

// The big-endian bytes of an idx header: magic, then the sizes.
std::string idx_header(uint32_t magic, const std::vector<uint32_t>& sizes) {
  std::string out;
  for (uint32_t v : [&] { std::vector<uint32_t> all{magic}; all.insert(all.end(), sizes.begin(), sizes.end()); return all; }())
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
  return out;
}

// n images of h × w whose pixel (i, y, x) is (7i + 3y + x) mod 256.
std::string idx_images(uint32_t n, uint32_t h, uint32_t w) {
  std::string out = idx_header(0x803, {n, h, w});
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t y = 0; y < h; ++y)
      for (uint32_t x = 0; x < w; ++x) out.push_back(static_cast<char>((7 * i + 3 * y + x) % 256));
  return out;
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

void check_pixels(const IdxImages& images, int64_t n, int64_t h, int64_t w) {
  REQUIRE(images.read == n);
  REQUIRE(images.pixels.size() == static_cast<size_t>(n * h * w));
  bool same = true;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        same = same && images.pixels[static_cast<size_t>((i * h + y) * w + x)] == (7 * i + 3 * y + x) % 256;
  CHECK(same);
}

}  // namespace

TEST_CASE("idx: images and labels, plain and gzipped, all or the first", "[idx]") {
  gantool_test::ScratchDir s("idx_read");
  s.write("img-idx3-ubyte", idx_images(50, 5, 3));
  write_gz(s / "img-idx3-ubyte.gz", idx_images(50, 5, 3));
  std::string labels = idx_header(0x801, {50});
  for (int i = 0; i < 50; ++i) labels.push_back(static_cast<char>(i % 10));
  s.write("lab-idx1-ubyte", labels);
  write_gz(s / "lab-idx1-ubyte.gz", labels);

  for (const char* name : {"img-idx3-ubyte", "img-idx3-ubyte.gz"}) {
    INFO(name);
    const IdxImages all = read_idx_images(s / name);
    CHECK(all.count == 50);
    CHECK(all.height == 5);
    CHECK(all.width == 3);
    check_pixels(all, 50, 5, 3);
    const IdxImages first = read_idx_images(s / name, 7);
    CHECK(first.count == 50);
    check_pixels(first, 7, 5, 3);
    CHECK(read_idx_images(s / name, 1000).read == 50);
  }
  for (const char* name : {"lab-idx1-ubyte", "lab-idx1-ubyte.gz"}) {
    const IdxLabels all = read_idx_labels(s / name);
    CHECK(all.count == 50);
    REQUIRE(all.values.size() == 50);
    CHECK(all.values[13] == 3);
    CHECK(read_idx_labels(s / name, 4).values == std::vector<int64_t>{0, 1, 2, 3});
  }
}

TEST_CASE("idx: looks_like_idx by name or by its first bytes", "[idx]") {
  gantool_test::ScratchDir s("idx_sniff");
  s.write("images.bin", idx_images(1, 2, 2));
  write_gz(s / "images.bin.gz", idx_images(1, 2, 2));
  s.write("table.csv", "a,b\n1,2\n");
  CHECK(looks_like_idx(s / "images.bin"));
  CHECK(looks_like_idx(s / "images.bin.gz"));
  CHECK(looks_like_idx(s / "missing-idx3-ubyte.gz"));  // by name: read_idx_images names what is wrong
  CHECK_FALSE(looks_like_idx(s / "table.csv"));
  CHECK_FALSE(looks_like_idx(s / "missing.csv"));
}

TEST_CASE("idx: every damaged file is one message naming it", "[idx]") {
  gantool_test::ScratchDir s("idx_errors");
  const std::string good = idx_images(20, 4, 4);
  const auto refused = [&](const std::string& file, std::initializer_list<std::string> fragments) {
    INFO(file);
    try {
      read_idx_images(s / file);
      FAIL("no error");
    } catch (const Error& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(what.find(s / file) == 0);
      for (const auto& f : fragments) CHECK(what.find(f) != std::string::npos);
      CHECK(what.find('\n') == std::string::npos);
    }
  };
  refused("missing-idx3-ubyte", {"no such file"});
  s.write("short-idx3-ubyte", good.substr(0, good.size() - 5));
  refused("short-idx3-ubyte", {"truncated", "the 20 images of 4×4 pixels"});
  s.write("header-idx3-ubyte", good.substr(0, 9));
  refused("header-idx3-ubyte", {"truncated", "the header's sizes"});
  s.write("text-idx3-ubyte", "GIF89a... not an idx file at all");
  refused("text-idx3-ubyte", {"not an idx file", "0x47494638", "0x00000803"});
  s.write("labels-idx3-ubyte", idx_header(0x801, {20}) + std::string(20, '\1'));
  refused("labels-idx3-ubyte", {"unsigned byte values in 1 dimensions", "labels go to --labels"});
  s.write("float-idx3-ubyte", idx_header(0xD03, {1, 1, 1}) + std::string(4, '\0'));
  refused("float-idx3-ubyte", {"float32 values in 3 dimensions", "not idx3-ubyte images"});
  s.write("empty-idx3-ubyte", idx_header(0x803, {0, 28, 28}));
  refused("empty-idx3-ubyte", {"holds no images"});
  s.write("huge-idx3-ubyte", idx_header(0x803, {1, 65536, 65536}));
  refused("huge-idx3-ubyte", {"65536×65536", "damaged file"});

  // A gzip stream cut short, and one with damaged bytes in the middle.
  write_gz(s / "whole-idx3-ubyte.gz", good);
  const std::string gz = s.read("whole-idx3-ubyte.gz");
  s.write("cut-idx3-ubyte.gz", gz.substr(0, gz.size() / 2));
  refused("cut-idx3-ubyte.gz", {"the gzip stream ends early", "truncated"});
  std::string damaged = gz;
  for (size_t i = 20; i < 40 && i < damaged.size(); ++i) damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
  s.write("bad-idx3-ubyte.gz", damaged);
  try {
    read_idx_images(s / "bad-idx3-ubyte.gz");
    FAIL("no error");
  } catch (const Error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find(s / "bad-idx3-ubyte.gz") == 0);
    CHECK((what.find("gzip") != std::string::npos || what.find("truncated") != std::string::npos));
  }
  // Labels given where images are expected are named as such; images as labels too.
  CHECK_THROWS_WITH(read_idx_labels(s / "short-idx3-ubyte"), Catch::Contains("images go to --from"));
}
