// Typed table rows as CSV text.
#include "io/table_csv.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

#include "data/datetime.hpp"
#include "io/csv.hpp"

namespace gantool {

void append_table_value(std::string& out, const Table& table, int64_t c, int64_t r, const TableCsvStyle& style) {
  const Column& column = table.schema.columns[static_cast<size_t>(c)];
  const ColumnValues& col = table.columns[static_cast<size_t>(c)];
  const auto i = static_cast<size_t>(r);
  if (col.missing[i]) return append_csv_field(out, style.na_rep, style.delimiter);
  char buffer[64];
  switch (column.kind) {
    case ColumnKind::continuous: {
      // A NaN value (not a missing one) as "-nan": "nan" and "NaN" are missing markers of
      // the typed import, "-nan" is not, and pandas reads it as NaN.
      if (std::isnan(col.reals[i])) {
        out += "-nan";
        return;
      }
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, col.reals[i]).ptr;
      out.append(buffer, end);
      // A whole number keeps a ".0", so that it reads back as continuous, not integer.
      if (std::isfinite(col.reals[i]) && std::string_view(buffer, static_cast<size_t>(end - buffer)).find_first_of(".e") ==
                                             std::string_view::npos)
        out += ".0";
      return;
    }
    case ColumnKind::integer: {
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, col.ints[i]).ptr;
      out.append(buffer, end);
      return;
    }
    case ColumnKind::datetime: {
      std::string text;
      append_datetime(text, col.ints[i], column.format);
      return append_csv_field(out, text, style.delimiter);
    }
    case ColumnKind::boolean:
    case ColumnKind::categorical:
      return append_csv_field(out, column.categories[static_cast<size_t>(col.ints[i])], style.delimiter);
  }
}

void append_table_row(std::string& out, const Table& table, int64_t r, const TableCsvStyle& style) {
  const size_t start = out.size();
  for (int64_t c = 0; c < static_cast<int64_t>(table.columns.size()); ++c) {
    if (c) out += style.delimiter;
    append_table_value(out, table, c, r, style);
  }
  // An empty line would be skipped when read back: a row of one empty value is written "".
  if (out.size() == start) out += "\"\"";
  out += '\n';
}

}  // namespace gantool
