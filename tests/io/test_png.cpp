// Tests of PNG files (io/png): gantool's writer read back by itself and by Python's PIL, and
// what the reader makes of the PNG kinds PIL writes: palette, 1-bit and 16-bit grey, grey
// with alpha, RGBA, transparency; bad files named in one message.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "io/png.hpp"
#include "scratch.hpp"

using namespace gantool;

namespace {

void python(const gantool_test::ScratchDir& s, const std::string& script) {
  s.write("script.py", "import numpy as np\nfrom PIL import Image\n" + script);
  REQUIRE(std::system(("cd '" + s.dir.string() + "' && /usr/bin/python3 script.py > py.txt").c_str()) == 0);
}

// An image whose pixel (c, y, x) is (40c + 11y + 3x) mod 256.
Image pattern(int64_t channels, int64_t h, int64_t w) {
  Image image{channels, h, w, {}};
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) image.pixels.push_back(static_cast<uint8_t>((40 * c + 11 * y + 3 * x) % 256));
  return image;
}

}  // namespace

TEST_CASE("png: grey and RGB images written and read back, by gantool and by PIL", "[png]") {
  gantool_test::ScratchDir s("png_round_trip");
  const Image grey = pattern(1, 5, 7), rgb = pattern(3, 4, 6);
  write_png(s / "grey.png", grey);
  write_png(s / "rgb.png", rgb);
  const Image grey_back = read_png(s / "grey.png"), rgb_back = read_png(s / "rgb.png");
  CHECK(grey_back.channels == 1);
  CHECK(grey_back.height == 5);
  CHECK(grey_back.width == 7);
  CHECK(grey_back.pixels == grey.pixels);
  CHECK(rgb_back.channels == 3);
  CHECK(rgb_back.pixels == rgb.pixels);
  // PIL reads what gantool wrote: (h, w) grey and (h, w, 3) RGB, pixel for pixel.
  python(s, R"(
g = np.array(Image.open('grey.png')); c = np.array(Image.open('rgb.png'))
y, x = np.mgrid[0:5, 0:7]
assert Image.open('grey.png').mode == 'L' and (g == (11 * y + 3 * x) % 256).all()
y, x = np.mgrid[0:4, 0:6]
assert Image.open('rgb.png').mode == 'RGB'
for k in range(3): assert (c[:, :, k] == (40 * k + 11 * y + 3 * x) % 256).all()
)");
  CHECK(s.files() == std::vector<std::string>{"grey.png", "py.txt", "rgb.png", "script.py"});  // no temporaries
}

TEST_CASE("png: palette, 1-bit, 16-bit, alpha and transparency are converted or refused", "[png]") {
  gantool_test::ScratchDir s("png_kinds");
  python(s, R"(
y, x = np.mgrid[0:3, 0:4]
rgb = np.stack([(x * 60) % 256, (y * 90) % 256, np.full((3, 4), 7)], axis=2).astype(np.uint8)
Image.fromarray(rgb).convert('P', palette=Image.ADAPTIVE, colors=12).save('palette.png')
grey = ((y * 4 + x) * 20).astype(np.uint8)
p = Image.fromarray(grey).convert('P'); p.putpalette([v for i in range(256) for v in (i, i, i)]); p.save('grey_palette.png')
Image.fromarray(grey).convert('1').save('onebit.png')
Image.fromarray(np.array([[0, 1000, 32896, 65535]], dtype=np.uint16)).save('sixteen.png')
la = np.stack([grey, np.full((3, 4), 255, np.uint8)], axis=2); Image.fromarray(la, 'LA').save('grey_alpha.png')
rgba = np.concatenate([rgb, np.full((3, 4, 1), 255, np.uint8)], axis=2); Image.fromarray(rgba, 'RGBA').save('opaque.png')
rgba[2, 1, 3] = 128; Image.fromarray(rgba, 'RGBA').save('transparent.png')
np.save('rgb.npy', rgb); np.save('grey.npy', grey)
Image.open('palette.png').convert('RGB').save('palette_as_rgb.png')
)");
  const Image palette = read_png(s / "palette.png"), expected = read_png(s / "palette_as_rgb.png");
  CHECK(palette.channels == 3);
  CHECK(palette.pixels == expected.pixels);
  const Image grey_palette = read_png(s / "grey_palette.png");
  CHECK(grey_palette.channels == 1);
  std::vector<uint8_t> grey;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) grey.push_back(static_cast<uint8_t>((y * 4 + x) * 20));
  CHECK(grey_palette.pixels == grey);
  const Image onebit = read_png(s / "onebit.png");
  CHECK(onebit.channels == 1);
  for (size_t i = 0; i < onebit.pixels.size(); ++i) CHECK((onebit.pixels[i] == 0 || onebit.pixels[i] == 255));
  const Image sixteen = read_png(s / "sixteen.png");
  CHECK(sixteen.channels == 1);
  CHECK(sixteen.pixels == std::vector<uint8_t>{0, 4, 128, 255});  // v / 257, rounded
  const Image grey_alpha = read_png(s / "grey_alpha.png");
  CHECK(grey_alpha.channels == 1);
  CHECK(grey_alpha.pixels == grey);
  const Image opaque = read_png(s / "opaque.png");
  CHECK(opaque.channels == 3);
  std::vector<uint8_t> rgb;  // planar: red, green, blue
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) rgb.push_back(static_cast<uint8_t>(c == 0 ? (x * 60) % 256 : c == 1 ? (y * 90) % 256 : 7));
  CHECK(opaque.pixels == rgb);
  CHECK_THROWS_WITH(read_png(s / "transparent.png"),
                    Catch::Contains(s / "transparent.png") && Catch::Contains("pixel (x 1, y 2) is transparent") &&
                        Catch::Contains("flatten"));
}

TEST_CASE("png: a file that is not a PNG, or is cut short, is named", "[png]") {
  gantool_test::ScratchDir s("png_errors");
  write_png(s / "good.png", pattern(3, 40, 40));
  const std::string bytes = s.read("good.png");
  s.write("cut.png", bytes.substr(0, bytes.size() / 2));
  s.write("text.png", "hello, this is text");
  CHECK_THROWS_WITH(read_png(s / "missing.png"), Catch::Contains(s / "missing.png") && Catch::Contains("cannot open"));
  CHECK_THROWS_WITH(read_png(s / "text.png"), Catch::Contains(s / "text.png") && Catch::Contains("not a PNG file"));
  CHECK_THROWS_WITH(read_png(s / "cut.png"),
                    Catch::Contains(s / "cut.png") && Catch::Contains("damaged or truncated PNG"));
  CHECK_THROWS_WITH(write_png(s / "nowhere/x.png", pattern(1, 2, 2)), Catch::Contains("does not exist"));
}
