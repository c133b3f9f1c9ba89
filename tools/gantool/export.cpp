// gantool export: a dataset (or any 1-D/2-D numeric dataset of an HDF5 file) to CSV, so
// data flows on to any other tool. Streams by row blocks; numbers are written in the shortest
// text that reads back as the same float32 (float64 in a typed table), the other kinds of a
// typed table as they were read.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "data/image.hpp"
#include "data/normalize.hpp"
#include "io/dataset_file.hpp"
#include "io/png.hpp"
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
  bool quiet = false;
  int64_t limit = -1;  // the first rows only
};

// The rows to export: all, or the first --limit.
int64_t rows_to_export(const ExportOptions& opt, int64_t rows) { return opt.limit < 0 ? rows : std::min(opt.limit, rows); }

// True when an image dataset goes to CSV rather than to a folder of PNG files: -o is stdout,
// a device or pipe, or FILE.csv.
bool csv_output(const std::string& out) {
  std::string lower = out;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out == "-" || is_stream_target(out) || (lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".csv") == 0);
}

// A class name as a folder name: '/' (and NUL) become '_'; a name that is empty or starts
// with '.' (which import would skip as hidden) gets a leading '_'.
std::string folder_name(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (c == '/' || c == '\0') c = '_';
  if (out.empty() || out[0] == '.') out = "_" + out;
  return out;
}

// An image dataset as PNG files in the new folder opt.out: OUT/NNNNNN.png for row NNNNNN, or
// OUT/CLASS/NNNNNN.png when the file has labels (the layout prepare --from reads back).
void export_images(const ExportOptions& opt, DatasetReader& reader) {
  const std::vector<int64_t> shape = reader.meta().image;
  if (shape[0] != 1 && shape[0] != 3)
    fail("{}: images of {} channels; PNG export writes grey (1) or RGB (3) images: export CSV with -o FILE.csv",
         reader.ref().display(), shape[0]);
  const std::optional<Labels> labels = reader.ref().dataset == "/data" ? read_labels(reader.ref().path) : std::nullopt;
  TempFolder folder(opt.out);
  std::vector<std::string> class_dirs;
  if (labels)
    for (const std::string& name : labels->names) {
      const std::string dir = folder_name(name);
      if (std::find(class_dirs.begin(), class_dirs.end(), dir) != class_dirs.end())
        fail("{}: two classes share the folder name {}; rename one", reader.ref().display(), quote_for_message(dir));
      class_dirs.push_back(dir);
      std::error_code ec;
      if (!std::filesystem::create_directory(folder.path() + "/" + dir, ec))
        throw Error(write_error_message(folder.target() + "/" + dir, ec.value() ? ec.value() : EIO));
    }
  const int64_t n = rows_to_export(opt, reader.rows()), cols = reader.cols();
  const int digits = std::max<int>(6, static_cast<int>(std::to_string(std::max<int64_t>(n - 1, 0)).size()));
  const int64_t block = block_rows(cols);
  Tensor rows(block, cols);
  Image image{shape[0], shape[1], shape[2], std::vector<uint8_t>(static_cast<size_t>(cols))};
  for (int64_t first = 0; first < n; first += block) {
    const int64_t m = std::min(block, n - first);
    reader.read(first, m, rows.data());
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t i = 0; i < cols; ++i) image.pixels[static_cast<size_t>(i)] = pixel_byte(rows.row(r)[i]);
      const int64_t row = first + r;
      const std::string sub = labels ? class_dirs[static_cast<size_t>(labels->values[static_cast<size_t>(row)])] + "/" : "";
      write_png_direct(fmt::format("{}/{}{:0{}}.png", folder.path(), sub, row, digits), image);
    }
  }
  folder.commit();
  if (!opt.quiet)
    fmt::print(stderr, "export: wrote {} PNG files of {} to {}/{}\n", n, image_shape_text(shape), folder.target(),
               labels ? fmt::format(", one folder per class ({})", labels->names.size()) : "");
}

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
  const int64_t total = rows_to_export(opt, reader.rows());
  for (int64_t first = 0; first < total; first += block) {
    const int64_t n = std::min(block, total - first);
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
  if (opt.limit == 0 || opt.limit < -1) fail_usage("--limit must be at least 1 (got {})", opt.limit);
  const DataRef ref = parse_data_ref(opt.input);
  if (!ref.dataset_given && is_table_file(ref.path)) return export_table(opt, ref, delimiter);
  DatasetReader reader(ref);
  const Normalization& norm = reader.meta().schema.normalization;
  if (opt.out != "-") refuse_overwrite(opt.out, "-o", reader.ref().path);
  if (!reader.meta().image.empty() && !csv_output(opt.out)) return export_images(opt, reader);
  const int64_t cols = reader.cols();
  DatasetMeta meta;
  meta.schema = continuous_schema(column_names(reader.meta().schema));
  RowOutput out(opt.out, cols, meta, std::nullopt, {delimiter, !opt.no_header, /*always=*/true});
  const int64_t block = block_rows(cols), total = rows_to_export(opt, reader.rows());
  Tensor rows(block, cols);
  for (int64_t first = 0; first < total; first += block) {
    const int64_t n = std::min(block, total - first);
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
  cmd->footer("An image dataset goes to a new folder of PNG files (OUT/000000.png, ..., or OUT/CLASS/000000.png\n"
              "when it has labels), or to CSV when -o is FILE.csv or '-'.\n\n"
              "Examples:\n  gantool export ring.h5 -o ring.csv\n  gantool export fake.h5 --denormalize | head\n"
              "  gantool export fashion.h5 --limit 100 -o pictures/");
  cmd->add_option("input", opt->input, "FILE.h5 or FILE.h5:/dataset")->required();
  cmd->add_option("-o,--out", opt->out, "Output CSV file, or '-' for stdout; for images, a new folder")
      ->capture_default_str();
  cmd->add_option("--limit", opt->limit, "Export only the first ROWS rows");
  cmd->add_flag("-q,--quiet", opt->quiet, "Images: print nothing on success");
  cmd->add_flag("--denormalize", opt->denormalize, "Write data units: invert the file's normalization (if it has one)");
  cmd->add_flag("--no-header", opt->no_header, "Omit the line of column names");
  cmd->add_option("--delimiter", opt->delimiter, "Field delimiter, one character or 'tab'")->capture_default_str();
  cmd->add_option("--na-rep", opt->na_rep, "Typed tables: the text of a missing value (default: an empty field)");
  add_threads_option(cmd);
  cmd->callback([opt] { run_export(*opt); });
}

}  // namespace gantool
