// gantool prepare, typed tables: a CSV file (its column kinds inferred from the whole input)
// or a typed-table HDF5 file, filtered, shuffled, split and written by data/table_pipeline.
// A CSV that is all numbers without missing values still becomes a numeric matrix (/data),
// as before typed tables existed; anything else a typed table (/table).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "data/table_pipeline.hpp"
#include "prepare.hpp"

namespace gantool {

namespace {

// Splits "a,b,c" at commas (an empty item is the empty text).
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    items.push_back(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return items;
    pos = comma + 1;
  }
}

// The typed-CSV options of prepare's flags.
TypedCsvOptions typed_csv_options(const PrepareOptions& opt, const CLI::App& cmd, const std::string& name) {
  TypedCsvOptions t;
  t.csv = opt.csv;
  t.name = name;
  t.drop_columns = opt.table.drop_columns;
  if (cmd.count("--na-values") > 0) t.na_values = split_list(opt.table.na_values);
  t.max_categories = opt.table.max_categories;
  for (const auto& list : opt.table.categorical)
    for (const auto& c : split_list(list)) t.categorical.push_back(c);
  for (const auto& list : opt.table.integer)
    for (const auto& c : split_list(list)) t.integer.push_back(c);
  for (const auto& list : opt.table.continuous)
    for (const auto& c : split_list(list)) t.continuous.push_back(c);
  for (const auto& item : opt.table.datetime) {
    const size_t eq = item.find('=');
    t.datetime.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
  }
  return t;
}

// Copies a stream that cannot be read twice (stdin, a pipe, a device) to `spool`, for the
// two passes. Stops after the first block holding a NUL byte: the reader then names it (an
// endless binary stream such as /dev/zero must not fill the disk).
void spool_stream(const std::string& from, const std::string& spool) {
  std::error_code ec;
  if (std::filesystem::is_directory(from, ec)) fail("{}: is a folder, not a CSV file", from);
  if (from != "-" && !std::filesystem::exists(from, ec)) fail("{}: no such file", from);
  std::FILE* in = from == "-" ? stdin : std::fopen(from.c_str(), "rb");
  if (!in) fail("{}: cannot open: {}", from, std::strerror(errno));
  std::FILE* out = std::fopen(spool.c_str(), "wb");
  if (!out) fail("cannot write a temporary copy of {} beside the output ({})", from, std::strerror(errno));
  std::vector<char> buffer(size_t{1} << 20);
  bool binary = false;
  while (!binary) {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    if (n == 0) break;
    binary = std::memchr(buffer.data(), '\0', n) != nullptr;
    if (std::fwrite(buffer.data(), 1, n, out) != n) {
      std::fclose(out);
      fail("cannot write a temporary copy of {} beside the output (disk full?)", from);
    }
  }
  const bool failed = std::ferror(in) != 0;
  if (in != stdin) std::fclose(in);
  if (std::fclose(out) != 0) fail("cannot write a temporary copy of {} beside the output (disk full?)", from);
  if (failed) fail("{}: read error: {}", from, std::strerror(errno));
}

// True when a file can be read twice from the start (a regular file).
bool rereadable(const std::string& path) {
  std::error_code ec;
  return path != "-" && std::filesystem::is_regular_file(path, ec);
}

// "6 integer, 9 categorical" for the columns of a schema.
std::string kind_summary(const Schema& schema) {
  std::string out;
  for (ColumnKind kind : {ColumnKind::continuous, ColumnKind::integer, ColumnKind::boolean, ColumnKind::categorical,
                          ColumnKind::datetime}) {
    int64_t n = 0;
    for (const Column& c : schema.columns) n += c.kind == kind;
    if (n) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, column_kind_name(kind));
  }
  return out;
}

// True when float32 keeps `v` as it was written: the shortest text of (float)v reads back
// as v ("0.1", "2.5e-3", what gantool exports; not "31.95376472", nor 1e39).
bool float_keeps(double v) {
  if (!std::isfinite(v)) return true;
  const auto f = static_cast<float>(v);
  char text[32];
  const char* end = std::to_chars(text, text + sizeof text, f).ptr;
  double back = 0;
  std::from_chars(text, end, back);
  return std::isfinite(f) && back == v;
}

// True when the rows of src are numbers that a float32 matrix holds as written: continuous
// values that float32 keeps, integers within ±2^24, nothing missing (unless such rows are
// dropped). Reads the values once to see (and rewinds).
bool fits_matrix(TableStream& src, bool dropping_missing) {
  for (const Column& c : src.schema().columns) {
    if (c.kind != ColumnKind::continuous && c.kind != ColumnKind::integer) return false;
    if (c.nullable && !dropping_missing) return false;
  }
  constexpr int64_t kExact = int64_t{1} << 24;
  Table block;
  bool fits = true;
  while (fits && src.read(block, 8192) > 0)
    for (const ColumnValues& col : block.columns) {
      for (const int64_t v : col.ints) fits = fits && v >= -kExact && v <= kExact;
      for (const double v : col.reals) fits = fits && float_keeps(v);
    }
  src.rewind();
  return fits;
}

}  // namespace

std::vector<int64_t> kept_columns(const PrepareOptions& opt, const std::vector<std::string>& names,
                                  const std::string& what) {
  std::vector<int64_t> keep = select_columns(opt.csv.columns, names, what);
  if (opt.table.drop_columns.empty()) return keep;
  const std::vector<int64_t> drop = select_columns(opt.table.drop_columns, names, what);
  std::vector<int64_t> out;
  for (const int64_t c : keep)
    if (std::find(drop.begin(), drop.end(), c) == drop.end()) out.push_back(c);
  if (out.empty()) fail_usage("--drop-columns leaves no column of {}", what);
  return out;
}

namespace {

void print_summary(const PrepareOptions& opt, const TablePrepared& done, const Schema& schema, bool matrix) {
  if (opt.quiet) return;
  fmt::print(stderr, "prepare: wrote {} rows × {} columns ({}) to {}", done.train_rows, schema.columns.size(),
             kind_summary(schema), opt.out);
  if (opt.split > 0) fmt::print(stderr, " and {} rows to {}", done.test_rows, opt.test_out);
  if (done.dropped)
    fmt::print(stderr, " (dropped {} row{} with missing or non-finite values)", done.dropped, done.dropped == 1 ? "" : "s");
  int64_t nullable = 0;
  for (const Column& c : schema.columns) nullable += c.nullable;
  if (!matrix && nullable && !opt.table.drop_missing)
    fmt::print(stderr, "; {} column{} with missing values", nullable, nullable == 1 ? "" : "s");
  fmt::print(stderr, "\n");
}

}  // namespace

void add_table_options(CLI::App* cmd, TableFlags& flags) {
  const char* tables = "Tables";
  cmd->add_option("--categorical", flags.categorical, "Read these columns as categories (COL[,COL...])")->group(tables);
  cmd->add_option("--integer", flags.integer, "Read these columns as integers")->group(tables);
  cmd->add_option("--continuous", flags.continuous, "Read these columns as real numbers")->group(tables);
  cmd->add_option("--datetime", flags.datetime,
                  "Read a column as dates: COL or COL=FORMAT (%Y-%m-%d, %d/%m/%Y %H:%M, ...; repeatable)")
      ->group(tables);
  cmd->add_option("--drop-columns", flags.drop_columns, "Leave out these columns, by name or number from 1")->group(tables);
  cmd->add_option("--na-values", flags.na_values,
                  "Texts that mean missing, comma-separated (replaces the default: empty, NA, N/A, NaN, nan, null, "
                  "NULL, None, ?)")
      ->group(tables);
  cmd->add_option("--max-categories", flags.max_categories, "Most distinct texts a categorical column may have")
      ->capture_default_str()->group(tables);
  cmd->add_flag("--drop-missing", flags.drop_missing, "Drop the rows with a missing value (else they are kept)")
      ->group(tables);
}

bool prepare_table_input(PrepareOptions& opt, const CLI::App& cmd, bool csv_input) {
  const auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  TablePrepareOptions t;
  t.input = opt.from == "-" ? std::string("<stdin>") : opt.from;
  t.out = opt.out;
  t.test_out = opt.test_out;
  t.split = opt.split;
  t.shuffle = opt.shuffle;
  t.seed = opt.seed;
  t.limit = opt.limit;
  t.drop_missing = opt.table.drop_missing;
  t.drop_nonfinite = opt.drop_nonfinite;
  t.normalize = opt.normalize;
  DatasetMeta meta;
  meta.command = command_line();
  if (opt.shuffle || opt.split > 0) meta.seed = opt.seed;

  if (!csv_input) {
    const DataRef ref = parse_data_ref(opt.from);
    if (ref.dataset_given || !is_table_file(ref.path)) return false;
    for (const char* flag : {"--categorical", "--integer", "--continuous", "--datetime", "--na-values",
                             "--max-categories"})
      if (given(flag)) fail_usage("{} applies to CSV input, but {} is already a typed table", flag, opt.from);
    TableReader probe(ref);
    const std::vector<int64_t> keep = kept_columns(opt, column_names(probe.meta().schema), ref.display());
    TableStream src(ref, keep);
    meta.source = "hdf5 " + ref.display();
    const TablePrepared done = prepare_table(src, t, meta);
    print_summary(opt, done, src.schema(), false);
    return true;
  }

  // A stream is copied beside the output first, for the two passes.
  const std::string name = opt.from == "-" ? std::string("<stdin>") : opt.from;
  std::unique_ptr<TempFile> spool;
  std::string path = opt.from;
  if (!rereadable(opt.from)) {
    spool = std::make_unique<TempFile>(opt.out);
    spool_stream(opt.from, spool->path());
    path = spool->path();
  }
  const TypedCsvOptions options = typed_csv_options(opt, cmd, name);
  const CsvInference inferred = infer_csv_schema(path, options);
  TableStream src(path, options, inferred.schema);
  t.matrix = fits_matrix(src, t.drop_missing || t.drop_nonfinite);
  meta.source = "csv " + name;
  const TablePrepared done = prepare_table(src, t, meta);
  print_summary(opt, done, src.schema(), t.matrix);
  if (!opt.quiet)  // after the summary: an error, had there been one, stays the only line
    for (const std::string& note : inferred.notes) fmt::print(stderr, "prepare: note: {}\n", note);
  return true;
}

}  // namespace gantool
