// The oneDNN engine and stream.
#include "core/engine.hpp"

namespace gantool {

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  // One per thread: threads that each run their own primitives (nn/tiled) must not share
  // an in-order queue.
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

}  // namespace gantool
