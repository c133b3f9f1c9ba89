// Helpers of the typed CSV tests: both passes over a file, and the message of what they throw.
#pragma once

#include <cstdint>
#include <string>

#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/table.hpp"
#include "io/typed_csv.hpp"
#include "scratch.hpp"

namespace gantool_test {

// A scratch folder name of its own for each use (test cases may run in parallel processes).
inline std::string unique_name(const std::string& prefix) {
  static int count = 0;
  return fmt::format("{}_{}_{}", prefix, ::getpid(), count++);
}

// What the first pass found and the table the second pass read, a block at a time.
struct ReadCsv {
  gantool::CsvInference inference;
  gantool::Table table;
};
inline ReadCsv read_csv(const std::string& path, const gantool::TypedCsvOptions& options = {}, int64_t block = 3) {
  ReadCsv r;
  r.inference = gantool::infer_csv_schema(path, options);
  gantool::TypedCsvReader reader(path, options, r.inference.schema);
  r.table = gantool::empty_table(r.inference.schema);
  gantool::Table part;
  while (reader.read(part, block) > 0) gantool::append_rows(r.table, part);
  return r;
}

// A CSV text in a scratch file t.csv.
struct Csv {
  ScratchDir dir{unique_name("typed_csv")};
  std::string path;
  explicit Csv(const std::string& text) : path(dir / "t.csv") { dir.write("t.csv", text); }
  ReadCsv read(const gantool::TypedCsvOptions& options = {}) const { return read_csv(path, options); }
};

// The message of what reading `text` (both passes) throws, with the folder cut off
// ("t.csv:3: ..."), and whether it was a UsageError; an empty message when nothing is thrown.
struct Outcome {
  std::string message;
  bool usage = false;
};
inline Outcome outcome(const std::string& text, const gantool::TypedCsvOptions& options = {}) {
  const Csv csv(text);
  const auto cut = [&](std::string m) {
    for (size_t at; (at = m.find(csv.path)) != std::string::npos;) m.replace(at, csv.path.size(), "t.csv");
    return m;
  };
  try {
    csv.read(options);
  } catch (const gantool::UsageError& e) {
    return {cut(e.what()), true};
  } catch (const gantool::Error& e) {
    return {cut(e.what()), false};
  }
  return {};
}

// The kinds of the inferred columns, in order.
inline std::vector<gantool::ColumnKind> kinds(const gantool::CsvInference& inference) {
  std::vector<gantool::ColumnKind> out;
  for (const gantool::Column& c : inference.schema.columns) out.push_back(c.kind);
  return out;
}

}  // namespace gantool_test
