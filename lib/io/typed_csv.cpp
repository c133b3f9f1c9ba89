// The first pass of typed CSV import: every value of every kept column is looked at once,
// and each column's kind chosen from all of them (io/typed_csv.hpp).
//
// Per column, the pass counts missing values, numbers and integers; keeps the boolean pair
// and the datetime formats (a bit each) that every value so far fits; and counts distinct
// texts in a hash map of at most max_categories entries (dropped when one more appears).
#include "io/typed_csv.hpp"

#include <algorithm>
#include <bit>
#include <unordered_map>

#include "core/error.hpp"
#include "data/datetime.hpp"
#include "io/typed_csv_source.hpp"

namespace gantool {

namespace {

enum class Forced { none, categorical, integer, continuous, datetime };

struct ValueStats {
  Forced forced = Forced::none;
  std::string flag;    // the flag that forced the kind, for messages ("--integer age")
  std::string format;  // datetime: the format given ("" = infer one)
  int64_t missing = 0, values = 0, numbers = 0, integers = 0, trues = 0;
  std::string first_word;  // the first value that is not a number, and its line
  int64_t first_word_line = 0;
  int boolean = -1;    // the boolean pair of every value so far (-1: none seen yet, -2: none)
  uint64_t formats = 0;  // bit f: datetime_formats()[f] reads and writes back every value so far
  int64_t dated = 0;     // values fitting some format before the last was ruled out
  std::string ruled_out;  // the value that ruled out the last format, and its line
  int64_t ruled_out_line = 0;
  std::unordered_map<std::string, int64_t> distinct;  // text → rows, until there are too many
  bool too_many = false;
  std::string key;  // scratch for lookups in `distinct`
};

// True when text fits the kind the user forced (a categorical or inferred column fits anything).
bool fits_override(const ValueStats& s, std::string_view text) {
  int64_t i;
  double d;
  switch (s.forced) {
    case Forced::integer: return parse_int64_text(text, i);
    case Forced::continuous: return parse_real_text(text, d);
    case Forced::datetime: return s.format.empty() || parse_datetime(text, s.format, i);
    default: return true;
  }
}

[[noreturn]] void fail_misfit(const TypedCsvSource& src, size_t c, const ValueStats& s, std::string_view text) {
  const std::string what = s.forced == Forced::integer      ? "is not an integer (int64)"
                           : s.forced == Forced::continuous ? "is not a number"
                                                            : fmt::format("is not a date in the format '{}'", s.format);
  fail_usage("{}:{}: column {} ({}): {} {}; if it marks a missing value, add it to --na-values (which replaces "
             "the default list); else change or leave out {}, or fix the file",
             src.name(), src.line(), quote_for_message(src.names()[c]), s.flag, quote_for_message(text), what, s.flag);
}

// Counts one value (not missing) of a column being inferred.
void observe(ValueStats& s, std::string_view text, int64_t line, int64_t max_categories, std::string& scratch) {
  ++s.values;
  int64_t integer;
  double real;
  if (parse_int64_text(text, integer)) {
    ++s.integers;
    ++s.numbers;
  } else if (parse_real_text(text, real)) {
    ++s.numbers;
  } else if (s.first_word_line == 0) {
    s.first_word = text;
    s.first_word_line = line;
  }
  if (s.boolean != -2) {
    bool value = false;
    const int pair = boolean_pair(text, value);
    s.boolean = pair >= 0 && (s.boolean == -1 || s.boolean == pair) ? pair : -2;
    s.trues += value;
  }
  if (s.formats != 0) {
    const std::vector<std::string>& formats = datetime_formats();
    for (uint64_t bits = s.formats; bits != 0; bits &= bits - 1) {
      const int f = std::countr_zero(bits);
      int64_t seconds = 0;
      bool fits = parse_datetime(text, formats[static_cast<size_t>(f)], seconds);
      if (fits) {
        scratch.clear();
        append_datetime(scratch, seconds, formats[static_cast<size_t>(f)]);
        fits = scratch == text;
      }
      if (!fits) s.formats &= ~(uint64_t{1} << f);
    }
    if (s.formats == 0) {
      s.dated = s.values - 1;
      s.ruled_out = text;
      s.ruled_out_line = line;
    }
  }
  if (!s.too_many) {
    s.key.assign(text);
    const auto it = s.distinct.find(s.key);
    if (it != s.distinct.end()) {
      ++it->second;
    } else if (static_cast<int64_t>(s.distinct.size()) < max_categories) {
      s.distinct.emplace(s.key, 1);
    } else {
      s.too_many = true;
      s.distinct = {};  // frees its memory
    }
  }
}

// Reads the overrides of `options` into the stats of the columns they name.
void apply_overrides(const TypedCsvSource& src, const TypedCsvOptions& options, std::vector<ValueStats>& stats) {
  const auto force = [&](const std::string& column, Forced kind, const std::string& flag, const std::string& format) {
    const std::string shown = kind == Forced::datetime && !format.empty() ? column + "=" + format : column;
    ValueStats& s = stats[src.kept_index(column, flag)];
    if (s.forced != Forced::none)
      fail_usage("{} {}: column {} is also given as {}; give one kind per column", flag, shown,
                 quote_for_message(column), s.flag);
    s.forced = kind;
    s.flag = flag + " " + shown;
    s.format = format;
  };
  const auto force_list = [&](const std::vector<std::string>& list, Forced kind, const std::string& flag) {
    for (const std::string& item : list) {
      for (size_t pos = 0; pos <= item.size();) {  // "a,b,3": each a column
        const size_t comma = std::min(item.find(',', pos), item.size());
        force(item.substr(pos, comma - pos), kind, flag, "");
        pos = comma + 1;
      }
    }
  };
  force_list(options.categorical, Forced::categorical, "--categorical");
  force_list(options.integer, Forced::integer, "--integer");
  force_list(options.continuous, Forced::continuous, "--continuous");
  for (const auto& [column, format] : options.datetime) {
    if (!format.empty()) {
      const std::string error = datetime_format_error(format);
      if (!error.empty()) fail_usage("--datetime {}={}: not a valid format: {}", column, format, error);
    }
    force(column, Forced::datetime, "--datetime", format);
  }
}

// For a column of numbers but for a few words (at least 90% of its values numbers), or of
// dates but for a few (90% fit one format before a value ruled the last format out): a
// sentence saying so and the line of the first odd value; else an empty sentence.
struct Stray {
  std::string sentence;
  int64_t line = 0;
};
Stray stray_values(const ValueStats& s) {
  const int64_t others = s.values - s.numbers - 1;
  if (s.numbers < s.values && s.numbers * 10 >= s.values * 9)
    return {fmt::format("its values are numbers but {} (line {}){}", quote_for_message(s.first_word),
                        s.first_word_line, others > 0 ? fmt::format(" and {} more", others) : ""),
            s.first_word_line};
  if (s.ruled_out_line > 0 && s.dated * 10 >= s.values * 9)
    return {fmt::format("its values are dates but {} (line {}) is not in the format of those before it",
                        quote_for_message(s.ruled_out), s.ruled_out_line),
            s.ruled_out_line};
  return {};
}

void make_categorical(const TypedCsvSource& src, size_t c, ValueStats& s, const TypedCsvOptions& options,
                      Column& column) {
  const std::string name = quote_for_message(src.names()[c]);
  const std::string flag = src.flag_name(c);
  if (s.too_many) {
    const Stray stray = stray_values(s);
    if (!stray.sentence.empty() && s.forced == Forced::none)
      fail_usage("{}:{}: column {}: {}; as text it would have more than {} categories. If those mark missing "
                 "values, add them to --na-values (which replaces the default list); to read the column as "
                 "text, give --categorical {} --max-categories N; or fix the file",
                 src.name(), stray.line, name, stray.sentence, options.max_categories, flag);
    fail_usage("{}: column {} has more than {} distinct values, too many for a categorical column; leave it out "
               "with --drop-columns {}, or allow more with --max-categories N",
               src.name(), name, options.max_categories, flag);
  }
  std::vector<std::pair<std::string, int64_t>> sorted(s.distinct.begin(), s.distinct.end());
  std::sort(sorted.begin(), sorted.end());  // byte order (distinct keys)
  for (auto& [text, rows] : sorted) {
    if (!is_utf8(text))
      fail("{}: column {} has the value {}, which is not UTF-8: convert the file to UTF-8 first (for Latin-1: "
           "iconv -f LATIN1 -t UTF-8)", src.name(), name, quote_for_message(text));
    column.categories.push_back(std::move(text));
    column.counts.push_back(rows);
  }
}

// The column that the stats of kept column c make, with any note for the user.
Column decide(const TypedCsvSource& src, size_t c, ValueStats& s, const TypedCsvOptions& options,
              std::vector<std::string>& notes) {
  Column column;
  column.name = src.names()[c];
  column.nullable = s.missing > 0;
  const std::string name = quote_for_message(column.name);
  const bool inferred = s.forced == Forced::none;
  if (s.forced == Forced::datetime && s.format.empty() && s.formats == 0)
    fail_usage("{}:{}: column {} ({}): no one date format reads every value ({} rules out the last one); give "
               "the format with --datetime {}=FORMAT (directives %Y %m %d %H %M %S %b %B %-m %-d %-H), add the "
               "value to --na-values if it marks a missing value, or fix the file",
               src.name(), s.ruled_out_line, name, s.flag, quote_for_message(s.ruled_out), src.flag_name(c));
  if (s.forced == Forced::continuous || (inferred && s.values == 0)) {
    column.kind = ColumnKind::continuous;
    if (inferred) notes.push_back(fmt::format("{}: column {} has no values (all missing): read as continuous", src.name(), name));
  } else if (s.forced == Forced::integer || (inferred && s.integers == s.values)) {
    column.kind = ColumnKind::integer;
  } else if (inferred && s.numbers == s.values) {
    column.kind = ColumnKind::continuous;
  } else if (inferred && s.boolean >= 0) {
    column.kind = ColumnKind::boolean;
    column.categories = {kBooleanSpellings[s.boolean][0], kBooleanSpellings[s.boolean][1]};
    column.counts = {s.values - s.trues, s.trues};
  } else if (s.forced == Forced::datetime || (inferred && s.formats != 0)) {
    column.kind = ColumnKind::datetime;
    column.format = !s.format.empty() ? s.format : datetime_formats()[static_cast<size_t>(std::countr_zero(s.formats))];
  } else {
    column.kind = ColumnKind::categorical;
    make_categorical(src, c, s, options, column);
    const Stray stray = inferred ? stray_values(s) : Stray{};
    if (!stray.sentence.empty())
      notes.push_back(fmt::format("{}: column {} read as categorical: {}; if those mark missing values, add them "
                                  "to --na-values (which replaces the default list), or fix the file",
                                  src.name(), name, stray.sentence));
  }
  return column;
}

}  // namespace

const std::vector<std::string>& default_na_values() {
  static const std::vector<std::string> values = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"};
  return values;
}

CsvInference infer_csv_schema(const std::string& path, const TypedCsvOptions& options) {
  if (options.max_categories < 1) fail_usage("--max-categories must be at least 1 (got {})", options.max_categories);
  TypedCsvSource src(path, options);
  const size_t cols = src.names().size();
  std::vector<ValueStats> stats(cols);
  apply_overrides(src, options, stats);
  const uint64_t all_formats = datetime_formats().size() == 64 ? ~uint64_t{0}
                                                               : (uint64_t{1} << datetime_formats().size()) - 1;
  // Which columns are inferred from their values: all but those of a kind (and format) given.
  std::vector<uint8_t> observed(cols);
  for (size_t c = 0; c < cols; ++c) {
    const ValueStats& s = stats[c];
    observed[c] = s.forced == Forced::none || s.forced == Forced::categorical ||
                  (s.forced == Forced::datetime && s.format.empty());
    stats[c].formats = observed[c] && s.forced != Forced::categorical ? all_formats : 0;
  }

  CsvInference inference;
  std::string scratch;
  while (src.next()) {
    ++inference.rows;
    for (size_t c = 0; c < cols; ++c) {
      ValueStats& s = stats[c];
      if (src.missing(c)) {
        ++s.missing;
        continue;
      }
      const std::string_view text = src.text(c);
      if (!fits_override(s, text)) fail_misfit(src, c, s, text);
      if (observed[c])
        observe(s, text, src.line(), options.max_categories, scratch);
      else
        ++s.values;
    }
  }
  if (src.header_absent_by_guess())
    inference.notes.push_back(fmt::format(
        "{}: the first line is read as data, not as a header (a header has distinct, non-empty names, none of them "
        "a number, a date or a missing marker); the columns are named x0, x1, ...; give --header yes if it is a "
        "header", src.name()));
  for (size_t c = 0; c < cols; ++c) inference.schema.columns.push_back(decide(src, c, stats[c], options, inference.notes));
  return inference;
}

}  // namespace gantool
