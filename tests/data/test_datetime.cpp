// Tests of data/datetime: known epoch values, leap years, dates that do not exist, each
// directive, seconds before 1970, the validation of formats, and text → seconds → text and
// seconds → text → seconds round trips on random times for every candidate format.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/rng.hpp"
#include "data/datetime.hpp"

using namespace gantool;

namespace {

// Seconds of `text` in `format`, or a sentinel when it does not parse.
constexpr int64_t kRefused = INT64_MIN;
int64_t parsed(const std::string& text, const std::string& format) {
  int64_t seconds = 0;
  return parse_datetime(text, format, seconds) ? seconds : kRefused;
}

std::string written(int64_t seconds, const std::string& format) {
  std::string out = "keep:";
  append_datetime(out, seconds, format);
  return out.substr(5);
}

// Days from 1970-01-01 counted the slow way, day by day over the years and months: an
// independent check of the calendar arithmetic.
int64_t naive_days(int64_t year, int64_t month, int64_t day) {
  const auto leap = [](int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  const int64_t month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t days = 0;
  for (int64_t y = 1970; y < year; ++y) days += leap(y) ? 366 : 365;
  for (int64_t y = year; y < 1970; ++y) days -= leap(y) ? 366 : 365;
  for (int64_t m = 1; m < month; ++m) days += month_days[m - 1] + (m == 2 && leap(year));
  return days + day - 1;
}

// The seconds of the first and the last second of years 0000 to 9999.
const int64_t kFirst = -62167219200;
const int64_t kLast = 253402300799;

}  // namespace

TEST_CASE("datetime: known seconds since the epoch", "[datetime]") {
  CHECK(parsed("1970-01-01", "%Y-%m-%d") == 0);
  CHECK(parsed("2012-01-01", "%Y-%m-%d") == 1325376000);
  CHECK(parsed("2012/01/01", "%Y/%m/%d") == 1325376000);
  CHECK(parsed("2000-02-29T12:34:56", "%Y-%m-%dT%H:%M:%S") == 951827696);
  CHECK(parsed("2038-01-19 03:14:08", "%Y-%m-%d %H:%M:%S") == int64_t{1} << 31);
  CHECK(parsed("1969-12-31 23:59:59", "%Y-%m-%d %H:%M:%S") == -1);
  CHECK(parsed("1900-01-01", "%Y-%m-%d") == -2208988800);
  CHECK(parsed("0000-01-01", "%Y-%m-%d") == kFirst);
  CHECK(parsed("9999-12-31 23:59:59", "%Y-%m-%d %H:%M:%S") == kLast);
  CHECK(written(1325376000, "%Y-%m-%d") == "2012-01-01");
  CHECK(written(-1, "%Y-%m-%dT%H:%M:%S") == "1969-12-31T23:59:59");
  CHECK(written(kFirst, "%Y-%m-%d") == "0000-01-01");
  CHECK(written(kLast, "%d %B %Y %H:%M:%S") == "31 December 9999 23:59:59");
}

TEST_CASE("datetime: the calendar agrees with a day-by-day count from 1600 to 2400", "[datetime]") {
  for (int64_t year = 1600; year <= 2400; year += 7) {
    for (int64_t month = 1; month <= 12; ++month) {
      for (int64_t day : {1, 15, 28}) {
        const std::string text = fmt::format("{:04}-{:02}-{:02}", year, month, day);
        INFO(text);
        REQUIRE(parsed(text, "%Y-%m-%d") == naive_days(year, month, day) * 86400);
      }
    }
  }
}

TEST_CASE("datetime: leap years, and dates that do not exist are refused", "[datetime]") {
  CHECK(parsed("2000-02-29", "%Y-%m-%d") != kRefused);  // divisible by 400
  CHECK(parsed("2024-02-29", "%Y-%m-%d") != kRefused);
  CHECK(parsed("1900-02-29", "%Y-%m-%d") == kRefused);  // divisible by 100 only
  CHECK(parsed("2023-02-29", "%Y-%m-%d") == kRefused);
  CHECK(parsed("2021-02-30", "%Y-%m-%d") == kRefused);
  CHECK(parsed("2021-04-31", "%Y-%m-%d") == kRefused);
  CHECK(parsed("2021-13-01", "%Y-%m-%d") == kRefused);
  CHECK(parsed("2021-00-10", "%Y-%m-%d") == kRefused);
  CHECK(parsed("2021-01-00", "%Y-%m-%d") == kRefused);
  CHECK(parsed("2021-01-01 24:00:00", "%Y-%m-%d %H:%M:%S") == kRefused);
  CHECK(parsed("2021-01-01 23:60:00", "%Y-%m-%d %H:%M:%S") == kRefused);
  CHECK(parsed("2021-01-01 23:59:60", "%Y-%m-%d %H:%M:%S") == kRefused);  // no leap seconds
  CHECK(parsed("2000-03-01", "%Y-%m-%d") - parsed("2000-02-28", "%Y-%m-%d") == 2 * 86400);
  CHECK(parsed("1900-03-01", "%Y-%m-%d") - parsed("1900-02-28", "%Y-%m-%d") == 86400);
}

TEST_CASE("datetime: the text must be exactly the format", "[datetime]") {
  CHECK(parsed("2021-01-01 ", "%Y-%m-%d") == kRefused);  // trailing characters
  CHECK(parsed("2021-01-0", "%Y-%m-%d") == kRefused);    // a digit short
  CHECK(parsed("2021-1-01", "%Y-%m-%d") == kRefused);    // %m takes two digits
  CHECK(parsed("21-01-01", "%Y-%m-%d") == kRefused);     // %Y takes four
  CHECK(parsed("2021/01/01", "%Y-%m-%d") == kRefused);
  CHECK(parsed("", "%Y-%m-%d") == kRefused);
  CHECK(parsed("2021-01-01T10:00", "%Y-%m-%dT%H:%M:%S") == kRefused);  // a missing field
  CHECK(parsed("+021-01-01", "%Y-%m-%d") == kRefused);
  // Unpadded fields take one or two digits, never a leading zero.
  CHECK(parsed("1/5/2020", "%-m/%-d/%Y") == parsed("2020-01-05", "%Y-%m-%d"));
  CHECK(parsed("12/25/2020", "%-m/%-d/%Y") == parsed("2020-12-25", "%Y-%m-%d"));
  CHECK(parsed("01/05/2020", "%-m/%-d/%Y") == kRefused);
  CHECK(parsed("1/5/2020 0:30", "%-m/%-d/%Y %-H:%M") == parsed("2020-01-05 00:30", "%Y-%m-%d %H:%M"));
  CHECK(parsed("1/5/2020 09:30", "%-m/%-d/%Y %-H:%M") == kRefused);
  // Month names, in one spelling each.
  CHECK(parsed("Jan 1 2000", "%b %-d %Y") == parsed("2000-01-01", "%Y-%m-%d"));
  CHECK(parsed("1 Sep 2000", "%-d %b %Y") == parsed("2000-09-01", "%Y-%m-%d"));
  CHECK(parsed("September 1, 2000", "%B %-d, %Y") == parsed("2000-09-01", "%Y-%m-%d"));
  CHECK(parsed("Sept 1 2000", "%b %-d %Y") == kRefused);
  CHECK(parsed("jan 1 2000", "%b %-d %Y") == kRefused);
  CHECK(parsed("100% 2000-01-01", "100%% %Y-%m-%d") == parsed("2000-01-01", "%Y-%m-%d"));
  CHECK(written(0, "100%% %Y") == "100% 1970");
  CHECK(written(parsed("2000-01-05", "%Y-%m-%d"), "%-d/%-m/%Y %-H:%M") == "5/1/2000 0:00");
}

TEST_CASE("datetime: seconds before 1970 write and read back", "[datetime]") {
  for (int64_t s : {int64_t{-1}, int64_t{-86399}, int64_t{-86400}, int64_t{-86401}, int64_t{-2208988800},
                    int64_t{-2208988799}, kFirst, kFirst + 59}) {
    const std::string text = written(s, "%Y-%m-%d %H:%M:%S");
    INFO(s << " " << text);
    CHECK(parsed(text, "%Y-%m-%d %H:%M:%S") == s);
  }
  CHECK(written(-86401, "%Y-%m-%d %H:%M:%S") == "1969-12-30 23:59:59");
}

TEST_CASE("datetime: formats are validated with a reason", "[datetime]") {
  CHECK(datetime_format_error("%Y-%m-%d") == "");
  CHECK(datetime_format_error("%d.%m.%Y %H:%M:%S") == "");
  CHECK(datetime_format_error("%Y%m%d") == "");  // fixed widths need no separator
  CHECK(datetime_format_error("%Y-%m") == "it has no day (%d or %-d)");
  CHECK(datetime_format_error("%m-%d") == "it has no year (%Y)");
  CHECK(datetime_format_error("%Y-%d") == "it has no month (%m, %-m, %b or %B)");
  CHECK(datetime_format_error("") == "it has no year (%Y)");
  CHECK(datetime_format_error("%Y-%m-%d %y") ==
        "'%y' is not a known directive (known: %Y %m %d %H %M %S %b %B %-m %-d %-H %%)");
  CHECK(datetime_format_error("%Y-%m-%-M") ==
        "'%-M' is not a known directive (known: %Y %m %d %H %M %S %b %B %-m %-d %-H %%)");
  CHECK(datetime_format_error("%Y-%m-%d %") == "it ends in a lone '%' (write '%%' for a percent sign)");
  CHECK(datetime_format_error("%Y-%m-%d %-") == "it ends in a lone '%' (write '%%' for a percent sign)");
  CHECK(datetime_format_error("%Y-%m-%d %b") == "it has the month twice (%m and %b)");
  CHECK(datetime_format_error("%Y-%m-%d %H %-H") == "it has the hour twice (%H and %-H)");
  CHECK(datetime_format_error("%Y%-m%-d") ==
        "an unpadded field is directly followed by '%-d', so the two numbers cannot be told apart; put a "
        "separator between them");
  CHECK(datetime_format_error("%-d1%m%Y") != "");
  CHECK(datetime_format_error("%-d%b%Y") == "");  // a month name is no number
  // A date that an invalid format could not read is simply refused.
  CHECK(parsed("2000-01-01", "%Y-%m-%q") == kRefused);
}

TEST_CASE("datetime: every candidate format is valid and round-trips random times", "[datetime]") {
  Rng rng = make_rng(15);
  for (const std::string& format : datetime_formats()) {
    INFO(format);
    REQUIRE(datetime_format_error(format) == "");
    // The resolution of the format: a day, a minute or a second.
    const int64_t step = format.find("%S") != std::string::npos   ? 1
                         : format.find("%M") != std::string::npos ? 60
                                                                  : 86400;
    for (int i = 0; i < 2000; ++i) {
      int64_t s = kFirst + static_cast<int64_t>(below(rng, static_cast<uint64_t>(kLast - kFirst + 1)));
      s -= ((s - kFirst) % step);
      const std::string text = written(s, format);
      INFO(s << " " << text);
      REQUIRE(parsed(text, format) == s);
      REQUIRE(written(parsed(text, format), format) == text);
    }
  }
}

TEST_CASE("datetime: the candidate formats put ISO first and US before European", "[datetime]") {
  const auto& formats = datetime_formats();
  const auto first = [&](const std::string& text) -> std::string {
    for (const std::string& f : formats)
      if (parsed(text, f) != kRefused) return f;
    return "";
  };
  CHECK(formats.size() <= 64);  // inference keeps one bit per format
  CHECK(first("2012-01-01") == "%Y-%m-%d");
  CHECK(first("2012-01-01T10:20:30") == "%Y-%m-%dT%H:%M:%S");
  CHECK(first("2012-01-01 10:20") == "%Y-%m-%d %H:%M");
  CHECK(first("2012-1-1") == "%Y-%-m-%-d");
  CHECK(first("2012/01/01") == "%Y/%m/%d");
  CHECK(first("01/02/2012") == "%m/%d/%Y");
  CHECK(first("13/02/2012") == "%d/%m/%Y");
  CHECK(first("1/2/2012") == "%-m/%-d/%Y");
  CHECK(first("25/12/2012 9:30") == "%-d/%-m/%Y %-H:%M");
  CHECK(first("Jan 1 2000") == "%b %-d %Y");
  CHECK(first("1 Jan 2000") == "%-d %b %Y");
  CHECK(first("01-Jan-2000") == "%d-%b-%Y");
  CHECK(first("January 10, 2000") == "%B %-d, %Y");
  CHECK(first("2012") == "");
  CHECK(first("hello") == "");
}
