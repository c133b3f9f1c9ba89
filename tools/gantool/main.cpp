// gantool: train and evaluate GANs from the command line. main() only sets up the process
// (OpenMP's waiting policy, the signal handlers that remove temporary files) and hands the
// command line to run_gantool (app.cpp), which maps errors to exit codes.
#include "commands.hpp"
#include "core/tempfile.hpp"
#include "core/threads.hpp"

int main(int argc, char** argv) {
  using namespace gantool;
  use_passive_openmp_wait(argv);
  install_cleanup_handlers();
  return run_gantool(argc, argv);
}
