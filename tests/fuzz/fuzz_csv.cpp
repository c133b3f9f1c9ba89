// libFuzzer target: the CSV readers. Each input is read record by record by CsvReader from
// memory (every field also through parse_float, whose accepted values must survive
// append_float and back), then as a typed table from a file (io/typed_csv.hpp): the kinds
// inferred, every row read by the second pass, and each value checked against its column
// and, for small tables, written back as text (as export does) and read again.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "data/table.hpp"
#include "fuzz_table.hpp"
#include "fuzz_util.hpp"
#include "io/csv.hpp"
#include "io/table_csv.hpp"
#include "io/typed_csv.hpp"

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

// ---- the typed reader -------------------------------------------------------------

// The options of a typed read, picked by the input's last byte: the header mode, the
// delimiter, few or many categories, another list of missing markers, only the first column,
// and the first column forced categorical.
gantool::TypedCsvOptions typed_options(uint8_t pick) {
  gantool::TypedCsvOptions o;
  o.csv.header = (pick & 3) == 0 ? "yes" : (pick & 3) == 1 ? "no" : "auto";
  const char delimiters[] = {0, ',', ';', '\t'};
  o.csv.delimiter = delimiters[(pick >> 2) & 3];
  o.max_categories = pick & 16 ? 3 : 1000;
  if (pick & 32) o.na_values = {"-", "x"};
  if (pick & 64) o.csv.columns = "1";
  if (pick & 128) o.categorical = {"1"};
  return o;
}

// `table` written back as CSV text as export writes it (a header of names, then
// append_table_row; missing values as the first of na_values) and read again with the same
// options: aborts when a name, a kind, a missing flag or a value differs.
void check_rewrite(const gantool::Table& table, const gantool::TypedCsvOptions& options) {
  gantool::TableCsvStyle style;
  style.na_rep = options.na_values.empty() ? "" : options.na_values[0];
  std::string text;
  for (size_t c = 0; c < table.schema.columns.size(); ++c) {
    if (c) text += ',';
    gantool::append_csv_field(text, table.schema.columns[c].name, ',');
  }
  text += '\n';
  for (int64_t r = 0; r < table.rows; ++r) gantool::append_table_row(text, table, r, style);
  static const std::string path = gantool_fuzz::scratch_path(".rewritten.csv");
  gantool_fuzz::write_file(path, text.data(), text.size());
  gantool::TypedCsvOptions again;
  again.csv.header = "yes";
  again.csv.delimiter = ',';
  again.na_values = options.na_values;
  again.max_categories = options.max_categories;
  again.categorical = options.categorical;
  gantool::Table back;
  try {
    const gantool::CsvInference inference = gantool::infer_csv_schema(path, again);
    gantool::TypedCsvReader reader(path, again, inference.schema);
    back = gantool::empty_table(inference.schema);
    gantool::Table part;
    while (reader.read(part, 256) > 0) gantool::append_rows(back, part);
  } catch (const std::exception& e) {
    gantool_fuzz::finding(fmt::format("the table written back as text is refused: {}", e.what()));
  }
  if (back.rows != table.rows || gantool::column_names(back.schema) != gantool::column_names(table.schema))
    gantool_fuzz::finding(fmt::format("{} rows written back read as {} rows, or other names", table.rows, back.rows));
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const gantool::ColumnKind kind = table.schema.columns[c].kind, read = back.schema.columns[c].kind;
    if (read != kind)
      gantool_fuzz::finding(fmt::format("column {} ({}) written back reads as {}", c, gantool::column_kind_name(kind),
                                        gantool::column_kind_name(read)));
    for (int64_t r = 0; r < table.rows; ++r) {
      std::string was, is;
      gantool::append_table_value(was, table, static_cast<int64_t>(c), r, style);
      gantool::append_table_value(is, back, static_cast<int64_t>(c), r, style);
      const auto i = static_cast<size_t>(r);
      const bool same_missing = table.columns[c].missing[i] == back.columns[c].missing[i];
      const double x = gantool::holds_reals(kind) ? table.columns[c].reals[i] : 0;
      const double y = gantool::holds_reals(kind) ? back.columns[c].reals[i] : 0;
      const bool same_bits = std::memcmp(&x, &y, sizeof x) == 0 || (std::isnan(x) && std::isnan(y));
      if (!same_missing || was != is || !same_bits)
        gantool_fuzz::finding(fmt::format("column {} ({}) row {}: '{}' written back reads as '{}'{}", c,
                                          gantool::column_kind_name(kind), r, was, is,
                                          same_missing ? "" : " (missing differs)"));
    }
  }
}

// Tables up to this size are written back as text after reading.
constexpr int64_t kMaxRewriteRows = 200;
constexpr size_t kMaxRewriteColumns = 64;

// The input as a typed table: the first pass with options picked by its last byte (an Error
// or UsageError is a fine answer to any input), then the second pass, which must read the
// whole file once the first accepted it, each block checked.
void read_typed_table(const uint8_t* data, size_t size) {
  const std::string& path = gantool_fuzz::input_file(data, size, ".csv");
  const gantool::TypedCsvOptions options = typed_options(size > 0 ? data[size - 1] : 0);
  gantool::CsvInference inference;
  bool inferred = false;
  gantool_fuzz::expect_clean_errors([&] {
    inference = gantool::infer_csv_schema(path, options);
    inferred = true;
  });
  if (!inferred) return;
  gantool::Table all = gantool::empty_table(inference.schema);
  int64_t rows = 0;
  try {
    gantool::TypedCsvReader reader(path, options, inference.schema);
    gantool::Table block;
    while (const int64_t n = reader.read(block, 64)) {
      rows += n;
      gantool_fuzz::check_table_values(block, reader.where(0));
      if (rows <= kMaxRewriteRows) gantool::append_rows(all, block);
    }
  } catch (const std::exception& e) {
    gantool_fuzz::finding(fmt::format("the second pass refused what the first accepted: {}", e.what()));
  }
  if (rows != inference.rows) gantool_fuzz::finding(fmt::format("the first pass counted {} rows, the second read {}", inference.rows, rows));
  if (rows <= kMaxRewriteRows && all.columns.size() <= kMaxRewriteColumns) check_rewrite(all, options);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  read_records(data, size);
  read_typed_table(data, size);
  return 0;
}
