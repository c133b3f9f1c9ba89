// Image shapes and the names of their pixels.
#include "data/image.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace gantool {

std::string image_shape_text(const std::vector<int64_t>& shape) {
  GANTOOL_ASSERT(shape.size() == 3);
  const char* kind = shape[0] == 1 ? " grey" : shape[0] == 3 ? " RGB" : "";
  return fmt::format("{}×{}×{}{}", shape[0], shape[1], shape[2], kind);
}

std::vector<std::string> pixel_column_names(const std::vector<int64_t>& shape) {
  GANTOOL_ASSERT(shape.size() == 3);
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(image_size(shape)));
  for (int64_t c = 0; c < shape[0]; ++c)
    for (int64_t y = 0; y < shape[1]; ++y)
      for (int64_t x = 0; x < shape[2]; ++x) names.push_back(fmt::format("c{}y{}x{}", c, y, x));
  return names;
}

int64_t image_size(const std::vector<int64_t>& shape) {
  GANTOOL_ASSERT(shape.size() == 3);
  return shape[0] * shape[1] * shape[2];
}

}  // namespace gantool
