// Column selection, duplicate names and the UTF-8 check of CSV tables.
#include "io/csv_table.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

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

}  // namespace

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

}  // namespace gantool
