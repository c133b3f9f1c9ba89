// Row outputs: HDF5 or CSV chosen by the name, companion columns, nothing left behind when
// abandoned.
#include <catch2/catch.hpp>

#include "io/row_output.hpp"
#include "scratch.hpp"

using namespace gantool;

TEST_CASE("the output's name chooses CSV or HDF5", "[row_output]") {
  CHECK(is_csv_output("-"));
  CHECK(is_csv_output("fake.csv"));
  CHECK(is_csv_output("dir/FAKE.CSV"));
  CHECK_FALSE(is_csv_output("fake.h5"));
  CHECK_FALSE(is_csv_output("csv"));
  CHECK_FALSE(is_csv_output("fake.csv.h5"));
}

TEST_CASE("CSV output: a header, the data's columns then the companion's, shortest floats", "[row_output]") {
  gantool_test::ScratchDir s("row_output");
  {
    DatasetMeta meta;
    meta.schema = continuous_schema({"x", "y, quoted"});
    RowOutput out(s / "out.csv", 2, meta, Companion{"latent", {"z0"}});
    const float rows[] = {0.1f, -2.0f, 1e-30f, 3.5f}, z[] = {7.0f, -0.25f};
    out.append(rows, 2, z);
    CHECK(out.rows() == 2);
    CHECK_FALSE(s.exists("out.csv"));  // only at commit
    out.commit();
  }
  CHECK(s.read("out.csv") == "x,\"y, quoted\",z0\n0.1,-2,7\n1e-30,3.5,-0.25\n");
  {
    RowOutput abandoned(s / "gone.csv", 1, {});
    const float row = 1;
    abandoned.append(&row, 1);
  }
  {
    RowOutput abandoned(s / "gone.h5", 1, {});
    const float row = 1;
    abandoned.append(&row, 1);
  }
  CHECK(s.files() == std::vector<std::string>{"out.csv"});
}
