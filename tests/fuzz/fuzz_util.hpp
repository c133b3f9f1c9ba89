// What the libFuzzer targets share: an input written to a file (the readers take paths),
// the errors gantool is allowed to throw, and a check that no HDF5 handle is left open.
#pragma once

#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace gantool_fuzz {

// A path of this process ending in `suffix` (in /dev/shm when there is one, else TMPDIR),
// removed when the process exits; one per suffix.
inline std::string scratch_path(const std::string& suffix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
  const std::string p = (dir / ("gantool-fuzz-" + std::to_string(::getpid()) + suffix)).string();
  static std::vector<std::string> remove_at_exit;
  if (remove_at_exit.empty()) std::atexit([] {
    for (const std::string& path : remove_at_exit) std::remove(path.c_str());
  });
  remove_at_exit.push_back(p);
  return p;
}

// Writes `size` bytes of `data` to `path`, replacing what it held.
inline void write_file(const std::string& path, const void* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();  // the machine's fault, not gantool's: stop rather than report nonsense
  }
}

// The file of this process for the inputs (named by the suffix of the first call), holding
// `size` bytes of `data`: overwritten by each input and removed when the process exits.
inline const std::string& input_file(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string path = scratch_path(suffix);
  write_file(path, data, size);
  return path;
}

// Runs `body`, accepting the errors gantool reports to a person (gantool::Error and
// UsageError: a one-line message). Anything else escapes and ends the run as a finding:
// std::logic_error (an internal assertion), std::bad_alloc, any other exception.
template <typename Body>
void expect_clean_errors(Body&& body) {
  try {
    body();
  } catch (const gantool::Error&) {
  } catch (const gantool::UsageError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finding: uncaught exception: %s\n", e.what());
    std::abort();
  }
}

// Aborts (a finding) when a reader left an HDF5 file or object open after it returned or
// threw: such a handle leaks, and a file left open crashes HDF5's exit handler (issue 13,
// defect 2).
inline void check_no_open_hdf5_handles() {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open > 0) {
    std::fprintf(stderr, "finding: %zd HDF5 handle(s) left open after the input was read\n", open);
    std::abort();
  }
}

}  // namespace gantool_fuzz
