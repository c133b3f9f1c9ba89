#include "core/version.hpp"

namespace gantool {

const char* version() { return GANTOOL_VERSION; }

}  // namespace gantool
