// OpenMP thread count and wait policy.
#include "core/threads.hpp"

#include <omp.h>
#include <unistd.h>

#include <cstdlib>

#include "core/error.hpp"

namespace gantool {

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

void use_passive_openmp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default policy
}

}  // namespace gantool
