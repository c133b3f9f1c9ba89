// libFuzzer target: the CSV reader. Each input is read three ways: record by record by
// CsvReader from memory (every field also through parse_float, whose accepted values must
// survive append_float and back), and as a numeric table by CsvTable from a file, with the
// header and delimiter options picked by the input's last byte.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "io/csv.hpp"
#include "io/csv_table.hpp"

namespace {

// parse_float's contract: a value it accepts is finite in float32 or NaN/inf, and the
// shortest text append_float writes for it reads back as the same bits.
void check_float_round_trip(const std::string& field) {
  float value = 0;
  if (!gantool::parse_float(field, value)) return;
  std::string text;
  gantool::append_float(text, value);
  float back = 0;
  if (!gantool::parse_float(text, back) ||
      (std::isnan(value) ? !std::isnan(back) : std::memcmp(&value, &back, sizeof value) != 0)) {
    std::fprintf(stderr, "finding: '%s' parsed as %a, written as '%s', read back as %a\n",
                 field.c_str(), value, text.c_str(), back);
    std::abort();
  }
}

void read_records(const uint8_t* data, size_t size) {
  if (size == 0) return;  // fmemopen refuses an empty buffer
  std::FILE* in = fmemopen(const_cast<uint8_t*>(data), size, "rb");
  if (!in) std::abort();
  gantool_fuzz::expect_clean_errors([&] {
    gantool::CsvReader reader(in, "fuzz.csv");
    std::vector<std::string> fields;
    int64_t last_line = 0;
    while (reader.next(fields)) {
      if (reader.line() <= last_line) {
        std::fprintf(stderr, "finding: record line %lld after line %lld\n",
                     static_cast<long long>(reader.line()), static_cast<long long>(last_line));
        std::abort();
      }
      last_line = reader.line();
      for (const auto& f : fields) check_float_round_trip(f);
    }
  });
  std::fclose(in);
}

void read_table(const uint8_t* data, size_t size) {
  const std::string& path = gantool_fuzz::input_file(data, size, ".csv");
  const uint8_t pick = size > 0 ? data[size - 1] : 0;
  gantool::CsvTableOptions options;
  options.header = (pick & 3) == 0 ? "yes" : (pick & 3) == 1 ? "no" : "auto";
  const char delimiters[] = {0, ',', ';', '\t'};
  options.delimiter = delimiters[(pick >> 2) & 3];
  if (pick & 16) options.columns = "1";
  gantool_fuzz::expect_clean_errors([&] {
    gantool::CsvTable table(path, options);
    std::vector<float> block(static_cast<size_t>(64 * table.cols()));
    while (table.read(block.data(), 64) > 0) {
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  read_records(data, size);
  read_table(data, size);
  return 0;
}
