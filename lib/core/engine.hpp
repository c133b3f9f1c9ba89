// The one oneDNN CPU engine and stream, and the number of threads oneDNN runs on.
// Only core/ and nn/ include dnnl.hpp.
#pragma once

#include <dnnl.hpp>

namespace gantool {

// The process-wide CPU engine and its (in-order) stream, made on first use.
dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// The thread count a command should use: `flag` when positive (--threads N); else
// OMP_NUM_THREADS when set; else every core.
int resolve_threads(int flag);

// Sets the number of threads oneDNN's (OpenMP) kernels use from now on.
void set_threads(int threads);

// The number of threads currently set.
int threads();

}  // namespace gantool
