// gantool sample for a tabular model: rows in the table's own form, optionally conditioned
// on the values of discrete columns (--condition COLUMN=VALUE).
#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"
#include "io/row_output.hpp"
#include "io/table_csv.hpp"
#include "io/table_file.hpp"
#include "progress.hpp"
#include "sample.hpp"
#include "tabular/tabular_gan.hpp"

namespace gantool {

namespace {

// At most this many attempts per row asked for before a condition counts as too rare.
constexpr int64_t kMaxAttemptsPerRow = 1000;

// The values of a column for messages: the first few, then how many more.
std::string listed(const std::vector<std::string>& values) {
  std::string text;
  for (size_t i = 0; i < values.size() && i < 20; ++i) text += (i ? ", " : "") + values[i];
  if (values.size() > 20) text += fmt::format(", ... ({} in all)", values.size());
  return text;
}

ColumnCondition parse_condition(const TabularTransform& t, const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) fail_usage("--condition must be COLUMN=VALUE (got '{}')", text);
  const std::string name = text.substr(0, eq), value = text.substr(eq + 1);
  const std::vector<std::string> names = column_names(t.schema);
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) fail_usage("--condition: no column '{}'; the columns are {}", name, listed(names));
  const auto c = static_cast<size_t>(it - names.begin());
  const Column& col = t.schema.columns[c];
  if (is_numeric(col.kind))
    fail_usage("--condition: column '{}' is {}; conditions take categorical and boolean columns", name,
               column_kind_name(col.kind));
  const auto k = std::find(col.categories.begin(), col.categories.end(), value);
  if (k == col.categories.end())
    fail_usage("--condition: column '{}' never holds '{}'; its values are {}", name, value, listed(col.categories));
  const auto category = static_cast<size_t>(k - col.categories.begin());
  if (t.columns[c].counts[category] == 0)
    fail_usage("--condition: no training row has {}='{}', so the model never learned it", name, value);
  return {static_cast<int64_t>(c), static_cast<int64_t>(category)};
}

}  // namespace

void add_condition_option(CLI::App* cmd, std::vector<std::string>& conditions) {
  cmd->add_option("--condition", conditions,
                  "Tabular models: every row has COLUMN=VALUE (a categorical or boolean column; repeatable)");
}

void sample_tabular(Gan& gan, const ModelMeta& meta, const TabularSampleOptions& opt, const CLI::App& cmd) {
  for (const char* flag : {"--raw", "--latent", "--save-latent", "--reject", "--batch"})
    if (cmd.count(flag) > 0) fail_usage("{} does not apply to a tabular model ({})", flag, opt.model);
  const TabularTransform& t = meta.tabular;
  std::vector<ColumnCondition> conditions;
  for (const std::string& text : opt.conditions) {
    const ColumnCondition cc = parse_condition(t, text);
    for (const ColumnCondition& other : conditions)
      if (other.column == cc.column && other.category != cc.category)
        fail_usage("--condition: two values for column '{}'", t.schema.columns[static_cast<size_t>(cc.column)].name);
    conditions.push_back(cc);
  }
  if (opt.out != "-") refuse_overwrite(opt.out, "-o", opt.model);
  const bool use_ema = opt.generator != "last" && gan.config.ema > 0;
  TiledForward g(use_ema ? gan.g_ema : gan.g, threads());
  DatasetMeta out_meta;
  out_meta.schema = t.schema;
  for (Column& col : out_meta.schema.columns) col.counts.clear();
  out_meta.source = fmt::format("sample {} (tabular, step {})", opt.model, meta.steps_done);
  out_meta.seed = opt.seed;
  const bool h5 = opt.out.size() > 3 && opt.out.compare(opt.out.size() - 3, 3, ".h5") == 0;
  std::unique_ptr<TableWriter> table_out;
  std::unique_ptr<RowOutput> csv_out;
  if (h5) {
    table_out = std::make_unique<TableWriter>(opt.out, out_meta);
  } else {
    DatasetMeta names;
    names.schema = continuous_schema(column_names(t.schema));
    csv_out = std::make_unique<RowOutput>(opt.out, width(t.schema), names, std::nullopt, CsvStyle{',', true, true});
  }
  ProgressLine progress(opt.quiet);
  const int64_t block = 4096;
  Table rows;
  std::string text;
  int64_t written = 0, attempts = 0, met = 0;
  while (written < opt.rows) {
    const int64_t n = conditions.empty() ? std::min(block, opt.rows - written) : block;
    try {
      generate_table(g, gan.config, t, opt.seed, attempts, n, conditions, rows);
    } catch (const Error& e) {
      fail("{}: {}", opt.model, e.what());
    }
    attempts += n;
    met += rows.rows;
    const int64_t keep = std::min(rows.rows, opt.rows - written);
    resize_rows(rows, keep);
    if (h5) {
      table_out->append(rows);
    } else {
      text.clear();
      for (int64_t r = 0; r < keep; ++r) append_table_row(text, rows, r, TableCsvStyle{});
      csv_out->append_text(text, keep);
    }
    written += keep;
    progress.rows("sample", written, opt.rows);
    if (attempts >= kMaxAttemptsPerRow * opt.rows + 100000 && written < opt.rows)
      fail("--condition: {} wrote only {} rows that meet every condition in {} attempts; ask for fewer "
           "conditions at once", opt.model, written, attempts);
  }
  if (h5) table_out->commit(); else csv_out->commit();
  progress.clear();
  if (!opt.quiet && opt.out != "-") {
    fmt::print(stderr, "sample: {} rows → {} in {:.2f} s", written, opt.out, progress.seconds());
    if (!conditions.empty())
      fmt::print(stderr, " ({:.3g}% of {} attempts met the conditions)", 100.0 * double(met) / double(attempts), attempts);
    fmt::print(stderr, "\n");
  }
}

}  // namespace gantool
