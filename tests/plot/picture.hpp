// The format and size a picture file says it has: PNG's IHDR, SVG's width and height, PDF's
// MediaBox. For the tests of plot/gnuplot and of `gantool plot`.
#pragma once

#include <cstdint>
#include <regex>
#include <string>

#include "scratch.hpp"

namespace gantool_test {

struct Picture {
  std::string format;  // "png", "svg", "pdf", or "" when not a picture
  int64_t width = 0, height = 0;
};

inline Picture read_picture(const std::string& path) {
  const std::string bytes = slurp(path);
  Picture p;
  const auto be32 = [&](size_t at) {
    int64_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v * 256 + static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  std::smatch m;
  if (bytes.size() > 24 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 && bytes.compare(12, 4, "IHDR") == 0) {
    p = {"png", be32(16), be32(20)};
  } else if (bytes.compare(0, 5, "%PDF-") == 0) {
    if (std::regex_search(bytes, m, std::regex(R"re(/MediaBox\s*\[\s*0\s+0\s+(\d+)\s+(\d+)\s*\])re")))
      p = {"pdf", std::stoll(m[1]), std::stoll(m[2])};
  } else if (bytes.find("<svg") != std::string::npos) {
    const std::string head = bytes.substr(0, 2000);
    if (std::regex_search(head, m, std::regex(R"re(<svg[^>]*width="(\d+)"\s+height="(\d+)")re")))
      p = {"svg", std::stoll(m[1]), std::stoll(m[2])};
  }
  return p;
}

}  // namespace gantool_test
