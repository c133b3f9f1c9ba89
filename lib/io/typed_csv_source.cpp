// The file, header, columns and cell texts shared by the two passes of typed CSV import.
#include "io/typed_csv_source.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/error.hpp"
#include "data/datetime.hpp"
#include "io/csv_table.hpp"

namespace gantool {

const char* const kBooleanSpellings[kBooleanPairs][2] = {
    {"false", "true"}, {"False", "True"}, {"FALSE", "TRUE"}, {"no", "yes"}, {"No", "Yes"}, {"NO", "YES"}};

namespace {

// For a decimal text that from_chars accepted whole but found out of range ("1e400",
// "1e-400"), true when its magnitude is below 1 (an underflow, not an overflow).
bool magnitude_below_one(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  const size_t e = std::min(text.find_first_of("eE"), text.size());
  const std::string_view mantissa = text.substr(0, e);
  const size_t point = std::min(mantissa.find('.'), mantissa.size());
  const size_t first = mantissa.find_first_not_of("0.");
  if (first == std::string_view::npos) return true;
  // Decimal exponent of the first nonzero digit: "12.5" -> 1, "0.05" -> -2.
  const int64_t lead = first < point ? static_cast<int64_t>(point - first - 1) : -static_cast<int64_t>(first - point);
  int64_t exponent = 0, sign = 1;
  size_t i = e + 1;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) sign = text[i++] == '-' ? -1 : 1;
  for (; i < text.size(); ++i) exponent = std::min<int64_t>(exponent * 10 + (text[i] - '0'), 1000000);
  return lead + sign * exponent < 0;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// "'a', 'b', ... (50 in all)": the first names of a list, for messages.
std::string some_names(const std::vector<std::string>& names) {
  constexpr size_t kShown = 8;
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) out += (i ? ", " : "") + quote_for_message(names[i], 24);
  if (names.size() > kShown) out += fmt::format(", ... ({} in all)", names.size());
  return out;
}

}  // namespace

// Digits whose leading zeros mean something (zip codes, identifiers: "02134", "007"), or
// more digits than any int64 has (an identifier): text, not a number, so that they come
// back as written.
bool identifier_digits(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (text.size() > 1 && text[0] == '0' && text[1] >= '0' && text[1] <= '9') return true;
  return digits && text.size() > 19;
}

bool parse_int64_text(std::string_view text, int64_t& value) {
  if (identifier_digits(text)) return false;
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool parse_real_text(std::string_view text, double& value) {
  if (identifier_digits(text)) return false;
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ptr != end) return false;
  if (ec == std::errc::result_out_of_range) {
    if (!magnitude_below_one(text)) return false;
    value = text.front() == '-' ? -0.0 : 0.0;
    return true;
  }
  return ec == std::errc();
}

int boolean_pair(std::string_view text, bool& value) {
  for (int p = 0; p < kBooleanPairs; ++p) {
    for (int v = 0; v < 2; ++v) {
      if (text == kBooleanSpellings[p][v]) {
        value = v == 1;
        return p;
      }
    }
  }
  return -1;
}

TypedCsvSource::TypedCsvSource(const std::string& path, const TypedCsvOptions& options)
    : na_values_(options.na_values) {
  std::error_code ec;
  const std::string& name = options.name.empty() ? path : options.name;  // a spooled stream: its own name
  if (!std::filesystem::exists(path, ec)) fail("{}: no such file", name);
  if (std::filesystem::is_directory(path, ec)) fail("{}: is a folder, not a CSV file", name);
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) fail("{}: cannot read: {}", name, std::strerror(errno));
  reader_ = std::make_unique<CsvReader>(file_.get(), name, options.csv.delimiter);
  if (!reader_->next(fields_)) fail("{}: empty input: no rows", name);
  width_ = static_cast<int64_t>(fields_.size());
  first_line_ = reader_->line();
  read_header(options);
  keep_columns(options);
}

TypedCsvSource::~TypedCsvSource() = default;

void TypedCsvSource::read_header(const TypedCsvOptions& options) {
  const std::string& header = options.csv.header;
  if (header != "auto" && header != "yes" && header != "no")
    fail_usage("--header must be auto, yes or no (got '{}')", header);
  std::vector<std::string> first;
  for (size_t i = 0; i < fields_.size(); ++i) {
    std::string_view text = fields_[i];
    if (!reader_->quoted()[i]) {
      while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
      while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    }
    first.emplace_back(text);
  }
  bool has_header = header == "yes";
  if (header == "auto") {
    // A header: every field non-empty (but the first of several, where pandas writes its index
    // column with no name), none a number, a date or a missing marker (two equal names are
    // then refused, as in any header).
    has_header = true;
    bool any_text = false;  // a field that could be a name
    for (size_t i = 0; i < first.size(); ++i) {
      const std::string& f = first[i];
      if (f.empty() && i == 0 && first.size() > 1) continue;
      double number;
      int64_t seconds;
      bool date = false;
      for (const std::string& format : datetime_formats()) date = date || parse_datetime(f, format, seconds);
      const bool marker = std::find(na_values_.begin(), na_values_.end(), f) != na_values_.end();
      const bool text = !f.empty() && !parse_real_text(f, number) && !marker;
      has_header = has_header && text && !date;
      any_text = any_text || text;
    }
    guessed_no_header_ = !has_header && any_text;
  }
  for (size_t i = 0; i < first.size(); ++i) {
    nameless_.push_back(has_header && first[i].empty());
    all_names_.push_back(has_header && !first[i].empty() ? first[i] : fmt::format("x{}", i));
  }
  if (has_header) {
    if (!reader_->next(fields_)) fail("{}: has a header line but no data rows", name());
  }
  pending_ = true;
}

void TypedCsvSource::keep_columns(const TypedCsvOptions& options) {
  const std::vector<int64_t> selected = select_columns(options.csv.columns, all_names_, name());
  std::vector<uint8_t> dropped(all_names_.size(), 0);
  kept_.resize(all_names_.size());  // kept_index() looks among every column here
  for (size_t i = 0; i < kept_.size(); ++i) kept_[i] = static_cast<int64_t>(i);
  names_ = all_names_;
  const std::string& drop = options.drop_columns;
  for (size_t pos = 0; !drop.empty() && pos <= drop.size();) {
    const size_t comma = std::min(drop.find(',', pos), drop.size());
    dropped[kept_index(drop.substr(pos, comma - pos), "--drop-columns")] = 1;
    pos = comma + 1;
  }
  kept_.clear();
  names_.clear();
  for (int64_t f : selected) {
    if (dropped[static_cast<size_t>(f)]) continue;
    kept_.push_back(f);
    names_.push_back(all_names_[static_cast<size_t>(f)]);
  }
  if (kept_.empty()) fail_usage("{}: no columns are left to read (see --columns and --drop-columns)", name());
  // Two kept columns of one name could not be told apart in the table (sorting, not comparing
  // every pair: a file may have 262,144 columns).
  if (const auto [a, b] = first_duplicate(all_names_, kept_); a >= 0) {
    const int64_t nameless = nameless_[static_cast<size_t>(a)] ? a : nameless_[static_cast<size_t>(b)] ? b : -1;
    fail("{}: columns {} and {} are both named {}{}; keep one of them with --columns or --drop-columns (names, or "
         "numbers from 1)", name(), a + 1, b + 1, quote_for_message(all_names_[static_cast<size_t>(a)]),
         nameless < 0 ? std::string() : fmt::format(" (column {} has no name in the header, so it is named by its "
                                                    "position)", nameless + 1));
  }
  for (size_t a = 0; a < names_.size(); ++a)
    if (!is_utf8(names_[a]))
      fail("{}: the name of column {}, {}, is not UTF-8: convert the file to UTF-8 first (for Latin-1: iconv "
           "-f LATIN1 -t UTF-8)", name(), kept_[a] + 1, quote_for_message(names_[a]));
  texts_.resize(kept_.size());
  missing_.resize(kept_.size());
}

bool TypedCsvSource::next() {
  if (!pending_ && !reader_->next(fields_)) return false;
  pending_ = false;
  if (static_cast<int64_t>(fields_.size()) != width_)
    fail("{}:{}: row has {} fields, expected {} as on line {}", name(), line(), fields_.size(), width_, first_line_);
  split_row();
  return true;
}

void TypedCsvSource::split_row() {
  const std::vector<uint8_t>& quoted = reader_->quoted();
  for (size_t c = 0; c < kept_.size(); ++c) {
    const auto f = static_cast<size_t>(kept_[c]);
    std::string_view text = fields_[f];
    if (!quoted[f]) {
      while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
      while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    }
    texts_[c] = text;
    bool missing = false;
    for (const std::string& na : na_values_) missing = missing || text == na;
    missing_[c] = missing;
  }
}

size_t TypedCsvSource::kept_index(const std::string& column, const std::string& flag) const {
  int64_t field = -1;
  const auto it = std::find(all_names_.begin(), all_names_.end(), column);
  if (it != all_names_.end()) {
    field = it - all_names_.begin();
    const auto again = std::find(it + 1, all_names_.end(), column);
    if (again != all_names_.end())
      fail_usage("{}: {}: columns {} and {} are both named {}; give one by number (e.g. {} {})", flag, name(),
                 field + 1, again - all_names_.begin() + 1, quote_for_message(column), flag, field + 1);
  } else {
    int64_t number = 0;
    const auto [end, ec] = std::from_chars(column.data(), column.data() + column.size(), number);
    if (ec == std::errc() && end == column.data() + column.size() && number >= 1 &&
        number <= static_cast<int64_t>(all_names_.size()))
      field = number - 1;
  }
  if (field < 0)
    fail_usage("{}: {} has no column {} (columns: {}; or give numbers 1..{})", flag, name(),
               quote_for_message(column), some_names(all_names_), all_names_.size());
  const auto kept = std::find(kept_.begin(), kept_.end(), field);
  if (kept == kept_.end())
    fail_usage("{}: column {} is not read (see --columns and --drop-columns)", flag, quote_for_message(column));
  return static_cast<size_t>(kept - kept_.begin());
}

std::string TypedCsvSource::flag_name(size_t c) const {
  const std::string& n = names_[c];
  const bool plain = n.find_first_of(", \t'\"\\$`") == std::string::npos &&
                     std::count(all_names_.begin(), all_names_.end(), n) == 1 && !n.empty();
  return plain ? n : fmt::format("{}", kept_[c] + 1);
}

}  // namespace gantool
