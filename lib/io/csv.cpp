// Streaming CSV reader (RFC 4180), strict float parsing and shortest float formatting.
//
// The reader copies bytes from a fixed 1 MiB buffer straight into the caller's field
// strings: unquoted fields end at the delimiter or '\n', found eight bytes at a time; quoted
// fields are copied up to each '"' found with memchr. Nothing is kept from one buffer fill to
// the next, so a record or a field may straddle a refill without special cases.
#include "io/csv.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <system_error>

#include "core/error.hpp"

namespace gantool {

namespace {

constexpr size_t kBufferSize = size_t{1} << 20;  // 1 MiB
constexpr char kBom[] = "\xEF\xBB\xBF";

// First byte in [p, end) that is `delimiter` or '\n', or `end` when there is none. Tests
// eight bytes at a time: (x - 0x01..01) & ~x & 0x80..80 marks the zero bytes of x (a false
// mark can only follow a true one, so the lowest mark is exact on little-endian machines).
const char* find_field_end(const char* p, const char* end, char delimiter) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
    const uint64_t delimiters = kOnes * static_cast<unsigned char>(delimiter);
    const uint64_t newlines = kOnes * static_cast<unsigned char>('\n');
    for (; end - p >= 8; p += 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      const uint64_t x = word ^ delimiters, y = word ^ newlines;
      const uint64_t marks = ((x - kOnes) & ~x & kHighs) | ((y - kOnes) & ~y & kHighs);
      if (marks != 0) return p + std::countr_zero(marks) / 8;
    }
  }
  while (p != end && *p != delimiter && *p != '\n') ++p;
  return p;
}

// First '"' in [p, end), or `end` when there is none.
const char* find_quote(const char* p, const char* end) {
  const void* q = std::memchr(p, '"', static_cast<size_t>(end - p));
  return q ? static_cast<const char*>(q) : end;
}

// Removes the '\r' of a "\r\n" line ending from the last field of a record.
void strip_cr(std::string& field) {
  if (!field.empty() && field.back() == '\r') field.pop_back();
}

// The most frequent of ',', ';', '\t', '|' outside quotes on the first non-blank line in
// [p, end) (',' when none occurs; earlier candidates win ties).
char detect_delimiter(const char* p, const char* end) {
  while (p != end && (*p == '\n' || *p == '\r')) ++p;  // leading blank lines
  const char candidates[4] = {',', ';', '\t', '|'};
  int64_t counts[4] = {0, 0, 0, 0};
  bool in_quotes = false;
  for (; p != end; ++p) {
    if (*p == '"') in_quotes = !in_quotes;  // a doubled "" toggles twice
    if (in_quotes) continue;
    if (*p == '\n') break;
    for (int i = 0; i < 4; ++i) counts[i] += (*p == candidates[i]);
  }
  int best = 0;
  for (int i = 1; i < 4; ++i)
    if (counts[i] > counts[best]) best = i;
  return candidates[best];
}

// Space or tab, the only padding parse_float allows around a number.
bool is_blank(char c) { return c == ' ' || c == '\t'; }

// True when `text` equals the lower-case `word` ignoring ASCII case.
bool equals_lower(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

// For a decimal text that from_chars accepted whole ("12.5e-7", no sign), true when its
// magnitude is below 1, so that an out-of-range result is an underflow, not an overflow.
bool magnitude_below_one(std::string_view text) {
  const size_t e = std::min(text.find_first_of("eE"), text.size());
  const std::string_view mantissa = text.substr(0, e);
  const size_t point = std::min(mantissa.find('.'), mantissa.size());
  const size_t first = mantissa.find_first_not_of("0.");
  if (first == std::string_view::npos) return true;  // zero
  // Decimal exponent of the first nonzero digit: "12.5" -> 1, "0.05" -> -2.
  int64_t lead = first < point ? static_cast<int64_t>(point - first - 1)
                               : -static_cast<int64_t>(first - point);
  int64_t exponent = 0, sign = 1;
  size_t i = e + 1;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) sign = text[i++] == '-' ? -1 : 1;
  for (; i < text.size(); ++i)
    exponent = std::min<int64_t>(exponent * 10 + (text[i] - '0'), 1000000);  // saturate
  return lead + sign * exponent < 0;
}

// A byte for an error message: itself when printable, else an escape such as \r or \x01.
std::string describe_byte(int c) {
  if (c == '\r') return "\\r";
  if (c >= 0x20 && c < 0x7f) return std::string(1, static_cast<char>(c));
  return fmt::format("\\x{:02x}", c);
}

}  // namespace

CsvReader::CsvReader(std::FILE* in, std::string name, char delimiter)
    : in_(in), name_(std::move(name)), delimiter_(delimiter), buffer_(kBufferSize) {
  GANTOOL_ASSERT(in_ != nullptr);
  if (delimiter_ == '"' || delimiter_ == '\n' || delimiter_ == '\r')
    fail_usage("{}: the CSV delimiter cannot be a quote or a line break; use ',', ';', tab or '|'",
               name_);
  refill();
  if (end_ >= 3 && std::memcmp(buffer_.data(), kBom, 3) == 0) pos_ = 3;
  if (delimiter_ == 0) delimiter_ = detect_delimiter(buffer_.data() + pos_, buffer_.data() + end_);
}

bool CsvReader::refill() {
  pos_ = end_ = 0;
  if (eof_) return false;
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), in_);
  if (end_ < buffer_.size()) {
    if (std::ferror(in_))
      fail("{}: read error: {}; check that the file is readable", name_, std::strerror(errno));
    eof_ = true;
  }
  return end_ > 0;
}

int CsvReader::peek_char() {
  if (pos_ == end_ && !refill()) return EOF;
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::get_char() {
  int c = peek_char();
  if (c != EOF) ++pos_;
  return c;
}

bool CsvReader::next(std::vector<std::string>& fields) {
  const char* data = buffer_.data();  // the buffer never moves; refill() reuses it
  for (;;) {
    if (peek_char() == EOF) return false;
    record_line_ = line_;
    size_t count = 0;
    bool first_quoted = false, record_done = false;
    while (!record_done) {
      if (count == fields.size()) fields.emplace_back();
      std::string& field = fields[count++];
      field.clear();
      if (peek_char() == '"') {
        if (count == 1) first_quoted = true;
        // Quoted field: copy up to each '"', then decide between "" and the closing quote.
        ++pos_;
        const int64_t quote_line = line_;
        for (;;) {
          if (pos_ == end_ && !refill())
            fail("{}:{}: unterminated quoted field (started on line {}); add the closing '\"'",
                 name_, record_line_, quote_line);
          const char* begin = data + pos_;
          const char* quote = find_quote(begin, data + end_);
          line_ += std::count(begin, quote, '\n');
          field.append(begin, static_cast<size_t>(quote - begin));
          pos_ = static_cast<size_t>(quote - data);
          if (pos_ == end_) continue;
          ++pos_;  // the '"'
          if (peek_char() != '"') break;
          field.push_back('"');
          ++pos_;
        }
        int c = get_char();
        if (c == '\r' && (peek_char() == '\n' || peek_char() == EOF)) c = get_char();
        if (c == '\n') ++line_;
        if (c == EOF || c == '\n') {
          record_done = true;
        } else if (c != static_cast<unsigned char>(delimiter_)) {
          fail("{}:{}: unexpected '{}' after the closing quote of field {}; a quoted field must "
               "end at a delimiter or line end (write a literal quote as \"\")",
               name_, line_, describe_byte(c), count);
        }
      } else {
        // Unquoted field: copy up to the delimiter or '\n', refilling as often as needed.
        for (;;) {
          const char* begin = data + pos_;
          const char* stop = find_field_end(begin, data + end_, delimiter_);
          field.append(begin, static_cast<size_t>(stop - begin));
          pos_ = static_cast<size_t>(stop - data);
          if (pos_ < end_) {
            if (data[pos_++] == '\n') {
              ++line_;
              strip_cr(field);
              record_done = true;
            }
            break;
          }
          if (!refill()) {
            strip_cr(field);
            record_done = true;
            break;
          }
        }
      }
    }
    if (count == 1 && !first_quoted && fields[0].empty()) continue;  // a blank line
    fields.resize(count);
    return true;
  }
}

bool parse_float(std::string_view field, float& value) {
  while (!field.empty() && is_blank(field.front())) field.remove_prefix(1);
  while (!field.empty() && is_blank(field.back())) field.remove_suffix(1);
  bool negative = false;
  if (!field.empty() && (field.front() == '+' || field.front() == '-')) {
    negative = field.front() == '-';
    field.remove_prefix(1);
  }
  if (field.empty()) return false;
  float parsed = 0.0f;
  const char c = field.front();
  if (c == 'n' || c == 'N' || c == 'i' || c == 'I') {
    if (equals_lower(field, "nan")) {
      parsed = std::numeric_limits<float>::quiet_NaN();
    } else if (equals_lower(field, "inf") || equals_lower(field, "infinity")) {
      parsed = std::numeric_limits<float>::infinity();
    } else {
      return false;
    }
  } else if ((c >= '0' && c <= '9') || c == '.') {
    const char* end = field.data() + field.size();
    auto [ptr, ec] = std::from_chars(field.data(), end, parsed, std::chars_format::general);
    if (ptr != end) return false;
    if (ec == std::errc::result_out_of_range) {
      // Overflow (1e39) is an error; underflow (1e-50) is a number that rounds to zero.
      if (!magnitude_below_one(field)) return false;
      parsed = 0.0f;
    } else if (ec != std::errc()) {
      return false;
    }
  } else {
    return false;
  }
  value = negative ? -parsed : parsed;
  return true;
}

void append_float(std::string& out, float value) {
  if (std::isnan(value)) {
    out += "nan";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  const char special[] = {delimiter, '"', '\r', '\n'};
  if (field.find_first_of(std::string_view(special, 4)) == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace gantool
