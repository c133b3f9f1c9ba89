// Streaming CSV: a reader of records (RFC 4180 quoting, CRLF, delimiter detection), strict
// number parsing, and number formatting for writers.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gantool {

// Bounds on one record, so that memory stays proportional to the longest record and binary
// or runaway input stops with a clear error.
struct CsvLimits {
  size_t field_bytes = size_t{1} << 20;   // 1 MiB in one field
  size_t record_bytes = size_t{8} << 20;  // 8 MiB in the fields of one record
  size_t fields = size_t{1} << 18;        // 262,144 fields in one record
};

// Reads records one at a time from a FILE* (a file or stdin) through a fixed-size buffer,
// so memory does not grow with the input, nor beyond the limits with one record. Fields may
// be quoted with '"' (a doubled '""' inside quotes is one '"'); quoted fields may hold
// delimiters and newlines. Lines end in "\n" or "\r\n", or in a lone "\r" in a file whose
// first MiB has no "\n" (old Mac files). A leading UTF-8 byte order mark is skipped. Blank
// lines are skipped. Input with a NUL byte (binary data) or in UTF-16 or UTF-32 is refused.
class CsvReader {
 public:
  // `name` is used in error messages ("data.csv", or "<stdin>"). `delimiter` 0 means
  // detect it from the first line: the most frequent of ',', ';', '\t', '|' outside quotes
  // (',' when none occurs). The reader does not own `in`.
  CsvReader(std::FILE* in, std::string name, char delimiter = 0, const CsvLimits& limits = {});

  // Reads the next record into fields (reusing its strings' storage); false at end of
  // input. Throws Error naming the file and line on an unterminated quote, a NUL byte, or
  // a record beyond the limits (naming the field too).
  bool next(std::vector<std::string>& fields);

  // 1-based line number where the last record returned by next() starts.
  int64_t line() const { return record_line_; }
  // 1 for each field of the last record returned by next() that was quoted, 0 for the others.
  const std::vector<uint8_t>& quoted() const { return quoted_; }
  char delimiter() const { return delimiter_; }
  const std::string& name() const { return name_; }

 private:
  int peek_char();   // next byte without consuming it, or EOF
  int get_char();    // next byte, or EOF
  bool read_block();        // the next block into the buffer; false when there is none
  void check_text() const;  // throws Error on a NUL byte in the buffer
  bool refill();            // read_block() and check_text()
  [[noreturn]] void fail_field_too_long(size_t field, int64_t quote_line) const;

  std::FILE* in_;
  std::string name_;
  char delimiter_;
  char eol_ = '\n';  // the line end: '\n' (with an optional '\r' before it) or '\r'
  CsvLimits limits_;
  std::unique_ptr<char[]> buffer_;  // kBufferSize bytes, left uninitialized (only what is read is touched)
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  int64_t line_ = 1, record_line_ = 0;
  std::vector<uint8_t> quoted_;
};

// Parses a whole field as a float32: optional surrounding spaces, optional sign, decimal or
// scientific notation, "nan", "inf", "infinity" (any case). Returns false when the field is
// not exactly a number or is out of float32's finite range (e.g. 1e39).
bool parse_float(std::string_view field, float& value);

// Appends the shortest decimal text that reads back as exactly `value` ("nan", "inf",
// "-inf" for non-finite values).
void append_float(std::string& out, float value);

// Appends `field` quoted as CSV requires when it contains the delimiter, a quote, CR or LF, or
// begins or ends with a space or tab (which a typed import trims from unquoted fields).
void append_csv_field(std::string& out, std::string_view field, char delimiter);

}  // namespace gantool
