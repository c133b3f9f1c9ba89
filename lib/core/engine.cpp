// oneDNN engine, stream and OpenMP thread count.
#include "core/engine.hpp"

#include <omp.h>

#include <cstdlib>
#include <string>

#include "core/error.hpp"

namespace gantool {

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  static dnnl::stream stream(cpu_engine());
  return stream;
}

int resolve_threads(int flag) {
  if (flag > 0) return flag;
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    const int n = std::atoi(env);  // "4" or the first entry of a list such as "4,2"
    if (n > 0) return n;
  }
  return omp_get_num_procs();
}

void set_threads(int threads) {
  GANTOOL_ASSERT(threads > 0);
  omp_set_num_threads(threads);
}

int threads() { return omp_get_max_threads(); }

}  // namespace gantool
