// How many threads the numeric kernels (oneDNN's, on OpenMP) run on, how idle threads
// wait, and how much memory the machine has. Separate from core/engine.hpp so that tools need not include dnnl.hpp.
#pragma once

namespace gantool {

// The thread count a command should use: `flag` when positive (--threads N); else
// OMP_NUM_THREADS when set; else every core.
int resolve_threads(int flag);

// Sets the number of threads oneDNN's (OpenMP) kernels use from now on.
void set_threads(int threads);

// The number of threads currently set.
int threads();

// This machine's physical memory in bytes (0 when unknown): the bound on what a file may
// make gantool allocate.
double physical_memory();

// Makes OpenMP's idle threads sleep instead of spin (OMP_WAIT_POLICY=PASSIVE) unless the
// user chose a policy (OMP_WAIT_POLICY or GOMP_SPINCOUNT set). libgomp reads the policy
// once, when it loads, so this restarts the program (execv of /proc/self/exe with argv)
// once; call it first thing in main. Why: with spinning threads, a 2-thread run that shares
// the cores with another busy process (a `make -j` sweep) ran 5–30× slower here; with
// sleeping threads it keeps ~85% of its speed (README, "Threads").
void use_passive_openmp_wait(char** argv);

}  // namespace gantool
