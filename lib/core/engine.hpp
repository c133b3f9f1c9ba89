// The one oneDNN CPU engine and stream.
// Only core/ and nn/ include dnnl.hpp.
#pragma once

#include <dnnl.hpp>

namespace gantool {

// The process-wide CPU engine and its (in-order) stream, made on first use.
dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

}  // namespace gantool
