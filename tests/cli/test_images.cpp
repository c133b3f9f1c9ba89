// End-to-end tests of image datasets: prepare from idx files (plain, gzipped, the real
// Fashion-MNIST when installed) and from PNG folders, info, export to PNG files and back,
// plot grid's pixels, train's normalization of images, and every bad input as one line
// with no output left behind. Python (numpy, h5py, gzip, PIL) is the independent reader.
#include <catch2/catch.hpp>

#include <filesystem>

#include "cli/run.hpp"

using namespace gantool_test;

namespace {

const std::string kFashion = "/usr/share/datasets/fashion-mnist/";

// Python that writes idx files: n random images of h × w (seed 5) and labels 0..9.
std::string idx_script(int n, int h, int w) {
  return "import numpy as np, gzip, struct\n"
         "rng = np.random.default_rng(5)\n"
         "imgs = rng.integers(0, 256, size=(" + std::to_string(n) + ", " + std::to_string(h) + ", " +
         std::to_string(w) + "), dtype=np.uint8)\n"
         "labs = (np.arange(" + std::to_string(n) + ") * 7 % 10).astype(np.uint8)\n"
         "img = struct.pack('>IIII', 0x803, *imgs.shape) + imgs.tobytes()\n"
         "lab = struct.pack('>II', 0x801, len(labs)) + labs.tobytes()\n"
         "open('img-idx3-ubyte', 'wb').write(img); open('lab-idx1-ubyte', 'wb').write(lab)\n"
         "gzip.open('img-idx3-ubyte.gz', 'wb').write(img); gzip.open('lab-idx1-ubyte.gz', 'wb').write(lab)\n"
         "np.save('imgs.npy', imgs); np.save('labs.npy', labs)\n";
}

bool no_temporaries(const Scratch& s) {
  for (const std::string& f : s.files())
    if (f.find("gantool-tmp") != std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("images: prepare from idx files, plain and gzipped, as numpy reads them", "[cli][images]") {
  Scratch s("images_idx");
  s.python(idx_script(120, 28, 28));
  Result r = s.run("prepare --from img-idx3-ubyte --labels lab-idx1-ubyte -o plain.h5");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err == "prepare: wrote 120 images of 1×28×28 grey to plain.h5, labelled in 10 classes\n");
  const std::string names = "zero,one,two,three,four,five,six,seven,eight,nine";
  REQUIRE(s.run("prepare -q --from img-idx3-ubyte.gz --labels lab-idx1-ubyte.gz --label-names " + names +
                " -o gz.h5").status == 0);
  REQUIRE(s.run("prepare -q --from img-idx3-ubyte.gz --limit 30 -o first.h5").status == 0);
  s.python(R"(
import h5py, numpy as np
imgs, labs = np.load('imgs.npy'), np.load('labs.npy')
for name in ['plain.h5', 'gz.h5']:
    f = h5py.File(name, 'r')
    assert f['data'].shape == (120, 1, 28, 28) and f['data'].dtype == np.uint8
    assert (f['data'][:, 0] == imgs).all()
    assert (f['labels'][:] == labs).all()
    assert list(f.attrs['image']) == [1, 28, 28]
names = [n.decode() if isinstance(n, bytes) else n for n in h5py.File('gz.h5', 'r')['labels'].attrs['names']]
assert names[0] == 'zero' and names[9] == 'nine', names
names = [n.decode() if isinstance(n, bytes) else n for n in h5py.File('plain.h5', 'r')['labels'].attrs['names']]
assert names == [str(k) for k in range(10)], names
f = h5py.File('first.h5', 'r')
assert (f['data'][:, 0] == imgs[:30]).all() and 'labels' not in f
)");
  // An image file imported again keeps its images and labels: a subset, shuffled and split.
  r = s.run("prepare -q --from gz.h5 --limit 100 --shuffle --split 0.25 --test-out test.h5 -o train.h5");
  INFO(r.err);
  REQUIRE(r.status == 0);
  s.python(R"(
import h5py, numpy as np
imgs, labs = np.load('imgs.npy'), np.load('labs.npy')
tr, te = h5py.File('train.h5', 'r'), h5py.File('test.h5', 'r')
assert tr['data'].shape == (75, 1, 28, 28) and te['data'].shape == (25, 1, 28, 28)
both = np.concatenate([tr['data'][:, 0], te['data'][:, 0]]).reshape(100, -1)
lab = np.concatenate([tr['labels'][:], te['labels'][:]])
index = {imgs[i].tobytes(): i for i in range(100)}
rows = [index[b.tobytes()] for b in both]
assert sorted(rows) == list(range(100)) and rows[:75] != sorted(rows[:75])
assert (lab == labs[rows]).all()
assert tr['labels'].attrs['names'][0] in (b'zero', 'zero')
)");
}

TEST_CASE("images: the real Fashion-MNIST reads as Python's gzip and numpy read it", "[cli][images]") {
  if (!std::filesystem::exists(kFashion + "train-images-idx3-ubyte.gz")) {
    WARN("skipped: " << kFashion << " is missing (apt-get install dataset-fashion-mnist; make test does)");
    return;
  }
  Scratch s("images_fashion");
  const Result r = s.run("prepare -q --from " + kFashion + "t10k-images-idx3-ubyte.gz --labels " + kFashion +
                         "t10k-labels-idx1-ubyte.gz --limit 100 -o fashion.h5");
  INFO(r.err);
  REQUIRE(r.status == 0);
  s.python("import gzip, h5py, numpy as np\n"
           "raw = gzip.open('" + kFashion + "t10k-images-idx3-ubyte.gz').read()\n"
           "imgs = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 28, 28)[:100]\n"
           "labs = np.frombuffer(gzip.open('" + kFashion + "t10k-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)[:100]\n"
           "f = h5py.File('fashion.h5', 'r')\n"
           "assert f['data'].shape == (100, 1, 28, 28)\n"
           "assert (f['data'][:, 0] == imgs).all() and (f['labels'][:] == labs).all()\n");
  const json info = info_json(s, "fashion.h5");
  CHECK(info["kind"] == "images");
  CHECK(info["labels"]["counts"].size() == 10);
}

TEST_CASE("images: bad idx input is one line naming the file; nothing is written", "[cli][images]") {
  Scratch s("images_idx_bad");
  s.python(idx_script(20, 4, 4) +
           "open('short-idx3-ubyte', 'wb').write(img[:-3])\n"
           "open('magic-idx3-ubyte', 'wb').write(b'\\x00\\x00\\x08\\x02' + img[4:])\n"
           "open('few-idx1-ubyte', 'wb').write(struct.pack('>II', 0x801, 19) + labs[:19].tobytes())\n"
           "gz = gzip.compress(img); open('cut-idx3-ubyte.gz', 'wb').write(gz[:len(gz) // 2])\n"
           "bad = bytearray(gz); bad[12:30] = bytes(18); open('bad-idx3-ubyte.gz', 'wb').write(bytes(bad))\n");
  check_error(s.run("prepare --from short-idx3-ubyte -o out.h5"), 1,
              {"short-idx3-ubyte: truncated", "the 20 images of 4×4 pixels"});
  check_error(s.run("prepare --from magic-idx3-ubyte -o out.h5"), 1,
              {"magic-idx3-ubyte: an idx file of unsigned byte values in 2 dimensions", "0x00000803"});
  check_error(s.run("prepare --from lab-idx1-ubyte -o out.h5"), 1, {"lab-idx1-ubyte", "labels go to --labels"});
  check_error(s.run("prepare --from img-idx3-ubyte --labels few-idx1-ubyte -o out.h5"), 1,
              {"few-idx1-ubyte: holds 19 labels but img-idx3-ubyte holds 20 images"});
  check_error(s.run("prepare --from cut-idx3-ubyte.gz -o out.h5"), 1,
              {"cut-idx3-ubyte.gz: the gzip stream ends early", "truncated"});
  const Result bad = s.run("prepare --from bad-idx3-ubyte.gz -o out.h5");
  check_error(bad, 1, {"bad-idx3-ubyte.gz: "});
  CHECK((bad.err.find("gzip") != std::string::npos || bad.err.find("truncated") != std::string::npos));
  check_error(s.run("prepare --from missing-idx3-ubyte.gz -o out.h5"), 1, {"missing-idx3-ubyte.gz: no such file"});
  // Flags that do not fit.
  check_error(s.run("prepare --from img-idx3-ubyte --labels lab-idx1-ubyte --label-names a,b,c -o out.h5"), 2,
              {"--label-names names 3 classes", "lab-idx1-ubyte holds label 9"});
  check_error(s.run("prepare --from img-idx3-ubyte --labels lab-idx1-ubyte --label-names a,,c -o out.h5"), 2,
              {"--label-names: name 1 is empty"});
  check_error(s.run("prepare --from img-idx3-ubyte --label-names a,b -o out.h5"), 2, {"--label-names", "--labels"});
  check_error(s.run("prepare --from img-idx3-ubyte --normalize minmax -o out.h5"), 2,
              {"--normalize applies to tables", "train maps them to [-1, 1]"});
  check_error(s.run("prepare --from img-idx3-ubyte --columns 1 -o out.h5"), 2, {"--columns applies to tables"});
  check_error(s.run("prepare --dist ring --labels lab-idx1-ubyte -o out.h5"), 2, {"--labels", "idx images"});
  check_error(s.run("prepare --from img-idx3-ubyte -o img-idx3-ubyte"), 2, {"would overwrite the input"});
  CHECK_FALSE(s.exists("out.h5"));
  CHECK(no_temporaries(s));
}

TEST_CASE("images: a PNG folder with classes, info, and export to PNG files and back", "[cli][images]") {
  Scratch s("images_png");
  s.python(R"(
import numpy as np, os
from PIL import Image
rng = np.random.default_rng(3)
imgs = rng.integers(0, 256, size=(9, 6, 5, 3), dtype=np.uint8)
for k, name in enumerate(['bag', 'coat', 'shirt']):
    os.makedirs('pics/' + name)
    for j in range(3): Image.fromarray(imgs[3 * k + j]).save('pics/%s/%d.png' % (name, j))
np.save('imgs.npy', imgs)
)");
  Result r = s.run("prepare --from pics -o pics.h5");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err == "prepare: wrote 9 images of 3×6×5 RGB to pics.h5, labelled in 3 classes\n");
  s.python(R"(
import h5py, numpy as np
imgs = np.load('imgs.npy')
f = h5py.File('pics.h5', 'r')
assert f['data'].shape == (9, 3, 6, 5)
assert (f['data'][:] == imgs.transpose(0, 3, 1, 2)).all()
assert (f['labels'][:] == [0, 0, 0, 1, 1, 1, 2, 2, 2]).all()
)");
  // info: the shape, the pixels, the classes; no column names.
  r = s.run("info pics.h5");
  REQUIRE(r.status == 0);
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 12);
  CHECK(lines[0] == "pics.h5: image dataset /data, 9 images of 3×6×5 RGB (uint8 pixels)");
  CHECK(lines[3].find("normalization  none") != std::string::npos);
  CHECK(lines[4].rfind("  red pixels     mean ", 0) == 0);
  CHECK(lines[7] == "  labels         3 classes (/labels)");
  CHECK(lines[8] == "    label  class    images");
  CHECK(lines[9] == "        0  bag           3");
  CHECK(lines[11] == "        2  shirt         3");
  CHECK(r.out.find("c0y0x0") == std::string::npos);
  const json j = info_json(s, "pics.h5");
  CHECK(j["image"] == json::array({3, 6, 5}));
  CHECK(j["labels"]["names"] == json::array({"bag", "coat", "shirt"}));
  CHECK(j["labels"]["counts"] == json::array({3, 3, 3}));
  CHECK(j["channels"].size() == 3);

  // export: one folder per class, files by row; imported again, the same images and labels.
  r = s.run("export pics.h5 -o out");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(s.exists("out/bag/000000.png"));
  CHECK(s.exists("out/shirt/000008.png"));
  REQUIRE(s.run("prepare -q --from out -o back.h5").status == 0);
  s.python(R"(
import h5py, numpy as np
from PIL import Image
a, b = h5py.File('pics.h5', 'r'), h5py.File('back.h5', 'r')
assert (a['data'][:] == b['data'][:]).all() and (a['labels'][:] == b['labels'][:]).all()
assert (np.array(Image.open('out/coat/000004.png')) == a['data'][4].transpose(1, 2, 0)).all()
)");
  REQUIRE(s.run("export pics.h5 --limit 2 -q -o two/").status == 0);
  CHECK(s.exists("two/bag/000001.png"));
  CHECK_FALSE(s.exists("two/bag/000002.png"));
  check_error(s.run("export pics.h5 -o out"), 1, {"out: exists and is not empty", "new folder"});
  // CSV still works: a column per pixel.
  r = s.run("export pics.h5 --limit 1 -o -");
  REQUIRE(r.status == 0);
  CHECK(r.out.rfind("c0y0x0,c0y0x1,", 0) == 0);
  CHECK(lines_of(r.out).size() == 2);
  CHECK(no_temporaries(s));
}

TEST_CASE("images: PNG folders of mixed sizes or with transparency are refused in one line", "[cli][images]") {
  Scratch s("images_png_bad");
  s.python(R"(
import numpy as np, os
from PIL import Image
os.makedirs('mixed'); os.makedirs('alpha')
Image.fromarray(np.zeros((28, 28), np.uint8)).save('mixed/a.png')
Image.fromarray(np.zeros((28, 28), np.uint8)).save('mixed/b.png')
Image.fromarray(np.zeros((32, 32), np.uint8)).save('mixed/c.png')
rgba = np.zeros((4, 4, 4), np.uint8); rgba[..., 3] = 255; rgba[1, 2, 3] = 0
Image.fromarray(rgba, 'RGBA').save('alpha/a.png')
)");
  check_error(s.run("prepare --from mixed -o out.h5"), 1,
              {"mixed/c.png: 1×32×32 grey pixels, but the images before it are 1×28×28 grey", "mixed/a.png"});
  check_error(s.run("prepare --from alpha -o out.h5"), 1, {"alpha/a.png: pixel (x 2, y 1) is transparent"});
  check_error(s.run("prepare --from mixed --labels x-idx1-ubyte -o out.h5"), 2, {"--labels applies to idx images"});
  CHECK_FALSE(s.exists("out.h5"));
  CHECK(no_temporaries(s));
}

TEST_CASE("images: plot grid draws exact pixels; other inputs are refused", "[cli][images][plot]") {
  Scratch s("images_grid");
  s.python(idx_script(70, 5, 4));
  REQUIRE(s.run("prepare -q --from img-idx3-ubyte --labels lab-idx1-ubyte -o imgs.h5").status == 0);
  Result r = s.run("plot grid imgs.h5 -o grid.png");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err == "plot: wrote grid.png (138 × 162 pixels: 64 images of 1×5×4 grey, scale 3)\n");
  REQUIRE(s.run("plot grid imgs.h5 --rows 2 --cols 3 --scale 1 -o small.png").status == 0);
  s.python(R"(
import numpy as np
from PIL import Image
imgs = np.load('imgs.npy')
def grid(n_rows, n_cols, scale):
    h, w = imgs.shape[1:]
    g = np.full((n_rows * (h + 2) - 2, n_cols * (w + 2) - 2), 255, np.uint8)
    for k in range(n_rows * n_cols):
        r, c = divmod(k, n_cols)
        g[r * (h + 2):r * (h + 2) + h, c * (w + 2):c * (w + 2) + w] = imgs[k]
    return g.repeat(scale, 0).repeat(scale, 1)
for name, want in [('grid.png', grid(8, 8, 3)), ('small.png', grid(2, 3, 1))]:
    got = np.array(Image.open(name))
    assert Image.open(name).mode == 'L' and got.shape == want.shape and (got == want).all(), name
)");
  REQUIRE(s.run("prepare -q --dist ring -n 100 -o ring.h5").status == 0);
  check_error(s.run("plot grid ring.h5 -o ring.png"), 1, {"ring.h5: is not an image dataset", "plot samples"});
  check_error(s.run("plot grid imgs.h5 -o grid.svg"), 2, {"plot grid writes PNG", "grid.svg"});
  check_error(s.run("plot grid imgs.h5 --scale 0 -o x.png"), 2, {"--scale must be 1 to 16"});
  check_error(s.run("plot grid imgs.h5 --rows 0 -o x.png"), 2, {"--rows must be 1 to 100"});
  check_error(s.run("plot grid missing.h5 -o x.png"), 1, {"missing.h5"});
  CHECK_FALSE(s.exists("x.png"));
  CHECK_FALSE(s.exists("ring.png"));
  CHECK(no_temporaries(s));
}

TEST_CASE("images: train normalizes pixels with one map, 0..255 to [-1, 1]", "[cli][images][train]") {
  Scratch s("images_train");
  s.python(idx_script(64, 4, 4));
  REQUIRE(s.run("prepare -q --from img-idx3-ubyte -o imgs.h5").status == 0);
  const Result r = s.run("train -q --data imgs.h5 --model gan.h5 --steps 5 --batch 16 --g-hidden 8 --d-hidden 8 "
                         "--threads 1");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(info_json(s, "gan.h5")["normalization"] == "pixels");
  s.python(R"(
import h5py, numpy as np
g = h5py.File('gan.h5', 'r')['training_data']
assert (g['shift'][:] == 127.5).all() and (g['scale'][:] == 127.5).all(), (g['shift'][:5], g['scale'][:5])
)");
  REQUIRE(s.run("sample -q --model gan.h5 -n 10 -o fake.h5").status == 0);
  CHECK(info_json(s, "fake.h5")["cols"] == 16);
}
