// End-to-end tests of the convolutional GAN on images: train --arch dcgan on a 2,000-image
// Fashion-MNIST subset lowers the Fréchet distance (issue 18's short version), sample writes
// images (HDF5, PNG files, an interpolation), train-classifier and eval-fd, and their bad
// input as one line. h5py and numpy are the independent readers.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include "cli/run.hpp"

using namespace gantool_test;

namespace {

const std::string kFashion = "/usr/share/datasets/fashion-mnist/";

bool have_fashion() { return std::filesystem::exists(kFashion + "t10k-images-idx3-ubyte.gz"); }

// The Fréchet distance eval-fd prints as JSON.
double fd_of(const Scratch& s, const std::string& real, const std::string& fake) {
  const Result r = s.run("eval-fd " + real + " " + fake + " --features features.h5 --json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  return json::parse(r.out)["fd"].get<double>();
}

}  // namespace

TEST_CASE("dcgan: a few hundred steps on 2,000 Fashion-MNIST images lower the Fréchet distance", "[cli][dcgan]") {
  if (!have_fashion()) {
    WARN("dataset-fashion-mnist is not installed (make test installs it): skipped");
    return;
  }
  Scratch s("dcgan_fd");
  REQUIRE(s.run("prepare -q --from " + kFashion + "t10k-images-idx3-ubyte.gz --labels " + kFashion +
                "t10k-labels-idx1-ubyte.gz -o test.h5").status == 0);
  REQUIRE(s.run("prepare -q --from " + kFashion + "train-images-idx3-ubyte.gz --labels " + kFashion +
                "train-labels-idx1-ubyte.gz --limit 2000 -o train.h5").status == 0);
  // The feature space: 2 epochs on the 10,000 test images (about 85% accurate).
  Result r = s.run("train-classifier --data test.h5 --epochs 2 -o features.h5");
  INFO(r.err << r.out);
  REQUIRE(r.status == 0);
  CHECK(std::regex_search(r.out, std::regex("test accuracy [0-9.]+% on 1000 images held out of --data")));

  // Defaults of --arch dcgan for an image dataset, and the model says what it is.
  REQUIRE(s.run("train -q --data train.h5 --model start.h5 --steps 1").status == 0);
  r = s.run("train -q --data train.h5 --model gan.h5 --steps 300");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const Result info = s.run("info gan.h5");
  CHECK(info.out.find("conv2d_transposed 1 tanh k4 s2 p1") != std::string::npos);
  CHECK(info.out.find("batch 64") != std::string::npos);
  REQUIRE(s.run("sample -q --model start.h5 -n 1000 -o start_fake.h5").status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 1000 -o fake.h5").status == 0);
  s.python(R"(
import h5py, numpy as np
f = h5py.File('fake.h5', 'r')
assert f['data'].shape == (1000, 1, 28, 28) and f['data'].dtype == np.uint8, (f['data'].shape, f['data'].dtype)
assert list(f.attrs['image']) == [1, 28, 28]
x = f['data'][:].astype(float)
assert 20 < x.mean() < 200 and x.std() > 20, (x.mean(), x.std())  # not blank, not noise around 127
)");
  const double before = fd_of(s, "test.h5", "start_fake.h5"), after = fd_of(s, "test.h5", "fake.h5");
  INFO("FD before " << before << ", after 300 steps " << after);
  CHECK(after < 0.5 * before);
  // The floor: real images against real ones score far lower than either.
  CHECK(fd_of(s, "test.h5", "train.h5") < after);
}

TEST_CASE("dcgan: sample writes images as HDF5, PNG files and a spherical interpolation", "[cli][dcgan]") {
  Scratch s("dcgan_sample");
  // 300 random 8×8 images: a DCGAN of one stage each way trains on them in a moment.
  s.python(R"(
import numpy as np, struct
rng = np.random.default_rng(3)
imgs = rng.integers(0, 256, size=(300, 8, 8), dtype=np.uint8)
open('img-idx3-ubyte', 'wb').write(struct.pack('>IIII', 0x803, *imgs.shape) + imgs.tobytes())
)");
  REQUIRE(s.run("prepare -q --from img-idx3-ubyte -o small.h5").status == 0);
  Result r = s.run("train -q --data small.h5 --model gan.h5 --steps 5 --z-dim 4 --g-hidden 8 --d-hidden 8 --batch 16");
  INFO(r.err);
  REQUIRE(r.status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 20 --seed 7 -o fake.h5").status == 0);
  r = s.run("sample --model gan.h5 -n 20 --seed 7 -o pngs/");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("sample: 20 images → pngs/") != std::string::npos);
  REQUIRE(s.run("sample -q --model gan.h5 --interpolate 3,17 --steps 6 --seed 7 -o path.h5").status == 0);
  REQUIRE(s.run("plot grid fake.h5 --rows 4 --cols 5 -o grid.png").status == 0);
  // A path longer than a block of rows (--batch) is still drawn in one.
  REQUIRE(s.run("sample -q --model gan.h5 --interpolate 0,1 --steps 600 --batch 512 -o long.h5").status == 0);
  s.python(R"(
import h5py, numpy as np, os
from PIL import Image
x = h5py.File('fake.h5', 'r')['data'][:]
assert x.shape == (20, 1, 8, 8) and x.dtype == np.uint8
files = sorted(os.listdir('pngs'))
assert files == ['%06d.png' % i for i in range(20)], files
for i in range(20):
    assert (np.asarray(Image.open('pngs/%06d.png' % i)) == x[i, 0]).all()
p = h5py.File('path.h5', 'r')['data'][:]
assert p.shape == (6, 1, 8, 8)
# The path's ends are rows 3 and 17 of the same seed's draws (to a rounding of the last bit).
assert np.abs(p[0].astype(int) - x[3]).max() <= 1 and np.abs(p[-1].astype(int) - x[17]).max() <= 1
assert np.abs(p[2].astype(int) - x[3]).max() > 0
assert h5py.File('long.h5', 'r')['data'].shape == (600, 1, 8, 8)
)");
  // An exact resume: 5 + 5 steps give the bits of 10 (G's batch-norm statistics included).
  REQUIRE(s.run("train -q --data small.h5 --model ten.h5 --steps 10 --z-dim 4 --g-hidden 8 --d-hidden 8 --batch 16")
              .status == 0);
  REQUIRE(s.run("train -q --data small.h5 --model five.h5 --steps 5 --z-dim 4 --g-hidden 8 --d-hidden 8 --batch 16")
              .status == 0);
  REQUIRE(s.run("train -q --resume five.h5 --model resumed.h5 --steps 10").status == 0);
  s.python(R"(
import h5py, numpy as np
a, b = h5py.File('ten.h5', 'r'), h5py.File('resumed.h5', 'r')
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and n.split('/')[0] in
             ('generator', 'generator_ema', 'discriminator') else None)
assert any(n.endswith('bn_mean') for n in names), names
for n in names:
    assert np.array_equal(a[n][:], b[n][:]), n
)");
  // --raw keeps G's own output: floats in [-1, 1], rows not images.
  REQUIRE(s.run("sample -q --model gan.h5 -n 4 --raw -o raw.h5").status == 0);
  s.python("import h5py\nd = h5py.File('raw.h5', 'r')['data']\nassert d.shape == (4, 64) and d.dtype.kind == 'f'\n"
           "assert abs(d[:]).max() <= 1\n");

  check_error(s.run("sample --model gan.h5 -n 3 --interpolate 1,2 -o x.h5"), 2, {"--interpolate", "no -n"});
  check_error(s.run("sample --model gan.h5 --interpolate 1 -o x.h5"), 2, {"--interpolate takes two row numbers"});
  check_error(s.run("sample --model gan.h5 --interpolate 1,2 --steps 1 -o x.h5"), 2, {"--steps must be between 2"});
  check_error(s.run("sample --model gan.h5 -n 2 --steps 4 -o x.h5"), 2, {"--steps applies to --interpolate only"});
  check_error(s.run("sample --model gan.h5 -n 2 --save-latent -o more/"), 2, {"PNG files hold no second dataset"});
  CHECK_FALSE(std::filesystem::exists(s.dir / "more"));
}

TEST_CASE("dcgan: bad input is one line: no images, no labels, another image size", "[cli][dcgan]") {
  Scratch s("dcgan_errors");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  check_error(s.run("train --data ring.h5 --arch dcgan --model x.h5"), 2, {"--arch dcgan trains on images", "prepare --from"});
  s.python(R"(
import numpy as np, struct
rng = np.random.default_rng(3)
for name, n, side in [('a', 200, 8), ('b', 50, 12), ('c', 64, 6)]:
    imgs = rng.integers(0, 256, size=(n, side, side), dtype=np.uint8)
    open(name + '-idx3-ubyte', 'wb').write(struct.pack('>IIII', 0x803, *imgs.shape) + imgs.tobytes())
labs = (np.arange(200) % 3).astype(np.uint8)
open('a-idx1-ubyte', 'wb').write(struct.pack('>II', 0x801, 200) + labs.tobytes())
)");
  REQUIRE(s.run("prepare -q --from a-idx3-ubyte --labels a-idx1-ubyte -o a.h5").status == 0);
  REQUIRE(s.run("prepare -q --from b-idx3-ubyte -o b.h5").status == 0);
  REQUIRE(s.run("prepare -q --from c-idx3-ubyte -o c.h5").status == 0);
  check_error(s.run("train-classifier --data b.h5 -o f.h5"), 1, {"b.h5", "no labels"});
  check_error(s.run("train-classifier --data ring.h5 -o f.h5"), 1, {"ring.h5", "not an image dataset"});
  CHECK_FALSE(std::filesystem::exists(s.dir / "f.h5"));
  Result r = s.run("train-classifier -q --data a.h5 --epochs 1 -o f.h5");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const Result info = s.run("info f.h5");
  CHECK(info.out.find("f.h5: gantool classifier of images of 1×8×8 grey into 3 classes") == 0);
  CHECK(info_json(s, "f.h5")["features"] == 128);
  check_error(s.run("eval-fd a.h5 b.h5 --features f.h5"), 1, {"b.h5", "1×12×12", "f.h5", "1×8×8"});
  check_error(s.run("eval-fd a.h5 ring.h5 --features f.h5"), 1, {"ring.h5", "rows of 2 values"});
  check_error(s.run("eval-fd a.h5 a.h5 --features ring.h5"), 1, {"ring.h5", "not a classifier file"});
  // 6×6 images: two stride-2 stages cannot halve 6 twice.
  check_error(s.run("train --data c.h5 --model x.h5 --steps 1"), 2, {"images of 6×6 cannot be halved 2 times", "multiples of 4", "give --g-hidden at most 1 width"});
  CHECK(s.run("train -q --data c.h5 --model x.h5 --steps 1 --g-hidden 16 --d-hidden 16").status == 0);
}
