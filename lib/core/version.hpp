// gantool's version, as set in CMakeLists.txt.
#pragma once

namespace gantool {

// The version string, e.g. "0.1.0".
const char* version();

}  // namespace gantool
