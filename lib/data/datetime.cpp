// Dates and times as text and as seconds since the epoch: a strict parser and a writer that
// share one reading of the format, and the calendar arithmetic they need.
//
// Parsing is strict so that it is the exact inverse of writing: fixed-width fields take
// exactly their digits, unpadded ones take no leading zero, month names take one spelling.
// Then a text that parses is the text that its seconds write back as.
#include "data/datetime.hpp"

#include <iterator>

#include <fmt/format.h>

namespace gantool {

namespace {

constexpr const char* kMonthShort[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kMonthLong[12] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
constexpr int64_t kSecondsPerDay = 86400;

// Days from 1970-01-01 to year-month-day, proleptic Gregorian calendar (H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms", days_from_civil: years start in March so
// that the leap day is last).
int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;                                       // [0, 399]
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Civil {
  int64_t year = 1970;
  int64_t month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

// The date of `days` after 1970-01-01 (Hinnant's civil_from_days, the inverse of the above).
void civil_from_days(int64_t days, Civil& civil) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;  // [0, 146096]
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;  // month from March, [0, 11]
  civil.day = day_of_year - (153 * mp + 2) / 5 + 1;
  civil.month = mp < 10 ? mp + 3 : mp - 9;
  civil.year = year_of_era + era * 400 + (civil.month <= 2);
}

bool is_leap_year(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int64_t days_in_month(int64_t year, int64_t month) {
  constexpr int64_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// One piece of a format: a literal byte, or a directive reading a field in some width.
enum class Field { literal, year, month, day, hour, minute, second };
enum class Width { fixed2, fixed4, unpadded, month_short, month_long };
struct Piece {
  Field field = Field::literal;
  Width width = Width::fixed2;
  char literal = 0;
  size_t length = 1;  // bytes of the format it takes
};

// The piece of `format` at `i`; false for an unknown directive or a lone '%' at the end.
bool next_piece(const std::string& format, size_t i, Piece& piece) {
  piece = Piece{};
  if (format[i] != '%') {
    piece.literal = format[i];
    return true;
  }
  const bool unpadded = i + 1 < format.size() && format[i + 1] == '-';
  const size_t at = i + 1 + unpadded;
  if (at >= format.size()) return false;
  piece.length = at - i + 1;
  piece.width = unpadded ? Width::unpadded : Width::fixed2;
  switch (format[at]) {
    case '%': piece.literal = '%'; return !unpadded;
    case 'Y': piece.field = Field::year; piece.width = Width::fixed4; return !unpadded;
    case 'm': piece.field = Field::month; return true;
    case 'd': piece.field = Field::day; return true;
    case 'H': piece.field = Field::hour; return true;
    case 'M': piece.field = Field::minute; return !unpadded;
    case 'S': piece.field = Field::second; return !unpadded;
    case 'b': piece.field = Field::month; piece.width = Width::month_short; return !unpadded;
    case 'B': piece.field = Field::month; piece.width = Width::month_long; return !unpadded;
    default: return false;
  }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads the field of `piece` from text at `pos` into `value`, moving `pos` past it.
bool read_field(std::string_view text, size_t& pos, const Piece& piece, int64_t& value) {
  if (piece.width == Width::month_short || piece.width == Width::month_long) {
    const auto& names = piece.width == Width::month_short ? kMonthShort : kMonthLong;
    for (int64_t m = 0; m < 12; ++m) {
      const std::string_view name = names[m];
      if (text.substr(pos, name.size()) == name) {
        value = m + 1;
        pos += name.size();
        return true;
      }
    }
    return false;
  }
  size_t digits = piece.width == Width::fixed4 ? 4 : 2;
  if (piece.width == Width::unpadded) {
    // One or two digits, no leading zero ("0" alone is zero).
    if (pos >= text.size() || !is_digit(text[pos])) return false;
    digits = text[pos] == '0' || pos + 1 >= text.size() || !is_digit(text[pos + 1]) ? 1 : 2;
  }
  if (text.size() - pos < digits) return false;
  value = 0;
  for (size_t k = 0; k < digits; ++k) {
    const char c = text[pos + k];
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return true;
}

void append_field(std::string& out, const Piece& piece, int64_t value) {
  auto it = std::back_inserter(out);
  switch (piece.width) {
    case Width::month_short: out += kMonthShort[value - 1]; break;
    case Width::month_long: out += kMonthLong[value - 1]; break;
    case Width::unpadded: fmt::format_to(it, "{}", value); break;
    case Width::fixed2: fmt::format_to(it, "{:02}", value); break;
    case Width::fixed4:  // years 0 to 9999 in four digits; others as they are (they do not parse)
      if (value >= 0 && value <= 9999) fmt::format_to(it, "{:04}", value);
      else fmt::format_to(it, "{}", value);
      break;
  }
}

int64_t& field_of(Civil& civil, Field field) {
  switch (field) {
    case Field::year: return civil.year;
    case Field::month: return civil.month;
    case Field::day: return civil.day;
    case Field::hour: return civil.hour;
    case Field::minute: return civil.minute;
    default: return civil.second;
  }
}

const char* field_name(Field field) {
  constexpr const char* kNames[] = {"", "year", "month", "day", "hour", "minute", "second"};
  return kNames[static_cast<int>(field)];
}

}  // namespace

bool parse_datetime(std::string_view text, const std::string& format, int64_t& seconds) {
  Civil civil;
  size_t pos = 0;
  Piece piece;
  for (size_t i = 0; i < format.size(); i += piece.length) {
    if (!next_piece(format, i, piece)) return false;
    if (piece.field == Field::literal) {
      if (pos >= text.size() || text[pos] != piece.literal) return false;
      ++pos;
    } else if (!read_field(text, pos, piece, field_of(civil, piece.field))) {
      return false;
    }
  }
  if (pos != text.size()) return false;
  if (civil.month < 1 || civil.month > 12 || civil.day < 1 || civil.day > days_in_month(civil.year, civil.month) ||
      civil.hour > 23 || civil.minute > 59 || civil.second > 59)
    return false;
  seconds = days_from_civil(civil.year, civil.month, civil.day) * kSecondsPerDay + civil.hour * 3600 +
            civil.minute * 60 + civil.second;
  return true;
}

void append_datetime(std::string& out, int64_t seconds, const std::string& format) {
  // Floor division, so that times before 1970 fall on the day before.
  int64_t days = seconds / kSecondsPerDay, rest = seconds % kSecondsPerDay;
  if (rest < 0) {
    rest += kSecondsPerDay;
    --days;
  }
  Civil civil;
  civil_from_days(days, civil);
  civil.hour = rest / 3600;
  civil.minute = rest / 60 % 60;
  civil.second = rest % 60;
  Piece piece;
  for (size_t i = 0; i < format.size(); i += piece.length) {
    if (!next_piece(format, i, piece)) {
      out += format.substr(i);  // an invalid format (datetime_format_error says so): as it is
      return;
    }
    if (piece.field == Field::literal) out.push_back(piece.literal);
    else append_field(out, piece, field_of(civil, piece.field));
  }
}

std::string datetime_format_error(const std::string& format) {
  std::string seen[7];  // the directive that gave each field
  Piece piece, previous;
  for (size_t i = 0; i < format.size(); i += piece.length) {
    if (!next_piece(format, i, piece)) {
      if (format.size() - i <= 1 || (format.size() - i == 2 && format[i + 1] == '-'))
        return "it ends in a lone '%' (write '%%' for a percent sign)";
      const size_t n = format[i + 1] == '-' ? 3 : 2;
      return fmt::format("'{}' is not a known directive (known: %Y %m %d %H %M %S %b %B %-m %-d %-H %%)",
                         format.substr(i, n));
    }
    const std::string text = format.substr(i, piece.length);
    // An unpadded number followed by a digit could not be read back: "%-m%-d" of "111".
    const bool digit_next = piece.field == Field::literal ? is_digit(piece.literal)
                                                          : piece.width != Width::month_short &&
                                                                piece.width != Width::month_long;
    if (i > 0 && previous.width == Width::unpadded && previous.field != Field::literal && digit_next)
      return fmt::format("an unpadded field is directly followed by '{}', so the two numbers cannot be "
                         "told apart; put a separator between them", text);
    if (piece.field != Field::literal) {
      std::string& first = seen[static_cast<int>(piece.field)];
      if (!first.empty())
        return fmt::format("it has the {} twice ({} and {})", field_name(piece.field), first, text);
      first = text;
    }
    previous = piece;
  }
  if (seen[static_cast<int>(Field::year)].empty()) return "it has no year (%Y)";
  if (seen[static_cast<int>(Field::month)].empty()) return "it has no month (%m, %-m, %b or %B)";
  if (seen[static_cast<int>(Field::day)].empty()) return "it has no day (%d or %-d)";
  return "";
}

const std::vector<std::string>& datetime_formats() {
  static const std::vector<std::string> formats = {
      // ISO 8601 and its space-separated form, then the same with '/'.
      "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
      "%Y-%-m-%-d", "%Y-%-m-%-d %H:%M:%S", "%Y-%-m-%-d %H:%M",
      "%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%-m/%-d", "%Y/%-m/%-d %H:%M:%S",
      "%Y/%-m/%-d %H:%M",
      // US day order first, then European.
      "%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%-m/%-d/%Y", "%-m/%-d/%Y %H:%M:%S",
      "%-m/%-d/%Y %H:%M", "%-m/%-d/%Y %-H:%M:%S", "%-m/%-d/%Y %-H:%M",
      "%d/%m/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%-d/%-m/%Y", "%-d/%-m/%Y %H:%M:%S",
      "%-d/%-m/%Y %H:%M", "%-d/%-m/%Y %-H:%M:%S", "%-d/%-m/%Y %-H:%M",
      "%d.%m.%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%-d.%-m.%Y",
      // Month names: "Jan 1 2000", "January 1, 2000", "1 Jan 2000", "01-Jan-2000".
      "%b %-d %Y", "%b %d %Y", "%b %-d, %Y", "%b %d, %Y", "%B %-d %Y", "%B %d %Y", "%B %-d, %Y",
      "%B %d, %Y", "%-d %b %Y", "%d %b %Y", "%-d %B %Y", "%d %B %Y", "%d-%b-%Y", "%-d-%b-%Y",
  };
  return formats;
}

}  // namespace gantool
