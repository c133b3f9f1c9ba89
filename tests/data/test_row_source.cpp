// Tests of the row sources: each reads back what was written (a dataset file in data units
// with a column selection, synthetic rows as generate_rows makes them, memory),
// rewinds when it can, and the filtered pass honours --limit and counts dropped rows.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "core/error.hpp"
#include "data/row_source.hpp"
#include "scratch.hpp"

using namespace gantool;

namespace {

// Every row of a source, in one tensor, read in blocks of `block` rows.
Tensor read_everything(RowSource& src, int64_t block) {
  std::vector<float> values;
  std::vector<float> buffer(static_cast<size_t>(block * src.cols()));
  for (int64_t n; (n = src.read(buffer.data(), block)) > 0;)
    values.insert(values.end(), buffer.begin(), buffer.begin() + n * src.cols());
  Tensor t(static_cast<int64_t>(values.size()) / src.cols(), src.cols());
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

}  // namespace

TEST_CASE("a dataset source reads selected columns in data units, and rewinds", "[row_source]") {
  gantool_test::ScratchDir s("rows_h5");
  DatasetMeta meta;
  meta.schema = continuous_schema({"x", "y", "z"});
  meta.schema.normalization = {"standard", {10, 20, 30}, {2, 4, 8}};
  {
    DatasetWriter writer(s / "d.h5", 3, meta);
    const float rows[6] = {0, 1, -1, 0.5f, 0.25f, 2};  // stored (normalized) values
    writer.append(rows, 2);
    writer.commit();
  }
  DatasetSource src(parse_data_ref(s / "d.h5"), "z,x");
  CHECK(src.columns() == std::vector<std::string>{"z", "x"});
  CHECK_FALSE(src.all_columns());
  CHECK(src.known_rows() == 2);
  Tensor t = read_everything(src, 1);
  REQUIRE(t.rows() == 2);
  CHECK(t(0, 0) == 22);  // -1 · 8 + 30
  CHECK(t(0, 1) == 10);
  CHECK(t(1, 0) == 46);
  CHECK(t(1, 1) == 11);
  REQUIRE(src.rewind());
  float row[2];
  REQUIRE(src.read(row, 1) == 1);
  REQUIRE(src.read(row, 1) == 1);
  CHECK(src.where(0) == (s / "d.h5") + ": row 1");
  REQUIRE(src.rewind());
  CHECK(read_everything(src, 5).rows() == 2);
  CHECK(DatasetSource(parse_data_ref(s / "d.h5"), "").all_columns());
}

TEST_CASE("a synthetic source gives generate_rows' rows; memory gives its own", "[row_source]") {
  SyntheticSpec spec;
  spec.dist = "ring";
  const Synthetic ring = make_synthetic(spec);
  SyntheticSource src(ring, /*seed=*/3, /*rows=*/1000);
  const Tensor t = read_everything(src, 77);
  Tensor expected(1000, 2);
  generate_rows(ring, 3, 0, 1000, expected.data());
  REQUIRE(t.rows() == 1000);
  CHECK(std::equal(t.data(), t.data() + t.size(), expected.data()));

  MemorySource memory(expected, {"x", "y"});
  RowFilter filter{false, /*limit=*/250};
  const Tensor first = load_all(memory, filter);
  REQUIRE(first.rows() == 250);
  CHECK(std::equal(first.data(), first.data() + first.size(), expected.data()));
}

TEST_CASE("for_each_block drops non-finite rows and counts them per pass", "[row_source]") {
  Tensor t(5, 1);
  for (int64_t r = 0; r < 5; ++r) t(r, 0) = float(r);
  t(2, 0) = NAN;
  MemorySource src(t, {"v"});
  RowFilter filter{/*drop_nonfinite=*/true};
  std::vector<float> seen;
  CHECK(for_each_block(src, filter, [&](const float* rows, int64_t n) { seen.insert(seen.end(), rows, rows + n); }) == 4);
  CHECK(seen == std::vector<float>{0, 1, 3, 4});
  CHECK(filter.dropped == 1);
  src.rewind();
  filter.limit = 2;
  CHECK(for_each_block(src, filter, [](const float*, int64_t) {}) == 2);
  // Row i of the last block is named by its row in the source.
  src.rewind();
  float rows[2];
  REQUIRE(src.read(rows, 2) == 2);
  REQUIRE(src.read(rows, 2) == 2);
  CHECK(src.where(1) == "row 3");
}
