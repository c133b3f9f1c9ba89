// A CSV file (or stdin) read as a numeric table: header detection, column selection by name
// or number, and errors that name the line and field.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv.hpp"

namespace gantool {

struct CsvTableOptions {
  std::string header = "auto";  // auto | yes | no: is the first record a header?
  char delimiter = 0;           // 0: detect from the first line
  std::string columns;          // "a,b,3": names, or field numbers counted from 1; "" = all
};

// Streams rows of float32 from a CSV source. Cells are parsed strictly (parse_float); an
// empty cell reads as NaN, so that the caller's non-finite policy applies to it.
class CsvTable {
 public:
  // Opens `path` ("-" for stdin) and reads the header line when there is one (an empty
  // header field is named by its position, x0, x1, ...). Throws Error for a missing file,
  // empty input, two selected columns of the same name, or a selected name that is not
  // UTF-8; UsageError for unknown or ambiguous selected columns.
  CsvTable(const std::string& path, const CsvTableOptions& options);
  ~CsvTable();

  int64_t cols() const { return static_cast<int64_t>(selected_.size()); }
  // Names of the selected columns (x0, x1, ... by field position when there is no header).
  const std::vector<std::string>& columns() const { return names_; }
  const std::string& name() const { return reader_->name(); }

  // Reads up to max_rows rows into dst (max_rows × cols floats); returns the number read,
  // 0 at the end. Throws Error naming the file and line for a ragged row or a non-number.
  int64_t read(float* dst, int64_t max_rows);
  // The line on which row i of the last read() block began.
  int64_t line_of(int64_t i) const { return lines_[static_cast<size_t>(i)]; }

 private:
  bool next_record();

  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> owned_;  // the file opened (none for stdin), closed
                                                  // also when the constructor throws
  std::FILE* file_ = nullptr;
  std::unique_ptr<CsvReader> reader_;
  std::vector<std::string> fields_;
  bool pending_ = false;  // fields_ holds a data record not yet returned
  int64_t width_ = 0;     // fields per record
  int64_t first_line_ = 0;  // line of the first record, which sets width_
  std::vector<int64_t> selected_;  // field index of each output column
  std::vector<std::string> names_;
  std::vector<std::string> all_names_;
  std::vector<int64_t> lines_;
};

// Resolves a column selection ("a,b,3": names, or numbers counted from 1) against the
// available names; throws UsageError naming `what` for an unknown or repeated column, or a
// name that two columns share.
std::vector<int64_t> select_columns(const std::string& selection,
                                    const std::vector<std::string>& names, const std::string& what);

// True when `text` is valid UTF-8 (RFC 3629, section 4: no overlong forms, no surrogates,
// nothing beyond U+10FFFF).
bool is_utf8(std::string_view text);

}  // namespace gantool
