// The one oneDNN CPU engine and stream.
// Only core/ and nn/ include dnnl.hpp.
#pragma once

#include <dnnl.hpp>

namespace gantool {

// The process-wide CPU engine, and this thread's (in-order) stream on it, made on first use.
dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

}  // namespace gantool
