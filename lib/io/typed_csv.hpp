// CSV files read as typed tables, in two passes over the file: infer_csv_schema() reads every
// row once to choose each column's kind (data/schema.hpp), then TypedCsvReader reads the rows
// as a Table, a block at a time. Memory does not grow with the file: inference keeps at most
// max_categories + 1 distinct texts per column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/table.hpp"
#include "io/csv_table.hpp"

namespace gantool {

// The texts that mean "missing" by default.
const std::vector<std::string>& default_na_values();

struct TypedCsvOptions {
  std::string name;          // the input as messages name it ("<stdin>"); "" = the path
  // header: "auto" takes the first record as a header when every field is non-empty (after
  // trimming; but the first of several may be empty, as pandas writes its index column) and
  // none is a number, a date (datetime_formats()) or one of na_values (two equal names are
  // refused); else the columns are named x0, x1, ... (an empty field of a header is named by
  // its position).
  CsvTableOptions csv;       // header, delimiter, and `columns`: the columns to keep ("" = all)
  std::string drop_columns;  // columns to leave out, by name or number from 1 ("" = none)
  std::vector<std::string> na_values = default_na_values();  // texts read as missing (after trimming,
                                                             // quoted or not)
  int64_t max_categories = 1000;  // a text column with more distinct values is refused
  // Kinds forced by the user, by column name or field number from 1 (--categorical, --integer,
  // --continuous; each item may be a list "a,b,3"), and datetime columns, one per pair, with
  // their format ("" = infer it) (--datetime COL[=FORMAT]). A column given two kinds, not
  // found, or not kept is a UsageError.
  std::vector<std::string> categorical, integer, continuous;
  std::vector<std::pair<std::string, std::string>> datetime;
};

// What the first pass found.
struct CsvInference {
  Schema schema;   // the kept columns with their kinds, categories (byte order, with counts),
                   // boolean labels, datetime formats, nullable
  int64_t rows = 0;  // data records
  // Sentences worth telling the user (not errors), each starting with the file's name: a
  // column read as categorical although 90% of its values are numbers (or dates of one
  // format), naming the first other value and its line; a column with no values; a first line
  // that header "auto" read as data although it has text in it.
  std::vector<std::string> notes;
};

// Reads the CSV file at `path` (not stdin: the caller spools it first) once and infers each
// kept column's kind from all its values, trimmed of surrounding spaces (quoted fields are
// kept as they are) and with na_values read as missing:
//   every value an integer in int64 text form ("-12", "+7") → integer; every value a number
//   (std::from_chars, with "inf", "-inf" and "nan") → continuous;
//   every value one spelling of a boolean pair (true/false, yes/no, in one case: "True"/"False"
//   ...) → boolean; every value a date in one of datetime_formats() that reads back as the
//   same text → datetime; else categorical, when there are at most max_categories distinct
//   values. A column with only missing values is continuous.
// Categories are kept in byte order with their counts. Throws UsageError naming the column and
// the flags that fix it (--max-categories, --drop-columns; and for a column of numbers with a
// few words, the line and value of the first word, --na-values and --categorical) for a text
// column with too many values, and for an override that does not fit a value (naming the
// file, line, column and value); Error for a ragged row (naming the line) or a category that
// is not UTF-8.
CsvInference infer_csv_schema(const std::string& path, const TypedCsvOptions& options);

// The second pass: reads the rows of the CSV at `path` as values of `schema` (from
// infer_csv_schema with the same options).
class TypedCsvReader {
 public:
  TypedCsvReader(const std::string& path, const TypedCsvOptions& options, const Schema& schema);
  ~TypedCsvReader();

  // Replaces dst's rows with the next up to max_rows rows (dst takes the schema); returns the
  // number read, 0 at the end. Throws Error naming the file, line, column and value for a value
  // that does not fit its column (the file changed since the first pass).
  int64_t read(Table& dst, int64_t max_rows);
  // "FILE:LINE" of row i of the last block, for messages.
  std::string where(int64_t i) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gantool
