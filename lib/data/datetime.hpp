// Dates and times as text and as seconds since 1970-01-01T00:00:00Z (proleptic Gregorian
// calendar, no time zones, no leap seconds), in formats like strftime's:
//   %Y year (4 digits)   %m month (01-12)   %d day (01-31)   %H hour (00-23)
//   %M minute (00-59)    %S second (00-59)  %b month name (Jan)   %B month name (January)
//   %-m %-d %-H          the same without a leading zero (1-12, 1-31, 0-23)
//   %%                   a '%'; any other character stands for itself
// Parsing is strict, so that it is writing's exact inverse: fixed fields take exactly their
// digits, unpadded ones no leading zero, month names one spelling (English, capitalized).
// Years run from 0000 to 9999 (others are written but do not parse back).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gantool {

// Parses the whole of `text` in `format` into seconds since the epoch; false when the text is
// not exactly such a date (e.g. "2021-02-30", a missing field, trailing characters).
bool parse_datetime(std::string_view text, const std::string& format, int64_t& seconds);

// Appends `seconds` written in `format` (parse_datetime's inverse for every valid format).
void append_datetime(std::string& out, int64_t seconds, const std::string& format);

// An empty string when `format` is valid (known directives, at least a year, a month and a
// day, each field at most once), else a sentence saying what is wrong, for messages.
std::string datetime_format_error(const std::string& format);

// The formats that import tries on a text column, in order of preference: ISO 8601 dates and
// times ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", ...), with '/' ("%Y/%m/%d"),
// US and European day orders ("%m/%d/%Y" before "%d/%m/%Y"), and month names ("%b %-d %Y",
// "%d %b %Y", ...), each also without leading zeros where that is how the text is written.
const std::vector<std::string>& datetime_formats();

}  // namespace gantool
