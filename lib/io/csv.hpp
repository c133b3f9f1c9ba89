// Streaming CSV: a reader of records (RFC 4180 quoting, CRLF, delimiter detection), strict
// number parsing, and number formatting for writers.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace gantool {

// Reads records one at a time from a FILE* (a file or stdin) through a fixed-size buffer,
// so memory does not grow with the input. Fields may be quoted with '"' (a doubled '""'
// inside quotes is one '"'); quoted fields may hold delimiters and newlines. Lines end in
// "\n" or "\r\n". A leading UTF-8 byte order mark is skipped. Blank lines are skipped.
class CsvReader {
 public:
  // `name` is used in error messages ("data.csv", or "<stdin>"). `delimiter` 0 means
  // detect it from the first line: the most frequent of ',', ';', '\t', '|' outside quotes
  // (',' when none occurs). The reader does not own `in`.
  CsvReader(std::FILE* in, std::string name, char delimiter = 0);

  // Reads the next record into fields (reusing its strings' storage); false at end of
  // input. Throws Error naming the file and line on an unterminated quote.
  bool next(std::vector<std::string>& fields);

  // 1-based line number where the last record returned by next() starts.
  int64_t line() const { return record_line_; }
  char delimiter() const { return delimiter_; }
  const std::string& name() const { return name_; }

 private:
  int peek_char();   // next byte without consuming it, or EOF
  int get_char();    // next byte, or EOF
  bool refill();

  std::FILE* in_;
  std::string name_;
  char delimiter_;
  std::vector<char> buffer_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  int64_t line_ = 1, record_line_ = 0;
};

// Parses a whole field as a float32: optional surrounding spaces, optional sign, decimal or
// scientific notation, "nan", "inf", "infinity" (any case). Returns false when the field is
// not exactly a number or is out of float32's finite range (e.g. 1e39).
bool parse_float(std::string_view field, float& value);

// Appends the shortest decimal text that reads back as exactly `value` ("nan", "inf",
// "-inf" for non-finite values).
void append_float(std::string& out, float value);

// Appends `field` quoted as CSV requires when it contains the delimiter, a quote, CR or LF.
void append_csv_field(std::string& out, std::string_view field, char delimiter);

}  // namespace gantool
