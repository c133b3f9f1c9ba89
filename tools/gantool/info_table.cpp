// gantool info on a typed table: each column's kind, missing values, and a summary (range
// and moments of a numeric column, the most frequent categories of a discrete one).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "data/datetime.hpp"
#include "data/table_summary.hpp"

namespace gantool {

namespace {

// A number of seconds as the column's dates.
std::string date_text(int64_t seconds, const std::string& format) {
  std::string text;
  append_datetime(text, seconds, format);
  return text;
}

// "17 … 90, mean 38.6, std 13.6" (dates as dates), or "-" without values.
std::string numeric_summary(const Column& column, const ColumnSummary& summary) {
  const ColumnStats& s = summary.stats;
  if (s.count == 0) return "-";
  if (column.kind == ColumnKind::datetime)
    return fmt::format("{} … {}", date_text(summary.int_min, column.format), date_text(summary.int_max, column.format));
  std::string text = column.kind == ColumnKind::integer  // integers in full and exact, not as 1.45544e+06
                         ? fmt::format("{} … {}", summary.int_min, summary.int_max)
                         : fmt::format("{:.6g} … {:.6g}", s.min, s.max);
  text += fmt::format(", mean {:.6g}, std {:.6g}", s.mean, s.stddev());
  if (s.nonfinite) text += fmt::format(", {} non-finite", s.nonfinite);
  return text;
}

// "9 categories: Private 22696, Self-emp-not-inc 2541, ..." (the five most frequent).
std::string discrete_summary(const Column& column, const ColumnSummary& s) {
  std::string text = fmt::format("{} categor{}:", column.categories.size(), column.categories.size() == 1 ? "y" : "ies");
  for (size_t k = 0; k < s.top.size() && k < 5; ++k)
    text += fmt::format("{} {} {}", k ? "," : "", quote_for_message(s.top[k].first, 24), s.top[k].second);
  if (s.top.size() > 5) text += ", …";
  return text;
}

nlohmann::json column_json(const Column& column, const ColumnSummary& s, int64_t rows) {
  nlohmann::json j = {{"name", column.name},
                      {"kind", column_kind_name(column.kind)},
                      {"missing", s.missing},
                      {"missing_rate", rows ? static_cast<double>(s.missing) / static_cast<double>(rows) : 0.0}};
  if (is_discrete(column.kind)) {
    j["categories"] = column.categories.size();
    auto& counts = j["counts"] = nlohmann::json::array();
    for (const auto& [value, count] : s.top) counts.push_back({{"value", value}, {"count", count}});
    return j;
  }
  const auto number = [&](double v) { return s.stats.count > 0 ? nlohmann::json(v) : nlohmann::json(nullptr); };
  j["count"] = s.stats.count;
  j["nonfinite"] = s.stats.nonfinite;
  j["mean"] = number(s.stats.mean);
  j["std"] = number(s.stats.stddev());
  const bool exact = !holds_reals(column.kind) && s.stats.count > 0;  // int64 in full
  j["min"] = exact ? nlohmann::json(s.int_min) : number(s.stats.min);
  j["max"] = exact ? nlohmann::json(s.int_max) : number(s.stats.max);
  if (column.kind == ColumnKind::datetime) {
    j["format"] = column.format;
    j["min_text"] = s.stats.count ? nlohmann::json(date_text(s.int_min, column.format)) : nlohmann::json(nullptr);
    j["max_text"] = s.stats.count ? nlohmann::json(date_text(s.int_max, column.format)) : nlohmann::json(nullptr);
  }
  return j;
}

}  // namespace

void print_table_info(const DataRef& ref, bool json) {
  TableReader reader(ref);
  const DatasetMeta& meta = reader.meta();
  const std::vector<ColumnSummary> summaries = summarize_table(reader);
  const Normalization& norm = meta.schema.normalization;
  if (json) {
    nlohmann::json j = {{"file", ref.path}, {"dataset", "/table"}, {"kind", "table"},
                        {"rows", reader.rows()}, {"cols", reader.cols()}, {"type", "table"}};
    auto& columns = j["columns"] = nlohmann::json::array();
    for (size_t c = 0; c < summaries.size(); ++c)
      columns.push_back(column_json(meta.schema.columns[c], summaries[c], reader.rows()));
    j["normalization"] = norm.method == "none" ? nlohmann::json(nullptr)
                                               : nlohmann::json{{"method", norm.method}, {"shift", norm.shift},
                                                                {"scale", norm.scale}};
    j["provenance"] = {{"gantool_version", meta.version}, {"command", meta.command}, {"source", meta.source}};
    j["provenance"]["seed"] = meta.seed ? nlohmann::json(*meta.seed) : nlohmann::json(nullptr);
    fmt::print("{}\n", j.dump());
    return;
  }
  fmt::print("{}: typed table, {} rows × {} columns\n", ref.path, reader.rows(), reader.cols());
  if (!meta.command.empty()) fmt::print("  made by        {}  (gantool {})\n", meta.command, meta.version);
  if (!meta.source.empty())
    fmt::print("  source         {}{}\n", meta.source, meta.seed ? fmt::format(", seed {}", *meta.seed) : "");
  if (norm.method == "none") {
    fmt::print("  normalization  none\n");
  } else {
    fmt::print("  normalization  {} of the continuous and integer columns, applied when training reads them "
               "(values are stored in data units)\n", norm.method);
  }
  fmt::print("  {:<20} {:<12} {:>14}  {}\n", "column", "kind", "missing", "values");
  for (size_t c = 0; c < summaries.size(); ++c) {
    const Column& column = meta.schema.columns[c];
    const ColumnSummary& s = summaries[c];
    const std::string missing =
        s.missing ? fmt::format("{} ({:.1f}%)", s.missing, 100.0 * static_cast<double>(s.missing) /
                                                                static_cast<double>(reader.rows()))
                  : "0";
    fmt::print("  {:<20} {:<12} {:>14}  {}\n", column.name, column_kind_name(column.kind), missing,
               is_discrete(column.kind) ? discrete_summary(column, s) : numeric_summary(column, s));
  }
}

}  // namespace gantool
