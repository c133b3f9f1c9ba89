// Typed tables in memory.
#include "data/table.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace gantool {

Table empty_table(Schema schema) {
  Table table;
  table.columns.resize(schema.columns.size());
  table.schema = std::move(schema);
  return table;
}

void resize_rows(Table& table, int64_t rows) {
  GANTOOL_ASSERT(rows >= 0 && table.columns.size() == table.schema.columns.size());
  const auto n = static_cast<size_t>(rows);
  for (size_t c = 0; c < table.columns.size(); ++c) {
    ColumnValues& col = table.columns[c];
    const ColumnKind kind = table.schema.columns[c].kind;
    if (holds_reals(kind)) {
      col.reals.resize(n, 0.0);
    } else {
      col.ints.resize(n, is_discrete(kind) ? -1 : 0);
    }
    col.missing.resize(n, 0);
  }
  table.rows = rows;
}

void append_row(Table& dst, const Table& src, int64_t r) {
  GANTOOL_ASSERT(dst.columns.size() == src.columns.size() && r >= 0 && r < src.rows);
  const auto i = static_cast<size_t>(r);
  for (size_t c = 0; c < dst.columns.size(); ++c) {
    const ColumnValues& from = src.columns[c];
    ColumnValues& to = dst.columns[c];
    if (holds_reals(dst.schema.columns[c].kind)) {
      to.reals.push_back(from.reals[i]);
    } else {
      to.ints.push_back(from.ints[i]);
    }
    to.missing.push_back(from.missing[i]);
  }
  ++dst.rows;
}

void append_rows(Table& dst, const Table& src) {
  GANTOOL_ASSERT(dst.columns.size() == src.columns.size());
  for (size_t c = 0; c < dst.columns.size(); ++c) {
    const ColumnValues& from = src.columns[c];
    ColumnValues& to = dst.columns[c];
    to.reals.insert(to.reals.end(), from.reals.begin(), from.reals.end());
    to.ints.insert(to.ints.end(), from.ints.begin(), from.ints.end());
    to.missing.insert(to.missing.end(), from.missing.begin(), from.missing.end());
  }
  dst.rows += src.rows;
}

double number_at(const Table& table, int64_t c, int64_t r) {
  const ColumnValues& col = table.columns[static_cast<size_t>(c)];
  const auto i = static_cast<size_t>(r);
  if (col.missing[i]) return std::numeric_limits<double>::quiet_NaN();
  if (holds_reals(table.schema.columns[static_cast<size_t>(c)].kind)) return col.reals[i];
  return static_cast<double>(col.ints[i]);
}

void normalized_floats(const Table& table, const Normalization& norm, float* dst) {
  const auto cols = static_cast<int64_t>(table.columns.size());
  const bool normalized = norm.method != "none";
  for (int64_t c = 0; c < cols; ++c) {
    const double shift = normalized ? norm.shift[static_cast<size_t>(c)] : 0.0;
    const double scale = normalized ? norm.scale[static_cast<size_t>(c)] : 1.0;
    for (int64_t r = 0; r < table.rows; ++r) dst[r * cols + c] = static_cast<float>((number_at(table, c, r) - shift) / scale);
  }
}

void set_number(Table& table, int64_t c, int64_t r, double value) {
  ColumnValues& col = table.columns[static_cast<size_t>(c)];
  const ColumnKind kind = table.schema.columns[static_cast<size_t>(c)].kind;
  const auto i = static_cast<size_t>(r);
  const bool missing = std::isnan(value);
  col.missing[i] = missing ? 1 : 0;
  if (holds_reals(kind)) {
    col.reals[i] = value;
  } else if (missing) {
    col.ints[i] = is_discrete(kind) ? -1 : 0;
  } else {
    // Out-of-range values saturate (llround of them is undefined).
    constexpr double kLimit = 9.2233720368547748e18;
    col.ints[i] = value >= kLimit    ? std::numeric_limits<int64_t>::max()
                  : value <= -kLimit ? std::numeric_limits<int64_t>::min()
                                     : std::llround(value);
  }
}

bool row_has_missing(const Table& table, int64_t r) {
  for (const ColumnValues& col : table.columns)
    if (col.missing[static_cast<size_t>(r)]) return true;
  return false;
}

Table keep_columns(const Table& table, const std::vector<int64_t>& keep) {
  Schema schema = table.schema;
  schema.columns.clear();
  schema.normalization = {};
  Table out;
  for (const int64_t c : keep) {
    const auto i = static_cast<size_t>(c);
    schema.columns.push_back(table.schema.columns[i]);
    out.columns.push_back(table.columns[i]);
    if (table.schema.normalization.method != "none") {
      schema.normalization.method = table.schema.normalization.method;
      schema.normalization.shift.push_back(table.schema.normalization.shift[i]);
      schema.normalization.scale.push_back(table.schema.normalization.scale[i]);
    }
  }
  out.schema = std::move(schema);
  out.rows = table.rows;
  return out;
}

void count_categories(Table& table) {
  for (size_t c = 0; c < table.columns.size(); ++c) {
    Column& column = table.schema.columns[c];
    if (!is_discrete(column.kind)) continue;
    column.counts.assign(column.categories.size(), 0);
    for (const int64_t code : table.columns[c].ints)
      if (code >= 0) ++column.counts[static_cast<size_t>(code)];
  }
}

void mark_nullable(Table& table) {
  for (size_t c = 0; c < table.columns.size(); ++c) {
    bool any = false;
    for (const uint8_t m : table.columns[c].missing) any = any || m != 0;
    table.schema.columns[c].nullable = any;
  }
}

bool fits_numeric_matrix(const Table& table) {
  constexpr int64_t kExact = int64_t{1} << 24;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const Column& column = table.schema.columns[c];
    if (column.kind != ColumnKind::continuous && column.kind != ColumnKind::integer) return false;
    const ColumnValues& col = table.columns[c];
    for (const uint8_t m : col.missing)
      if (m) return false;
    for (const int64_t v : col.ints)
      if (v > kExact || v < -kExact) return false;
  }
  return true;
}

}  // namespace gantool
