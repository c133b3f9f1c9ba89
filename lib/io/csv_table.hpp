// What reading a CSV file as a table needs beyond its records (io/csv.hpp): the options of
// the header, delimiter and kept columns, choosing columns by name or number, finding two
// columns of one name, and the UTF-8 check of names and values. The reader itself is
// io/typed_csv.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gantool {

struct CsvTableOptions {
  std::string header = "auto";  // auto | yes | no: is the first record a header?
  char delimiter = 0;           // 0: detect from the first line
  std::string columns;          // "a,b,3": names, or field numbers counted from 1; "" = all
};

// Resolves a column selection ("a,b,3": names, or numbers counted from 1) against the
// available names; throws UsageError naming `what` for an unknown or repeated column, or a
// name that two columns share.
std::vector<int64_t> select_columns(const std::string& selection,
                                    const std::vector<std::string>& names, const std::string& what);

// The positions (from 0, the smaller first) of two equal names among names[i] for i in
// `selected`: of all such pairs, the one whose first position is smallest; {-1, -1} when the
// names are all different. Takes O(n log n) time, for files of many columns.
std::pair<int64_t, int64_t> first_duplicate(const std::vector<std::string>& names,
                                            const std::vector<int64_t>& selected);

// True when `text` is valid UTF-8 (RFC 3629, section 4: no overlong forms, no surrogates,
// nothing beyond U+10FFFF).
bool is_utf8(std::string_view text);

}  // namespace gantool
