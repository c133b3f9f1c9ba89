// Streaming CSV reader (RFC 4180), strict float parsing and shortest float formatting.
//
// The reader copies bytes from a fixed 1 MiB buffer straight into the caller's field
// strings: unquoted fields end at the delimiter or the line end, found eight bytes at a time;
// quoted fields are copied up to each '"' found with memchr. Nothing is kept from one buffer
// fill to the next, so a record or a field may straddle a refill without special cases.
// Each fill is checked for NUL bytes (binary data) with one memchr; the first fill also for
// UTF-16 and UTF-32 text, and for old Mac line ends (a lone '\r', used throughout).
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

// First byte in [p, end) that is `delimiter` or `eol` (the line end), or `end` when there is
// none. Tests eight bytes at a time: (x - 0x01..01) & ~x & 0x80..80 marks the zero bytes of x
// (a false mark can only follow a true one, so the lowest mark is exact on little-endian
// machines).
const char* find_field_end(const char* p, const char* end, char delimiter, char eol) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
    const uint64_t delimiters = kOnes * static_cast<unsigned char>(delimiter);
    const uint64_t newlines = kOnes * static_cast<unsigned char>(eol);
    for (; end - p >= 8; p += 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      const uint64_t x = word ^ delimiters, y = word ^ newlines;
      const uint64_t marks = ((x - kOnes) & ~x & kHighs) | ((y - kOnes) & ~y & kHighs);
      if (marks != 0) return p + std::countr_zero(marks) / 8;
    }
  }
  while (p != end && *p != delimiter && *p != eol) ++p;
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
// [p, end), which ends at '\n' or '\r' (',' when none occurs; earlier candidates win ties).
char detect_delimiter(const char* p, const char* end) {
  while (p != end && (*p == '\n' || *p == '\r')) ++p;  // leading blank lines
  const char candidates[4] = {',', ';', '\t', '|'};
  int64_t counts[4] = {0, 0, 0, 0};
  bool in_quotes = false;
  for (; p != end; ++p) {
    if (*p == '"') in_quotes = !in_quotes;  // a doubled "" toggles twice
    if (in_quotes) continue;
    if (*p == '\n' || *p == '\r') break;
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

// "UTF-16" or "UTF-32" when [p, p + n), the start of the input, begins with a byte order mark
// of that encoding, or looks like UTF-16 without one (of its first byte pairs, one byte is
// zero in at least 3 of 4 pairs, always the same one, and the other never is); else nullptr.
const char* wide_encoding(const char* p, size_t n) {
  const auto starts = [&](std::string_view mark) {
    return n >= mark.size() && std::memcmp(p, mark.data(), mark.size()) == 0;
  };
  using namespace std::string_view_literals;
  if (starts("\xFF\xFE\0\0"sv) || starts("\0\0\xFE\xFF"sv)) return "UTF-32";
  if (starts("\xFF\xFE"sv) || starts("\xFE\xFF"sv)) return "UTF-16";
  const size_t pairs = std::min<size_t>(n, 256) / 2;
  size_t zeros[2] = {0, 0};  // zero bytes at even and at odd offsets
  for (size_t i = 0; i < 2 * pairs; ++i) zeros[i % 2] += p[i] == 0;
  for (int z = 0; z < 2; ++z)
    if (pairs >= 2 && 4 * zeros[z] >= 3 * pairs && zeros[1 - z] == 0) return "UTF-16";
  return nullptr;
}

// A size for a message: "8 MiB", "64 KiB" or "100 bytes".
std::string describe_size(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

// A byte for an error message: itself when printable, else an escape such as \r or \x01.
std::string describe_byte(int c) {
  if (c == '\r') return "\\r";
  if (c >= 0x20 && c < 0x7f) return std::string(1, static_cast<char>(c));
  return fmt::format("\\x{:02x}", c);
}

}  // namespace

CsvReader::CsvReader(std::FILE* in, std::string name, char delimiter, const CsvLimits& limits)
    : in_(in),
      name_(std::move(name)),
      delimiter_(delimiter),
      limits_(limits),
      buffer_(std::make_unique_for_overwrite<char[]>(kBufferSize)) {
  GANTOOL_ASSERT(in_ != nullptr);
  if (delimiter_ == '"' || delimiter_ == '\n' || delimiter_ == '\r')
    fail_usage("{}: the CSV delimiter cannot be a quote or a line break; use ',', ';', tab or '|'",
               name_);
  read_block();
  const char* data = buffer_.get();
  if (const char* encoding = wide_encoding(data, end_))
    fail("{}: {} text: convert it to UTF-8 first (iconv -f {} -t UTF-8)", name_, encoding, encoding);
  if (end_ >= 3 && std::memcmp(data, kBom, 3) == 0) pos_ = 3;
  // Old Mac files end lines in a lone '\r': no '\n' at all, but a '\r'.
  const size_t n = end_ - pos_;
  if (!std::memchr(data + pos_, '\n', n) && std::memchr(data + pos_, '\r', n)) eol_ = '\r';
  check_text();
  if (delimiter_ == 0) delimiter_ = detect_delimiter(data + pos_, data + end_);
}

bool CsvReader::read_block() {
  pos_ = end_ = 0;
  if (eof_) return false;
  end_ = std::fread(buffer_.get(), 1, kBufferSize, in_);
  if (end_ < kBufferSize) {
    if (std::ferror(in_))
      fail("{}: read error: {}; check that the file is readable", name_, std::strerror(errno));
    eof_ = true;
  }
  return end_ > 0;
}

void CsvReader::check_text() const {
  const char* data = buffer_.get();
  const void* nul = std::memchr(data, 0, end_);
  if (!nul) return;
  // The buffer starts where reading stands, on line line_.
  const int64_t line = line_ + std::count(data, static_cast<const char*>(nul), eol_);
  fail("{}:{}: a NUL byte: this is not a text CSV file (binary data?)", name_, line);
}

bool CsvReader::refill() {
  const bool more = read_block();
  check_text();
  return more;
}

void CsvReader::fail_field_too_long(size_t field, int64_t quote_line) const {
  const std::string what = fmt::format("{}:{}: field {} is longer than {}, the most one field may hold",
                                       name_, record_line_, field, describe_size(limits_.field_bytes));
  if (quote_line > 0)
    fail("{}: its quote opens on line {} and may never close (add the closing '\"')", what, quote_line);
  fail("{}: is this a CSV file of numbers?", what);
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
  const char* data = buffer_.get();  // the buffer never moves; refill() reuses it
  for (;;) {
    if (peek_char() == EOF) return false;
    record_line_ = line_;
    size_t count = 0, record_bytes = 0;
    bool first_quoted = false, record_done = false;
    quoted_.clear();  // keeps its storage
    while (!record_done) {
      if (count == limits_.fields)
        fail("{}:{}: more than {} fields in one record, the most gantool reads: is the delimiter "
             "'{}' right? (choose it with --delimiter)",
             name_, record_line_, limits_.fields,
             delimiter_ == '\t' ? std::string("tab") : describe_byte(static_cast<unsigned char>(delimiter_)));
      if (count == fields.size()) fields.emplace_back();
      std::string& field = fields[count++];
      field.clear();
      quoted_.push_back(peek_char() == '"');
      if (quoted_.back()) {
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
          line_ += std::count(begin, quote, eol_);
          field.append(begin, static_cast<size_t>(quote - begin));
          if (field.size() > limits_.field_bytes) fail_field_too_long(count, quote_line);
          pos_ = static_cast<size_t>(quote - data);
          if (pos_ == end_) continue;
          ++pos_;  // the '"'
          if (peek_char() != '"') break;
          field.push_back('"');
          ++pos_;
        }
        int c = get_char();
        if (c == '\r' && eol_ == '\n' && (peek_char() == '\n' || peek_char() == EOF)) c = get_char();
        if (c == eol_) ++line_;
        if (c == EOF || c == eol_) {
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
          const char* stop = find_field_end(begin, data + end_, delimiter_, eol_);
          field.append(begin, static_cast<size_t>(stop - begin));
          if (field.size() > limits_.field_bytes) fail_field_too_long(count, 0);
          pos_ = static_cast<size_t>(stop - data);
          if (pos_ < end_) {
            if (data[pos_++] == eol_) {
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
      record_bytes += field.size();
      if (record_bytes > limits_.record_bytes)
        fail("{}:{}: record is longer than {} (at field {}), the most one record may hold: is this "
             "a CSV file of numbers?", name_, record_line_, describe_size(limits_.record_bytes), count);
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
  // Spaces or tabs at either end are quoted too: an unquoted field is read back trimmed.
  const bool blank_end = !field.empty() && (field.front() == ' ' || field.front() == '\t' || field.back() == ' ' ||
                                            field.back() == '\t');
  if (!blank_end && field.find_first_of(std::string_view(special, 4)) == std::string_view::npos) {
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
