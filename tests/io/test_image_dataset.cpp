// Tests of image datasets (io/dataset_file's image mode): rows of pixel values written as
// (N, C, H, W) uint8, rounded and clamped; read back as rows with the image shape and pixel
// column names; labels with their names; what h5py sees; and files of other layouts.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/error.hpp"
#include "data/image.hpp"
#include "io/dataset_file.hpp"
#include "scratch.hpp"

using namespace gantool;

namespace {

void python(const gantool_test::ScratchDir& s, const std::string& script) {
  s.write("script.py", "import h5py, numpy as np\n" + script);
  REQUIRE(std::system(("cd '" + s.dir.string() + "' && /usr/bin/python3 script.py > py.txt").c_str()) == 0);
}

// Writes n images of shape {2, 3, 4} with pixel (i, c, y, x) = i + 10c + 3y + x, labels i % 3.
void write_images(const std::string& path, int64_t n) {
  DatasetMeta meta;
  meta.image = {2, 3, 4};
  meta.source = "test";
  DatasetWriter out(path, 24, meta);
  std::vector<float> row(24);
  Labels labels{{}, {"zero", "one", "two"}};
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < 24; ++k) row[static_cast<size_t>(k)] = static_cast<float>(i + 10 * (k / 12) + 3 * (k % 12 / 4) + k % 4);
    out.append(row.data(), 1);
    labels.values.push_back(i % 3);
  }
  out.set_labels(labels);
  out.commit();
}

}  // namespace

TEST_CASE("image dataset: written as (N, C, H, W) uint8, read as rows with its shape and labels", "[image]") {
  gantool_test::ScratchDir s("image_dataset");
  write_images(s / "images.h5", 300);  // more than one chunk (65536 / 24 rows)... and blocks
  DatasetReader reader(parse_data_ref(s / "images.h5"));
  CHECK(reader.rows() == 300);
  CHECK(reader.cols() == 24);
  CHECK(reader.type() == "uint8");
  CHECK(reader.meta().image == std::vector<int64_t>{2, 3, 4});
  CHECK(reader.meta().schema.columns[0].name == "c0y0x0");
  CHECK(reader.meta().schema.columns[23].name == "c1y2x3");
  CHECK(reader.meta().schema.normalization.method == "none");
  const Tensor all = reader.read_all();
  bool same = true;
  for (int64_t i = 0; i < 300; ++i)
    for (int64_t k = 0; k < 24; ++k)
      same = same && all.row(i)[k] == std::min<float>(255, static_cast<float>(i + 10 * (k / 12) + 3 * (k % 12 / 4) + k % 4));
  CHECK(same);
  const std::optional<Labels> labels = read_labels(s / "images.h5");
  REQUIRE(labels);
  CHECK(labels->names == std::vector<std::string>{"zero", "one", "two"});
  REQUIRE(labels->values.size() == 300);
  CHECK(labels->values[299] == 2);
  // What another program sees: /data (N, C, H, W) uint8, the shape at the root, /labels.
  python(s, R"(
f = h5py.File('images.h5', 'r')
d = f['data']
assert d.shape == (300, 2, 3, 4) and d.dtype == np.uint8, (d.shape, d.dtype)
assert d.chunks[1:] == (2, 3, 4)
assert list(f.attrs['image']) == [2, 3, 4]
i, c, y, x = np.indices(d.shape)
assert (d[:] == np.minimum(i + 10 * c + 3 * y + x, 255)).all()
assert f['labels'].dtype == np.int64 and (f['labels'][:] == np.arange(300) % 3).all()
assert [n.decode() if isinstance(n, bytes) else n for n in f['labels'].attrs['names']] == ['zero', 'one', 'two']
)");
}

TEST_CASE("image dataset: pixel values are rounded and clamped to 0..255", "[image]") {
  gantool_test::ScratchDir s("image_rounding");
  DatasetMeta meta;
  meta.image = {1, 1, 8};
  DatasetWriter out(s / "r.h5", 8, meta);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> row = {-3.f, 0.49f, 0.5f, 1.5f, 254.6f, 300.f, nan, 127.4f};
  out.append(row.data(), 1);
  out.commit();
  DatasetReader reader(parse_data_ref(s / "r.h5"));
  const Tensor back = reader.read_all();
  CHECK(std::vector<float>(back.data(), back.data() + 8) == std::vector<float>{0, 0, 1, 2, 255, 255, 0, 127});
  CHECK_FALSE(read_labels(s / "r.h5"));
  CHECK(pixel_byte(2.5f) == 3);  // halves away from zero (std::lround)
}

TEST_CASE("image dataset: labels that do not match the images are named", "[image]") {
  gantool_test::ScratchDir s("image_bad_labels");
  write_images(s / "good.h5", 10);
  const auto damaged = [&](const std::string& name, const std::string& statement) {
    python(s, "import shutil\nshutil.copy('good.h5', '" + name + "')\nwith h5py.File('" + name + "', 'a') as f:\n    " +
                  statement + "\n");
  };
  damaged("short.h5", "del f['labels']; f['labels'] = np.zeros(9, np.int64)");
  CHECK_THROWS_WITH(read_labels(s / "short.h5"),
                    Catch::Contains("short.h5:/labels: holds 9 labels for 10 rows of /data"));
  damaged("unnamed.h5", "f['labels'].attrs['names'] = ['a', 'b']");
  CHECK_THROWS_WITH(read_labels(s / "unnamed.h5"), Catch::Contains("names 2 classes but holds label 2"));
  damaged("floats.h5", "del f['labels']; f['labels'] = np.zeros(10)");
  CHECK_THROWS_WITH(read_labels(s / "floats.h5"), Catch::Contains("not a 1-D integer dataset"));
  damaged("nonames.h5", "del f['labels'].attrs['names']");
  CHECK(read_labels(s / "nonames.h5")->names == std::vector<std::string>{"0", "1", "2"});
}

TEST_CASE("image dataset: a 4-D dataset of another program reads as images; 2-D files are no images", "[image]") {
  gantool_test::ScratchDir s("image_h5py");
  python(s, R"(
with h5py.File('other.h5', 'w') as f:
    f['data'] = np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2)
    f['table'] = np.ones((4, 3), np.float32)
)");
  DatasetReader images(parse_data_ref(s / "other.h5"));
  CHECK(images.meta().image == std::vector<int64_t>{3, 2, 2});
  CHECK(images.cols() == 12);
  const Tensor all = images.read_all();
  CHECK(all.row(1)[11] == 23);
  DatasetReader table(parse_data_ref(s / "other.h5:/table"));
  CHECK(table.meta().image.empty());
  CHECK(table.cols() == 3);
}
