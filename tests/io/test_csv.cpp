// Tests for io/csv: record reading (quoting, line endings, BOM, blank lines, delimiter
// detection, records across the 1 MiB buffer boundary, error messages, limits, binary and
// UTF-16 input), strict float parsing, shortest float formatting and field quoting; and
// quote_for_message. (Header names, as a table reads them, are tested in test_typed_csv_files.cpp.)
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/csv.hpp"
#include "scratch.hpp"

namespace gantool {
namespace {

constexpr size_t kBufferSize = size_t{1} << 20;  // the reader's buffer size

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// A temporary file holding `text`, positioned at its start.
File file_with(const std::string& text) {
  File f(std::tmpfile());
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(text.data(), 1, text.size(), f.get()) == text.size());
  std::rewind(f.get());
  return f;
}

struct Record {
  int64_t line;
  std::vector<std::string> fields;
};

// Every record of `text`, with the line each starts on.
std::vector<Record> read_all(const std::string& text, char delimiter = 0,
                             const std::string& name = "test.csv") {
  File f = file_with(text);
  CsvReader reader(f.get(), name, delimiter);
  std::vector<Record> records;
  std::vector<std::string> fields;
  while (reader.next(fields)) records.push_back({reader.line(), fields});
  return records;
}

using Fields = std::vector<std::string>;

TEST_CASE("csv reads simple records with their line numbers", "[csv]") {
  auto records = read_all("a,b,c\n1,2,3\n,x,\n");
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"a", "b", "c"});
  CHECK(records[1].fields == Fields{"1", "2", "3"});
  CHECK(records[2].fields == Fields{"", "x", ""});
  CHECK(records[0].line == 1);
  CHECK(records[1].line == 2);
  CHECK(records[2].line == 3);
}

TEST_CASE("csv reads through fmemopen as well as tmpfile", "[csv]") {
  char text[] = "x,y\n1.5,2\n";
  File f(fmemopen(text, std::strlen(text), "r"));
  REQUIRE(f != nullptr);
  CsvReader reader(f.get(), "mem.csv");
  Fields fields;
  REQUIRE(reader.next(fields));
  CHECK(fields == Fields{"x", "y"});
  REQUIRE(reader.next(fields));
  CHECK(fields == Fields{"1.5", "2"});
  CHECK_FALSE(reader.next(fields));
  CHECK_FALSE(reader.next(fields));  // stays at the end
}

TEST_CASE("csv handles CRLF and a missing final newline", "[csv]") {
  auto crlf = read_all("a,b\r\n1,2\r\n3,4");
  REQUIRE(crlf.size() == 3);
  CHECK(crlf[0].fields == Fields{"a", "b"});
  CHECK(crlf[1].fields == Fields{"1", "2"});
  CHECK(crlf[2].fields == Fields{"3", "4"});
  CHECK(crlf[2].line == 3);

  auto last_cr = read_all("a,b\r\n1,2\r");
  REQUIRE(last_cr.size() == 2);
  CHECK(last_cr[1].fields == Fields{"1", "2"});

  auto quoted_last = read_all("a,\"b\"\r\n\"c\",\"d\"");
  REQUIRE(quoted_last.size() == 2);
  CHECK(quoted_last[0].fields == Fields{"a", "b"});
  CHECK(quoted_last[1].fields == Fields{"c", "d"});

  auto single = read_all("only");
  REQUIRE(single.size() == 1);
  CHECK(single[0].fields == Fields{"only"});
}

TEST_CASE("csv skips a UTF-8 byte order mark", "[csv]") {
  auto records = read_all("\xEF\xBB\xBFx;y\n1;2\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"x", "y"});
  CHECK(records[1].fields == Fields{"1", "2"});

  auto quoted = read_all("\xEF\xBB\xBF\"x\",y\n");
  REQUIRE(quoted.size() == 1);
  CHECK(quoted[0].fields == Fields{"x", "y"});

  CHECK(read_all("\xEF\xBB\xBF").empty());
  // A BOM anywhere else is data.
  auto later = read_all("a\n\xEF\xBB\xBF" "b\n");
  REQUIRE(later.size() == 2);
  CHECK(later[1].fields == Fields{"\xEF\xBB\xBF" "b"});
}

TEST_CASE("csv skips blank lines and counts them", "[csv]") {
  auto records = read_all("\n\na,b\n\r\n\n1,2\n\n\r\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"a", "b"});
  CHECK(records[0].line == 3);
  CHECK(records[1].fields == Fields{"1", "2"});
  CHECK(records[1].line == 6);

  CHECK(read_all("").empty());
  CHECK(read_all("\n\r\n\n").empty());

  // A quoted empty field is a record, not a blank line.
  auto quoted_empty = read_all("\"\"\n");
  REQUIRE(quoted_empty.size() == 1);
  CHECK(quoted_empty[0].fields == Fields{""});
}

TEST_CASE("csv reads quoted delimiters, newlines and doubled quotes", "[csv]") {
  const std::string text =
      "id,text,note\n"
      "1,\"a,b\",\"say \"\"hi\"\"\"\n"
      "2,\"line one\nline two\r\nline three\",\"\"\n"
      "3,\"\"\"\",end\r\n"
      "4,\"x\"\r\n";
  auto records = read_all(text);
  REQUIRE(records.size() == 5);
  CHECK(records[0].fields == Fields{"id", "text", "note"});
  CHECK(records[1].fields == Fields{"1", "a,b", "say \"hi\""});
  CHECK(records[2].fields == Fields{"2", "line one\nline two\r\nline three", ""});
  CHECK(records[3].fields == Fields{"3", "\"", "end"});
  CHECK(records[4].fields == Fields{"4", "x"});
  CHECK(records[0].line == 1);
  CHECK(records[1].line == 2);
  CHECK(records[2].line == 3);  // where the multi-line record starts
  CHECK(records[3].line == 6);  // after its three physical lines
  CHECK(records[4].line == 7);
}

TEST_CASE("csv keeps a quote inside an unquoted field as data", "[csv]") {
  auto records = read_all("5\"6,x\n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"5\"6", "x"});
}

TEST_CASE("csv detects the delimiter from the first line", "[csv]") {
  struct Case {
    std::string text;
    char delimiter;
    Fields first;
  };
  const Case cases[] = {
      {"a,b,c\n1,2,3\n", ',', {"a", "b", "c"}},
      {"a;b;c\n1;2;3\n", ';', {"a", "b", "c"}},
      {"a\tb\tc\n1\t2\t3\n", '\t', {"a", "b", "c"}},
      {"a|b|c\n1|2|3\n", '|', {"a", "b", "c"}},
      {"abc\n1\n", ',', {"abc"}},                                // none: ','
      {"x;1,5;2,5;3\n", ';', {"x", "1,5", "2,5", "3"}},         // decimal commas
      {"\"a,b,c\";d;e\n", ';', {"a,b,c", "d", "e"}},            // quoted commas ignored
      {"\"x\ny,z,w\";1\n", ';', {"x\ny,z,w", "1"}},             // newline inside quotes
      {"\n\r\nx|y\n", '|', {"x", "y"}},                          // leading blank lines
      {"a,b;c\n", ',', {"a", "b;c"}},                            // ties go to ','
      {"\xEF\xBB\xBF" "a\tb\n", '\t', {"a", "b"}},
  };
  for (const Case& c : cases) {
    INFO("input: " << c.text);
    File f = file_with(c.text);
    CsvReader reader(f.get(), "detect.csv");
    CHECK(reader.delimiter() == c.delimiter);
    Fields fields;
    REQUIRE(reader.next(fields));
    CHECK(fields == c.first);
  }
}

TEST_CASE("csv uses an explicit delimiter as given", "[csv]") {
  auto records = read_all("a,b\tc\n", '\t');
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"a,b", "c"});
  File f = file_with("x");
  CHECK_THROWS_AS(CsvReader(f.get(), "x.csv", '"'), UsageError);
  CHECK_THROWS_AS(CsvReader(f.get(), "x.csv", '\n'), UsageError);
}

// Appends numbered records "i,3i" to `text` until it is exactly `length` bytes long, with a
// last record "pad,xxx" that takes up the remainder. Returns how many numbered records.
int64_t fill_to(std::string& text, size_t length, const char* line_end) {
  REQUIRE(text.size() + 64 < length);
  int64_t count = 0;
  for (;;) {
    std::string line = fmt::format("{},{}{}", count, 3 * count, line_end);
    if (text.size() + line.size() + 64 > length) break;
    text += line;
    ++count;
  }
  size_t pad = length - text.size() - 4 - std::strlen(line_end);
  text += "pad," + std::string(pad, 'x') + line_end;
  REQUIRE(text.size() == length);
  return count;
}

TEST_CASE("csv reads records that straddle the 1 MiB buffer boundary", "[csv]") {
  // The special record starts `before` bytes ahead of the boundary, so that every byte of
  // it (the unquoted field, the opening quote, a doubled quote, a quoted newline, CR LF) in
  // turn falls on the boundary.
  const std::string special_unquoted = "unquoted-12345";
  const std::string special_quoted = "q \"\" z,\nw";  // as written between the quotes
  const std::string quoted_value = "q \" z,\nw";
  for (const char* line_end : {"\n", "\r\n"}) {
    for (size_t before = 1; before <= 40; ++before) {
      INFO("line end " << (line_end[0] == '\r' ? "CRLF" : "LF") << ", record starts "
                       << before << " bytes before the boundary");
      std::string text;
      const int64_t numbered = fill_to(text, kBufferSize - before, line_end);
      text += special_unquoted + ",\"" + special_quoted + "\",tail" + line_end;
      text += "after,1";
      text += line_end;
      text += "last,2";

      File f = file_with(text);
      CsvReader reader(f.get(), "big.csv");
      Fields fields;
      int64_t bad = 0;
      for (int64_t i = 0; i < numbered; ++i) {
        if (!reader.next(fields)) {
          bad = -1;
          break;
        }
        if (fields != Fields{std::to_string(i), std::to_string(3 * i)} || reader.line() != i + 1)
          ++bad;
      }
      CHECK(bad == 0);
      REQUIRE(reader.next(fields));
      REQUIRE(fields.size() == 2);
      CHECK(fields[0] == "pad");
      CHECK(fields[1] == std::string(fields[1].size(), 'x'));
      CHECK(reader.line() == numbered + 1);
      REQUIRE(reader.next(fields));
      CHECK(fields == Fields{special_unquoted, quoted_value, "tail"});
      CHECK(reader.line() == numbered + 2);
      REQUIRE(reader.next(fields));
      CHECK(fields == Fields{"after", "1"});
      CHECK(reader.line() == numbered + 4);  // the quoted newline took one line
      REQUIRE(reader.next(fields));
      CHECK(fields == Fields{"last", "2"});
      CHECK(reader.line() == numbered + 5);
      CHECK_FALSE(reader.next(fields));
    }
  }
}

TEST_CASE("csv reads fields longer than the buffer", "[csv]") {
  std::string unquoted(kBufferSize * 2 + 17, 'u');
  std::string quoted_value;
  for (size_t i = 0; quoted_value.size() < kBufferSize * 3; ++i)
    quoted_value += (i % 1000 == 999) ? '\n' : (i % 7 == 0 ? '"' : 'a' + static_cast<char>(i % 26));
  std::string quoted_text;
  for (char c : quoted_value) quoted_text += (c == '"') ? std::string("\"\"") : std::string(1, c);
  const int64_t newlines = std::count(quoted_value.begin(), quoted_value.end(), '\n');

  std::string text = "a," + unquoted + "\n\"" + quoted_text + "\",b\nend\n";
  File f = file_with(text);
  CsvLimits limits;
  limits.field_bytes = limits.record_bytes = kBufferSize * 4;  // above the default
  CsvReader reader(f.get(), "long.csv", 0, limits);
  Fields fields;
  REQUIRE(reader.next(fields));
  REQUIRE(fields.size() == 2);
  CHECK(fields[0] == "a");
  CHECK(fields[1] == unquoted);
  REQUIRE(reader.next(fields));
  REQUIRE(fields.size() == 2);
  CHECK(reader.line() == 2);
  CHECK(fields[0] == quoted_value);
  CHECK(fields[1] == "b");
  REQUIRE(reader.next(fields));
  CHECK(fields == Fields{"end"});
  CHECK(reader.line() == 3 + newlines);
  CHECK_FALSE(reader.next(fields));
}

TEST_CASE("csv reuses the field strings between records", "[csv]") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += fmt::format("{},{},{}\n", i, i * 7, -i);
  File f = file_with(text);
  CsvReader reader(f.get(), "reuse.csv");
  Fields fields;
  REQUIRE(reader.next(fields));
  for (std::string& field : fields) field.reserve(32);
  const std::string* vector_data = fields.data();
  std::vector<const char*> string_data;
  for (const std::string& field : fields) string_data.push_back(field.data());
  int64_t moved = 0, records = 1;
  while (reader.next(fields)) {
    ++records;
    REQUIRE(fields.size() == 3);
    moved += fields.data() != vector_data;
    for (size_t i = 0; i < 3; ++i) moved += fields[i].data() != string_data[i];
  }
  CHECK(records == 1000);
  CHECK(moved == 0);
  CHECK(fields == Fields{"999", "6993", "-999"});

  // A shorter record after a longer one leaves exactly its own fields.
  auto records2 = read_all("a,b,c,d\nx,y\n");
  REQUIRE(records2.size() == 2);
  CHECK(records2[1].fields == Fields{"x", "y"});
}

TEST_CASE("csv reports an unterminated quote with the file and line", "[csv]") {
  CHECK_THROWS_WITH(read_all("a,b\n1,2\n3,\"4,5\n6,7\n", 0, "data.csv"),
                    Catch::Contains("data.csv:3: unterminated quoted field (started on line 3)"));
  CHECK_THROWS_WITH(read_all("a,b\n\"x", 0, "data.csv"),
                    Catch::Contains("data.csv:2: unterminated quoted field (started on line 2)"));
  // The quote opens on a later line of a record that started earlier.
  CHECK_THROWS_WITH(read_all("a,b\n\"x\ny\",\"z\n", 0, "data.csv"),
                    Catch::Contains("data.csv:2: unterminated quoted field (started on line 3)"));
  CHECK_THROWS_AS(read_all("\"", 0, "data.csv"), Error);
}

TEST_CASE("csv rejects text after a closing quote", "[csv]") {
  CHECK_THROWS_WITH(read_all("a,b\nx,\"ab\"c\n", 0, "data.csv"),
                    Catch::Contains("data.csv:2:") && Catch::Contains("closing quote"));
  CHECK_THROWS_WITH(read_all("\"a\nb\" ,c\n", 0, "in.csv"), Catch::Contains("in.csv:2:"));
  CHECK_THROWS_WITH(read_all("\"a\"\rb\n", 0, "cr.csv"),
                    Catch::Contains("cr.csv:1:") && Catch::Contains("\\r"));
  CHECK_THROWS_AS(read_all("\"a\"\"\"b\n"), Error);
}

TEST_CASE("parse_float accepts numbers", "[csv]") {
  struct Case {
    const char* text;
    float value;
  };
  const Case cases[] = {
      {"0", 0.0f},
      {"1", 1.0f},
      {"-1", -1.0f},
      {"+2.5", 2.5f},
      {" 1.5 ", 1.5f},
      {"\t-2\t", -2.0f},
      {" \t 3e2 \t", 300.0f},
      {"1.5e-3", 1.5e-3f},
      {"1.5E+3", 1500.0f},
      {"-1e0", -1.0f},
      {".5", 0.5f},
      {"5.", 5.0f},
      {"-.25", -0.25f},
      {"+.75e1", 7.5f},
      {"007", 7.0f},
      {"0.1", 0.1f},
      {"3.4028235e38", std::numeric_limits<float>::max()},
      {"-3.4028235e38", -std::numeric_limits<float>::max()},
      {"1.17549435e-38", std::numeric_limits<float>::min()},
      {"1e-45", std::numeric_limits<float>::denorm_min()},
      {"123456789", 123456792.0f},  // rounded to nearest float
      {"inf", std::numeric_limits<float>::infinity()},
      {"-inf", -std::numeric_limits<float>::infinity()},
      {"+INF", std::numeric_limits<float>::infinity()},
      {"Infinity", std::numeric_limits<float>::infinity()},
      {"-iNfInItY", -std::numeric_limits<float>::infinity()},
  };
  for (const Case& c : cases) {
    INFO("text: '" << c.text << "'");
    float value = 12345.0f;
    REQUIRE(parse_float(c.text, value));
    CHECK(std::bit_cast<uint32_t>(value) == std::bit_cast<uint32_t>(c.value));
  }
  for (const char* text : {"nan", "NaN", "-nan", "+NAN", " nan "}) {
    INFO("text: '" << text << "'");
    float value = 0.0f;
    REQUIRE(parse_float(text, value));
    CHECK(std::isnan(value));
  }
  // Underflow rounds to a signed zero; it is not an error.
  float value = 1.0f;
  REQUIRE(parse_float("1e-50", value));
  CHECK(std::bit_cast<uint32_t>(value) == std::bit_cast<uint32_t>(0.0f));
  REQUIRE(parse_float("-0.00000000000000000000000000000000000000000000000001", value));
  CHECK(std::bit_cast<uint32_t>(value) == std::bit_cast<uint32_t>(-0.0f));
  REQUIRE(parse_float("-0", value));
  CHECK(std::bit_cast<uint32_t>(value) == std::bit_cast<uint32_t>(-0.0f));
}

TEST_CASE("parse_float rejects everything else", "[csv]") {
  const char* rejects[] = {
      "",       " ",         "\t \t",   "+",       "-",        ".",        "e5",
      "1.2.3",  "1,5",       "0x10",    "0X1p3",   "1e",       "1e+",      "1e-",
      "1 2",    "1.5x",      "x1.5",    "--1",     "+-1",      "-+1",      "+ 1",
      "1_000",  "nan(1)",    "nanx",    "infx",    "infinit",  "in",       "na",
      "1e39",   "-1e39",     "3.4028236e38",       "1e99999999999999999999",
      "\r1",    "1\n",       "abc",     "true",    "1.5f",     "١",
  };
  for (const char* text : rejects) {
    INFO("text: '" << text << "'");
    float value = 0.0f;
    CHECK_FALSE(parse_float(text, value));
  }
}

TEST_CASE("append_float writes the shortest text that reads back exactly", "[csv]") {
  struct Case {
    float value;
    const char* text;
  };
  const Case cases[] = {
      {0.0f, "0"},
      {1.0f, "1"},
      {-2.5f, "-2.5"},
      {0.1f, "0.1"},
      {1.5e-3f, "0.0015"},
      {std::numeric_limits<float>::infinity(), "inf"},
      {-std::numeric_limits<float>::infinity(), "-inf"},
      {std::numeric_limits<float>::quiet_NaN(), "nan"},
      {-std::numeric_limits<float>::quiet_NaN(), "nan"},
  };
  for (const Case& c : cases) {
    std::string out = "x=";
    append_float(out, c.value);
    CHECK(out == std::string("x=") + c.text);
  }
}

TEST_CASE("append_float and parse_float round-trip every kind of float", "[csv]") {
  std::mt19937 bits(20240517);  // raw 32-bit output is the same on every library
  std::vector<uint32_t> patterns = {
      0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x007fffffu, 0x00800000u,
      0x7f7fffffu, 0xff7fffffu, 0x3f800000u, 0x3dcccccdu, 0x4b800001u, 0x7f800000u,
      0xff800000u, 0x7fc00000u, 0xffc00001u, 0x7f800001u,
  };
  for (int i = 0; i < 300000; ++i) patterns.push_back(static_cast<uint32_t>(bits()));
  int64_t mismatches = 0, finite = 0;
  std::string text;
  for (uint32_t pattern : patterns) {
    const float value = std::bit_cast<float>(pattern);
    text.clear();
    append_float(text, value);
    float back = 0.0f;
    if (!parse_float(text, back)) {
      FAIL("parse_float rejected '" << text << "' from pattern " << pattern);
    }
    if (std::isnan(value)) {
      mismatches += !std::isnan(back);
    } else {
      finite += std::isfinite(value);
      mismatches += std::bit_cast<uint32_t>(back) != pattern;
    }
  }
  CHECK(finite > 290000);
  CHECK(mismatches == 0);
}

TEST_CASE("append_csv_field quotes only when it must", "[csv]") {
  struct Case {
    const char* field;
    char delimiter;
    const char* text;
  };
  const Case cases[] = {
      {"plain", ',', "plain"},
      {"", ',', ""},
      {"1.5e-3", ',', "1.5e-3"},
      {"a,b", ',', "\"a,b\""},
      {"a,b", ';', "a,b"},
      {"a;b", ';', "\"a;b\""},
      {"a\tb", '\t', "\"a\tb\""},
      {"say \"hi\"", ',', "\"say \"\"hi\"\"\""},
      {"\"", ',', "\"\"\"\""},
      {"a\nb", ',', "\"a\nb\""},
      {"a\rb", '|', "\"a\rb\""},
      {"in side", ',', "in side"},
      // Blanks at either end: quoted, since the typed import trims unquoted fields.
      {" spaced ", ',', "\" spaced \""},
      {"\tx", ',', "\"\tx\""},
      {"x ", ';', "\"x \""},
  };
  for (const Case& c : cases) {
    INFO("field: '" << c.field << "'");
    std::string out = "<";
    append_csv_field(out, c.field, c.delimiter);
    CHECK(out == std::string("<") + c.text);
  }
}

TEST_CASE("fields written with append_csv_field read back unchanged", "[csv]") {
  const Fields record = {"plain", "a,b", "say \"hi\"", "two\nlines", "crlf\r\ninside", "", "\"",
                         "end"};
  for (char delimiter : {',', ';', '\t', '|'}) {
    std::string text;
    for (int copy = 0; copy < 3; ++copy) {
      for (size_t i = 0; i < record.size(); ++i) {
        if (i > 0) text += delimiter;
        append_csv_field(text, record[i], delimiter);
      }
      text += copy == 1 ? "\r\n" : "\n";
    }
    auto records = read_all(text, delimiter);
    REQUIRE(records.size() == 3);
    for (const Record& r : records) CHECK(r.fields == record);
    CHECK(records[1].line == 4);
    CHECK(records[2].line == 7);
  }
}

TEST_CASE("random records read back unchanged, every byte in every word position", "[csv]") {
  // Bytes next to the delimiters and '\n' in value, high bytes (UTF-8) and control bytes
  // check the word-at-a-time scan of unquoted fields.
  // (A NUL byte is not text: the reader refuses it, tested below.)
  const std::string alphabet = "ab+-.:;<|{}\t\x0b\x09\x01\x7f\x80\xff\xc3\xa9 ,\"\r\n";
  std::mt19937 rng(7);
  for (char delimiter : {',', ';', '\t', '|'}) {
    std::vector<Fields> written;
    std::string text;
    for (int r = 0; r < 2000; ++r) {
      Fields record(2 + rng() % 6);
      for (std::string& field : record) {
        const size_t length = rng() % 20;
        for (size_t i = 0; i < length; ++i) field += alphabet[rng() % alphabet.size()];
      }
      for (size_t i = 0; i < record.size(); ++i) {
        if (i > 0) text += delimiter;
        append_csv_field(text, record[i], delimiter);
      }
      text += (r % 3 == 0) ? "\r\n" : "\n";
      written.push_back(std::move(record));
    }
    INFO("delimiter " << int(delimiter));
    auto records = read_all(text, delimiter);
    REQUIRE(records.size() == written.size());
    int64_t mismatches = 0;
    for (size_t r = 0; r < written.size(); ++r) mismatches += records[r].fields != written[r];
    CHECK(mismatches == 0);
  }
}


// ---- binary input, encodings and line endings ----------------------------------

// The message of the Error that reading all of `text` throws ("" when none is thrown).
std::string error_of(const std::string& text, const CsvLimits& limits = {}) {
  File f = file_with(text);
  try {
    CsvReader reader(f.get(), "data.csv", 0, limits);
    Fields fields;
    while (reader.next(fields)) {
    }
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// True when `message` is one line of printable ASCII or UTF-8 (no control bytes).
bool printable_line(const std::string& message) {
  for (char c : message)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

TEST_CASE("quote_for_message keeps a message on one printable line", "[csv]") {
  CHECK(quote_for_message("abc", 40) == "'abc'");
  CHECK(quote_for_message("", 40) == "''");
  CHECK(quote_for_message(std::string_view("a\0b\nc\rd\te\x1b[1m\x7f", 14), 40) ==
        "'a\\0b\\nc\\rd\\te\\x1b[1m\\x7f'");
  CHECK(quote_for_message("1234567890", 4) == "'1234...'");
  // Valid UTF-8 stays; a character is never cut; invalid bytes and C1 controls are escaped.
  CHECK(quote_for_message("gr\xC3\xB6\xC3\x9F" "e", 40) == "'gr\xC3\xB6\xC3\x9F" "e'");
  CHECK(quote_for_message("ab\xC3\xB6", 3) == "'ab...'");
  CHECK(quote_for_message("\xFF\xFE" "a", 40) == "'\\xff\\xfea'");
  CHECK(quote_for_message("\xC2\x9B" "x", 40) == "'\\xc2\\x9bx'");     // U+009B, a C1 control
  CHECK(quote_for_message("\xE2\x82", 40) == "'\\xe2\\x82'");          // cut short
  CHECK(quote_for_message("\xED\xA0\x80", 40) == "'\\xed\\xa0\\x80'");  // a surrogate
  CHECK(quote_for_message("\xE2\x82\xAC", 40) == "'\xE2\x82\xAC'");     // the euro sign
}

TEST_CASE("csv refuses NUL bytes with the line, as binary input", "[csv]") {
  const std::string message = error_of(std::string("a,b\n1,2\n3,x\0y\n", 14));
  CHECK_THAT(message, Catch::Contains("data.csv:3: a NUL byte") && Catch::Contains("not a text CSV file"));
  CHECK(printable_line(message));
  // All zeros, as /dev/zero gives: stops at once.
  CHECK_THAT(error_of(std::string(3 * kBufferSize, '\0')), Catch::StartsWith("data.csv:1: a NUL byte"));
  // A NUL in a later buffer, inside a quoted field: the line where it is.
  std::string text;
  fill_to(text, kBufferSize + 100, "\n");
  const int64_t lines = std::count(text.begin(), text.end(), '\n');
  text += "\"x\ny" + std::string(1, '\0') + "\"\n";
  CHECK_THAT(error_of(text), Catch::StartsWith(fmt::format("data.csv:{}: a NUL byte", lines + 2)));
}

TEST_CASE("csv names UTF-16 and UTF-32 input and says how to convert it", "[csv]") {
  const std::string utf16le("\xFF\xFE" "a\0,\0b\0\n\0" "1\0,\0" "2\0\n\0", 18);
  const std::string utf16be("\xFE\xFF\0a\0,\0b\0\n", 10);
  const std::string no_bom_le("a\0,\0b\0\n\0" "1\0,\0" "2\0\n\0", 16);
  const std::string no_bom_be("\0x\0;\0y\0\n\0" "1\0;\0" "2\0\n", 16);
  for (const std::string& text : {utf16le, utf16be, no_bom_le, no_bom_be}) {
    const std::string message = error_of(text);
    INFO(message);
    CHECK_THAT(message, Catch::StartsWith("data.csv: UTF-16 text: convert it to UTF-8 first") &&
                            Catch::Contains("iconv -f UTF-16 -t UTF-8"));
    CHECK(printable_line(message));
  }
  // A byte order mark alone names the encoding, even with no NUL after it.
  CHECK_THAT(error_of("\xFF\xFE\x41\x30\x42\x30"), Catch::Contains("UTF-16 text"));
  CHECK_THAT(error_of(std::string("\xFF\xFE\0\0" "a\0\0\0", 8)), Catch::Contains("UTF-32 text"));
  CHECK_THAT(error_of(std::string("\0\0\xFE\xFF\0\0\0a", 8)), Catch::Contains("UTF-32 text"));
}

TEST_CASE("csv reads old Mac line endings (CR only) as line ends", "[csv]") {
  auto records = read_all("a,b\r1,2\r\r3,\"x\ry\"\r4,5");
  REQUIRE(records.size() == 4);
  CHECK(records[0].fields == Fields{"a", "b"});
  CHECK(records[1].fields == Fields{"1", "2"});
  CHECK(records[2].fields == Fields{"3", "x\ry"});
  CHECK(records[3].fields == Fields{"4", "5"});
  CHECK(records[1].line == 2);
  CHECK(records[2].line == 4);  // after the blank line
  CHECK(records[3].line == 6);  // the quoted CR took one line
  // Delimiter detection stops at the first CR.
  auto semicolons = read_all("x;y\r1,5;2,5\r");
  REQUIRE(semicolons.size() == 2);
  CHECK(semicolons[1].fields == Fields{"1,5", "2,5"});
  // In a file with "\n" line ends, a lone CR is data, as before.
  auto mixed = read_all("a,b\n1\r2,3\n");
  REQUIRE(mixed.size() == 2);
  CHECK(mixed[1].fields == Fields{"1\r2", "3"});
}

// ---- limits: memory stays proportional to the longest record --------------------------

TEST_CASE("csv refuses a field longer than the limit, naming the line and field", "[csv]") {
  CsvLimits limits;
  limits.field_bytes = 16;
  CHECK(error_of("a,b\n1,0123456789abcdef\n", limits).empty());  // exactly 16 bytes
  CHECK_THAT(error_of("a,b\n1,2\n3,0123456789abcdefg\n", limits),
             Catch::StartsWith("data.csv:3: field 2 is longer than 16 bytes"));
  // A quoted field that never closes says so.
  CHECK_THAT(error_of("a,b\n1,\"2\n3,4\n5,6\n7,8\n9,10\n", limits),
             Catch::StartsWith("data.csv:2: field 2 is longer than 16 bytes") &&
                 Catch::Contains("its quote opens on line 2") && Catch::Contains("closing '\"'"));
  // The default: 1 MiB, in a field that straddles buffer refills.
  CHECK(error_of("a," + std::string(kBufferSize, '7') + "\n").empty());
  CHECK_THAT(error_of("a," + std::string(kBufferSize + 1, '7') + "\n"),
             Catch::StartsWith("data.csv:1: field 2 is longer than 1 MiB"));
  CHECK_THAT(error_of("a,\"" + std::string(3 * kBufferSize, '7') + "\"\n"),
             Catch::StartsWith("data.csv:1: field 2 is longer than 1 MiB"));
}

TEST_CASE("csv refuses a record longer than the limit", "[csv]") {
  CsvLimits limits;
  limits.record_bytes = 10;
  CHECK(error_of("12345,67890\n", limits).empty());  // 10 bytes of fields
  CHECK_THAT(error_of("1,2\n12345,678901\n", limits),
             Catch::StartsWith("data.csv:2: record is longer than 10 bytes (at field 2)"));
  // The default: 8 MiB.
  std::string text;
  for (int i = 0; i < 9; ++i) text += (i ? "," : "") + std::string(kBufferSize - 1, '1');
  CHECK_THAT(error_of(text + "\n"), Catch::StartsWith("data.csv:1: record is longer than 8 MiB (at field 9)"));
}

TEST_CASE("csv refuses a record with more fields than the limit", "[csv]") {
  CsvLimits limits;
  limits.fields = 3;
  CHECK(error_of("1,2,3\n4,5,6\n", limits).empty());
  CHECK_THAT(error_of("1,2,3\n4,5,6,7\n", limits),
             Catch::StartsWith("data.csv:2: more than 3 fields in one record") && Catch::Contains("--delimiter"));
  // The default: 262,144; a 4 MB line of 2 million fields stops at the limit.
  std::string wide;
  for (int i = 0; i < 2000000; ++i) wide += "1,";
  CHECK_THAT(error_of(wide + "1\n"), Catch::StartsWith("data.csv:1: more than 262144 fields in one record"));
  std::string widest;
  for (int i = 0; i < 262144; ++i) widest += i ? ",1" : "1";
  CHECK(error_of(widest + "\n").empty());
}

}  // namespace
}  // namespace gantool
