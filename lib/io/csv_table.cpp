// Numeric tables from CSV text.
#include "io/csv_table.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>

#include "core/error.hpp"

namespace gantool {

namespace {

// The first names of a long list, quoted for a message: "'a', 'b', ... (5000 in all)".
std::string some_names(const std::vector<std::string>& names) {
  constexpr size_t kShown = 8;
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShown; ++i)
    out += (i ? ", " : "") + quote_for_message(names[i], 24);
  if (names.size() > kShown) out += fmt::format(", ... ({} in all)", names.size());
  return out;
}

// The 0-based positions of the first two equal names in names[i] for i in `selected`, or
// {-1, -1} when they are all different.
std::pair<int64_t, int64_t> first_duplicate(const std::vector<std::string>& names,
                                            const std::vector<int64_t>& selected) {
  std::vector<int64_t> order = selected;
  const auto name = [&](int64_t i) -> const std::string& { return names[static_cast<size_t>(i)]; };
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return name(a) < name(b); });
  std::pair<int64_t, int64_t> found{-1, -1};
  for (size_t k = 1; k < order.size(); ++k) {
    if (name(order[k - 1]) != name(order[k])) continue;
    const auto pair = std::minmax(order[k - 1], order[k]);
    if (found.first < 0 || pair.first < found.first) found = pair;
  }
  return found;
}

}  // namespace

bool is_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      const unsigned lo = k == 1 && c == 0xE0 ? 0xA0 : k == 1 && c == 0xF0 ? 0x90 : 0x80;
      const unsigned hi = k == 1 && c == 0xED ? 0x9F : k == 1 && c == 0xF4 ? 0x8F : 0xBF;
      if (b < lo || b > hi) return false;
    }
    i += n;
  }
  return true;
}

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
      const auto again = std::find(it + 1, names.end(), token);
      if (again != names.end())
        fail_usage("--columns: {}: columns {} and {} are both named {}; pick one by number (e.g. --columns {})",
                   what, index + 1, again - names.begin() + 1, quote_for_message(token), index + 1);
    } else {
      int64_t number = 0;
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), number);
      if (ec == std::errc() && end == token.data() + token.size() && number >= 1 &&
          number <= static_cast<int64_t>(names.size()))
        index = number - 1;
    }
    if (index < 0)
      fail_usage("--columns: {} has no column {} (columns: {}; or give numbers 1..{})", what,
                 quote_for_message(token), some_names(names), names.size());
    if (std::find(out.begin(), out.end(), index) != out.end())
      fail_usage("--columns: column {} is selected twice", quote_for_message(token));
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
    owned_.reset(std::fopen(path.c_str(), "rb"));
    if (!owned_) fail("{}: cannot read: {}", path, std::strerror(errno));
    file_ = owned_.get();
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
  // Two kept columns of the same name could not be told apart in the dataset.
  if (const auto [a, b] = first_duplicate(all_names_, selected_); a >= 0) {
    const bool made_up = fields_[static_cast<size_t>(a)].empty() || fields_[static_cast<size_t>(b)].empty();
    fail("{}: columns {} and {} are both named {}{}; keep one of them with --columns (names, or numbers "
         "from 1)", name, a + 1, b + 1, quote_for_message(all_names_[static_cast<size_t>(a)]),
         made_up ? fmt::format(" (column {} has no name in the header, so it is named by its position)",
                               fields_[static_cast<size_t>(a)].empty() ? a + 1 : b + 1)
                 : std::string());
  }
  for (int64_t i : selected_) {
    // Names are stored in the dataset as UTF-8 text (and printed in JSON by info --json).
    const std::string& column = all_names_[static_cast<size_t>(i)];
    if (!is_utf8(column))
      fail("{}: the name of column {}, {}, is not UTF-8: convert the file to UTF-8 first (for "
           "Latin-1: iconv -f LATIN1 -t UTF-8)", name, i + 1, quote_for_message(column));
    names_.push_back(column);
  }
  if (has_header && !next_record()) fail("{}: has a header line but no data rows", name);
  pending_ = pending_ || has_header;
}

CsvTable::~CsvTable() = default;

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
        fail("{}:{}: field {} ({}): {} is not a number (pick numeric columns with --columns)", name(), line,
             selected_[c] + 1, quote_for_message(names_[c]), quote_for_message(cell));
      }
    }
    lines_.push_back(line);
    ++n;
  }
  return n;
}

}  // namespace gantool
