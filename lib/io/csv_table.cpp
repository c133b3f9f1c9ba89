// Numeric tables from CSV text.
#include "io/csv_table.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/error.hpp"

namespace gantool {

std::vector<int64_t> select_columns(const std::string& selection,
                                    const std::vector<std::string>& names, const std::string& what) {
  std::vector<int64_t> out;
  if (selection.empty()) {
    for (size_t i = 0; i < names.size(); ++i) out.push_back(static_cast<int64_t>(i));
    return out;
  }
  size_t pos = 0;
  while (pos <= selection.size()) {
    const size_t comma = std::min(selection.find(',', pos), selection.size());
    const std::string token = selection.substr(pos, comma - pos);
    pos = comma + 1;
    auto it = std::find(names.begin(), names.end(), token);
    int64_t index = -1;
    if (it != names.end()) {
      index = it - names.begin();
    } else {
      int64_t number = 0;
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), number);
      if (ec == std::errc() && end == token.data() + token.size() && number >= 1 &&
          number <= static_cast<int64_t>(names.size()))
        index = number - 1;
    }
    if (index < 0)
      fail_usage("--columns: {} has no column '{}' (columns: {}; or give numbers 1..{})", what, token,
                 fmt::join(names, ", "), names.size());
    if (std::find(out.begin(), out.end(), index) != out.end())
      fail_usage("--columns: column '{}' is selected twice", token);
    out.push_back(index);
  }
  return out;
}

CsvTable::CsvTable(const std::string& path, const CsvTableOptions& options) {
  std::string name = path;
  if (path == "-") {
    file_ = stdin;
    name = "<stdin>";
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail("{}: no such file", path);
    if (std::filesystem::is_directory(path, ec)) fail("{}: is a folder, not a CSV file", path);
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) fail("{}: cannot read: {}", path, std::strerror(errno));
    owns_file_ = true;
  }
  reader_ = std::make_unique<CsvReader>(file_, name, options.delimiter);
  if (!next_record()) fail("{}: empty input: no rows", name);
  width_ = static_cast<int64_t>(fields_.size());
  first_line_ = reader_->line();

  bool numeric = true;
  for (const auto& f : fields_) {
    float v;
    numeric = numeric && parse_float(f, v);
  }
  bool has_header;
  if (options.header == "yes") has_header = true;
  else if (options.header == "no") has_header = false;
  else if (options.header == "auto") has_header = !numeric;
  else fail_usage("--header must be auto, yes or no (got '{}')", options.header);

  if (has_header) {
    all_names_ = fields_;
    for (size_t i = 0; i < all_names_.size(); ++i)
      if (all_names_[i].empty()) all_names_[i] = fmt::format("x{}", i);
  } else {
    for (int64_t i = 0; i < width_; ++i) all_names_.push_back(fmt::format("x{}", i));
    pending_ = true;
  }
  selected_ = select_columns(options.columns, all_names_, name);
  for (int64_t i : selected_) names_.push_back(all_names_[static_cast<size_t>(i)]);
  if (has_header && !next_record()) fail("{}: has a header line but no data rows", name);
  pending_ = pending_ || has_header;
}

CsvTable::~CsvTable() {
  if (owns_file_) std::fclose(file_);
}

bool CsvTable::next_record() { return reader_->next(fields_); }

int64_t CsvTable::read(float* dst, int64_t max_rows) {
  lines_.clear();
  int64_t n = 0;
  while (n < max_rows) {
    if (!pending_ && !next_record()) break;
    pending_ = false;
    const int64_t line = reader_->line();
    if (static_cast<int64_t>(fields_.size()) != width_)
      fail("{}:{}: row has {} fields, expected {} as on line {}", name(), line, fields_.size(),
           width_, first_line_);
    for (size_t c = 0; c < selected_.size(); ++c) {
      const std::string& cell = fields_[static_cast<size_t>(selected_[c])];
      float& v = dst[n * cols() + static_cast<int64_t>(c)];
      if (cell.find_first_not_of(" \t") == std::string::npos) {
        v = std::numeric_limits<float>::quiet_NaN();  // a missing value
      } else if (!parse_float(cell, v)) {
        fail("{}:{}: field {} ('{}'): '{}' is not a number (pick numeric columns with --columns)", name(), line, selected_[c] + 1,
             names_[c], cell.size() > 40 ? cell.substr(0, 40) + "..." : cell);
      }
    }
    lines_.push_back(line);
    ++n;
  }
  return n;
}

}  // namespace gantool
