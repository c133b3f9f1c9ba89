// gantool export: a dataset (or any 1-D/2-D numeric dataset of an HDF5 file) to CSV, so
// data flows on to any other tool. Streams by row blocks; numbers are written in the shortest
// text that reads back as the same float32 (float64 in a typed table), the other kinds of a
// typed table as they were read.
#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "data/normalize.hpp"
#include "io/dataset_file.hpp"
#include "io/row_output.hpp"
#include "io/table_csv.hpp"
#include "io/table_file.hpp"

namespace gantool {

namespace {

struct ExportOptions {
  std::string input;
  std::string out = "-";
  bool denormalize = false;
  bool no_header = false;
  std::string delimiter = ",";
  std::string na_rep;  // a typed table's missing values
};

// A typed table, each value in its column's own form (data units: the normalization of a
// typed table only says how training sees it, so --denormalize changes nothing).
void export_table(const ExportOptions& opt, const DataRef& ref, char delimiter) {
  TableReader reader(ref);
  if (opt.out != "-") refuse_overwrite(opt.out, "-o", reader.ref().path);
  DatasetMeta meta;
  meta.schema = continuous_schema(column_names(reader.meta().schema));
  RowOutput out(opt.out, reader.cols(), meta, std::nullopt, {delimiter, !opt.no_header, /*always=*/true});
  const TableCsvStyle style{delimiter, opt.na_rep};
  const int64_t block = 8192;
  Table rows;
  std::string text;
  for (int64_t first = 0; first < reader.rows(); first += block) {
    const int64_t n = std::min(block, reader.rows() - first);
    reader.read(first, n, rows);
    text.clear();
    for (int64_t r = 0; r < n; ++r) append_table_row(text, rows, r, style);
    out.append_text(text, n);
  }
  out.commit();
}

void run_export(const ExportOptions& opt) {
  const char delimiter = opt.delimiter == "tab" ? '\t' : opt.delimiter.size() == 1 ? opt.delimiter[0] : 0;
  if (delimiter == 0 || delimiter == '"' || delimiter == '\n' || delimiter == '\r')
    fail_usage("--delimiter must be one character, or 'tab' (got '{}')", opt.delimiter);
  const DataRef ref = parse_data_ref(opt.input);
  if (!ref.dataset_given && is_table_file(ref.path)) return export_table(opt, ref, delimiter);
  DatasetReader reader(ref);
  const Normalization& norm = reader.meta().schema.normalization;
  if (opt.out != "-") refuse_overwrite(opt.out, "-o", reader.ref().path);
  const int64_t cols = reader.cols();
  DatasetMeta meta;
  meta.schema = continuous_schema(column_names(reader.meta().schema));
  RowOutput out(opt.out, cols, meta, std::nullopt, {delimiter, !opt.no_header, /*always=*/true});
  const int64_t block = block_rows(cols);
  Tensor rows(block, cols);
  for (int64_t first = 0; first < reader.rows(); first += block) {
    const int64_t n = std::min(block, reader.rows() - first);
    reader.read(first, n, rows.data());
    if (opt.denormalize) {
      denormalize_rows(norm, rows.data(), n, cols);
      for (int64_t c = 0; c < cols; ++c)  // integer columns back to whole numbers
        if (reader.meta().schema.columns[static_cast<size_t>(c)].kind == ColumnKind::integer)
          for (int64_t r = 0; r < n; ++r) rows.row(r)[c] = std::nearbyint(rows.row(r)[c]);
    }
    out.append(rows.data(), n);
  }
  out.commit();
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto opt = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Write a dataset as CSV (to a file or stdout)");
  cmd->footer("Examples:\n  gantool export ring.h5 -o ring.csv\n  gantool export fake.h5 --denormalize | head");
  cmd->add_option("input", opt->input, "FILE.h5 or FILE.h5:/dataset")->required();
  cmd->add_option("-o,--out", opt->out, "Output CSV file, or '-' for stdout")->capture_default_str();
  cmd->add_flag("--denormalize", opt->denormalize, "Write data units: invert the file's normalization (if it has one)");
  cmd->add_flag("--no-header", opt->no_header, "Omit the line of column names");
  cmd->add_option("--delimiter", opt->delimiter, "Field delimiter, one character or 'tab'")->capture_default_str();
  cmd->add_option("--na-rep", opt->na_rep, "Typed tables: the text of a missing value (default: an empty field)");
  add_threads_option(cmd);
  cmd->callback([opt] { run_export(*opt); });
}

}  // namespace gantool
