// What both passes of typed CSV import share (io/typed_csv.hpp): the file opened with its
// header and kept columns, each row as the trimmed texts of those columns with their missing
// flags, and the one reading of a text as an integer, a number or a boolean.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv.hpp"
#include "io/typed_csv.hpp"

namespace gantool {

// Reads `text` as an int64 written in decimal ("-12", "+7"); false for anything else,
// including a value beyond int64's range and digits with a leading zero ("007", "02134":
// an identifier, kept as text).
bool parse_int64_text(std::string_view text, int64_t& value);

// Reads `text` as a double with std::from_chars ("1.5", "-2e-3", "+4", "inf", "-inf", "nan",
// any case); false when it is not exactly a number or overflows (a too small one is 0), and
// for digits with a leading zero or more than 19 digits (identifiers, kept as text).
bool parse_real_text(std::string_view text, double& value);

// The spellings of false and true that make a boolean column, each pair in one case:
// {"false", "true"}, {"False", "True"}, {"FALSE", "TRUE"}, {"no", "yes"}, {"No", "Yes"}, {"NO", "YES"}.
constexpr int kBooleanPairs = 6;
extern const char* const kBooleanSpellings[kBooleanPairs][2];

// The pair that `text` is one spelling of (with `value` set to it), or -1.
int boolean_pair(std::string_view text, bool& value);

// A CSV file opened for typed reading: the header read (or made up), the kept columns
// resolved, and a row at a time their texts: unquoted fields trimmed of surrounding spaces
// and tabs, quoted ones as they are, each flagged missing when it is one of options.na_values.
class TypedCsvSource {
 public:
  // Opens `path`. Throws Error for a missing file, empty input, a header without rows, two
  // kept columns of one name, or a name that is not UTF-8; UsageError for bad selections.
  TypedCsvSource(const std::string& path, const TypedCsvOptions& options);
  ~TypedCsvSource();

  const std::string& name() const { return reader_->name(); }
  // The names of the kept columns, and their field numbers in the file (from 0).
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<int64_t>& fields() const { return kept_; }
  // True when header "auto" found no header though the first record has a text field (not
  // a number nor a missing marker) that might have been a name.
  bool header_absent_by_guess() const { return guessed_no_header_; }

  // Reads the next data row; false at the end. Throws Error naming the line for a ragged row.
  bool next();
  int64_t line() const { return reader_->line(); }
  // Kept column c of the current row: its text, and whether it is a missing marker.
  std::string_view text(size_t c) const { return texts_[c]; }
  bool missing(size_t c) const { return missing_[c] != 0; }

  // The kept column that `column` names (a name, or a field number from 1), for the flag
  // `flag`; throws UsageError listing the columns when there is none, or it is not kept.
  size_t kept_index(const std::string& column, const std::string& flag) const;
  // How a flag should name kept column c: its name, or its number when the name has a comma.
  std::string flag_name(size_t c) const;

 private:
  void read_header(const TypedCsvOptions& options);
  void keep_columns(const TypedCsvOptions& options);
  void split_row();  // texts_ and missing_ of fields_

  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<CsvReader> reader_;
  std::vector<std::string> na_values_;
  std::vector<std::string> fields_;       // the current record
  std::vector<std::string> all_names_;    // one per field
  std::vector<uint8_t> nameless_;         // one per field: an empty field of the header
  std::vector<std::string> names_;        // one per kept column
  std::vector<int64_t> kept_;             // field of each kept column
  std::vector<std::string_view> texts_;   // one per kept column, into fields_
  std::vector<uint8_t> missing_;          // one per kept column
  bool pending_ = false;  // fields_ holds a data record not yet returned
  bool guessed_no_header_ = false;
  int64_t width_ = 0, first_line_ = 0;
};

}  // namespace gantool
