// OpenMP thread count and wait policy.
#include "core/threads.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
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
  // Parallel regions must get every thread they ask for: oneDNN and the data-parallel GAN
  // step split their work by the thread count before the region starts. So no dynamic
  // adjustment (OMP_DYNAMIC), and no more threads than OMP_THREAD_LIMIT allows.
  omp_set_dynamic(0);
  omp_set_num_threads(std::min(threads, omp_get_thread_limit()));
}

int threads() { return omp_get_max_threads(); }

double physical_memory() {
  const double bytes = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  return bytes > 0 ? bytes : 0;
}

void use_passive_openmp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default policy
}

}  // namespace gantool
