// The counting operator new/delete: replaces the global ones for the whole test binary.
#include "alloc_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

#include "nn/linear.hpp"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_ours{0}, g_onednn{0};
std::atomic<bool> g_calling_thread_only{false};
thread_local bool t_counting_thread = false;

void* counted_alloc(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) {
    if (gantool::inside_onednn() || (g_calling_thread_only.load(std::memory_order_relaxed) && !t_counting_thread))
      ++g_onednn;
    else
      ++g_ours;
  }
  void* p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace gantool_test {

void start_counting(bool calling_thread_only) {
  t_counting_thread = true;
  g_calling_thread_only = calling_thread_only;
  g_ours = 0;
  g_onednn = 0;
  g_counting = true;
}

AllocationCount stop_counting() {
  g_counting = false;
  return {g_ours.load(), g_onednn.load()};
}

}  // namespace gantool_test
