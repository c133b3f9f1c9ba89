// The second pass of typed CSV import: rows read as values of the schema the first pass
// chose, each text read exactly as the first pass read it (io/typed_csv.hpp).
#include <algorithm>

#include "core/error.hpp"
#include "data/datetime.hpp"
#include "io/typed_csv.hpp"
#include "io/typed_csv_source.hpp"

namespace gantool {

struct TypedCsvReader::Impl {
  TypedCsvSource src;
  Schema schema;
  std::vector<int64_t> lines;  // the line of each row of the last block
  Impl(const std::string& path, const TypedCsvOptions& options, const Schema& schema_in)
      : src(path, options), schema(schema_in) {}
};

namespace {

// Reads `text` into row r of `dst` (a column of kind column.kind); false when it does not fit.
bool read_value(std::string_view text, const Column& column, ColumnValues& dst, size_t r) {
  switch (column.kind) {
    case ColumnKind::continuous: return parse_real_text(text, dst.reals[r]);
    case ColumnKind::integer: return parse_int64_text(text, dst.ints[r]);
    case ColumnKind::datetime: return parse_datetime(text, column.format, dst.ints[r]);
    case ColumnKind::boolean:
      for (int64_t code = 0; code < 2; ++code) {
        if (text == column.categories[static_cast<size_t>(code)]) {
          dst.ints[r] = code;
          return true;
        }
      }
      return false;
    case ColumnKind::categorical: {
      const auto& cats = column.categories;
      const auto it = std::lower_bound(cats.begin(), cats.end(), text,
                                       [](const std::string& a, std::string_view b) { return a < b; });
      if (it == cats.end() || *it != text) return false;
      dst.ints[r] = it - cats.begin();
      return true;
    }
  }
  return false;
}

// What a value that does not fit a column of this kind is not.
std::string misfit(const Column& column) {
  switch (column.kind) {
    case ColumnKind::continuous: return "is not a number";
    case ColumnKind::integer: return "is not an integer (int64)";
    case ColumnKind::datetime: return fmt::format("is not a date in the format '{}'", column.format);
    case ColumnKind::boolean:
      return fmt::format("is neither '{}' nor '{}'", column.categories[0], column.categories[1]);
    case ColumnKind::categorical: return fmt::format("is not one of its {} categories", column.categories.size());
  }
  return "";
}

// True when `a` and `b` have the same columns: then a block's table keeps its schema as it
// is (assigning it would copy the true distribution's tensor, an allocation per block).
bool same_columns(const Schema& a, const Schema& b) {
  if (a.columns.size() != b.columns.size() || a.normalization.method != b.normalization.method ||
      a.distribution.name != b.distribution.name)
    return false;
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const Column &x = a.columns[c], &y = b.columns[c];
    if (x.name != y.name || x.kind != y.kind || x.format != y.format || x.nullable != y.nullable ||
        x.categories != y.categories || x.counts != y.counts)
      return false;
  }
  return true;
}

}  // namespace

TypedCsvReader::TypedCsvReader(const std::string& path, const TypedCsvOptions& options, const Schema& schema)
    : impl_(std::make_unique<Impl>(path, options, schema)) {
  if (impl_->src.names() != column_names(schema))
    fail("{}: its columns are no longer those it had when first read; the file changed: run again",
         impl_->src.name());
}

TypedCsvReader::~TypedCsvReader() = default;

int64_t TypedCsvReader::read(Table& dst, int64_t max_rows) {
  Impl& m = *impl_;
  const size_t cols = m.schema.columns.size();
  if (!same_columns(dst.schema, m.schema)) dst.schema = m.schema;
  dst.columns.resize(cols);
  for (size_t c = 0; c < cols; ++c) {  // the vector a column of another kind used
    if (holds_reals(m.schema.columns[c].kind)) dst.columns[c].ints.clear();
    else dst.columns[c].reals.clear();
  }
  resize_rows(dst, 0);
  m.lines.clear();
  int64_t n = 0;
  while (n < max_rows && m.src.next()) {
    resize_rows(dst, n + 1);  // the new row: 0, or code -1, not missing
    const auto r = static_cast<size_t>(n);
    for (size_t c = 0; c < cols; ++c) {
      const Column& column = m.schema.columns[c];
      ColumnValues& values = dst.columns[c];
      if (m.src.missing(c)) {
        if (!column.nullable)
          fail("{}:{}: column {} ({}): {} is missing, but no value of the column was when the file was first "
               "read; the file changed: run again", m.src.name(), m.src.line(), quote_for_message(column.name),
               column_kind_name(column.kind), quote_for_message(m.src.text(c)));
        values.missing[r] = 1;
      } else if (!read_value(m.src.text(c), column, values, r)) {
        fail("{}:{}: column {} ({}): {} {}; the file changed since it was first read: run again", m.src.name(),
             m.src.line(), quote_for_message(column.name), column_kind_name(column.kind),
             quote_for_message(m.src.text(c)), misfit(column));
      }
    }
    m.lines.push_back(m.src.line());
    ++n;
  }
  return n;
}

std::string TypedCsvReader::where(int64_t i) const {
  GANTOOL_ASSERT(i >= 0 && i < static_cast<int64_t>(impl_->lines.size()));
  return fmt::format("{}:{}", impl_->src.name(), impl_->lines[static_cast<size_t>(i)]);
}

}  // namespace gantool
