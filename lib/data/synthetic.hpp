// Synthetic 2-D and N-D distributions for GAN experiments (the standard toy benchmarks).
//
// Row i of a generated set is a function of (seed, i) alone: it draws from the substream
// make_rng(seed, /*stream=*/i). So `-n 1000` is a prefix of `-n 1000000`, and generation can
// proceed block by block in bounded memory.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"

namespace gantool {

// Every parameter of every distribution; each is used only by the distributions named in
// its comment. A negative or NaN value means "the distribution's default" where so noted.
struct SyntheticSpec {
  std::string dist = "ring";  // ring grid gaussian uniform spiral swissroll moons circles checkerboard
  int64_t modes = 8;          // ring: number of modes, at angles 2πk/K
  double radius = 2.0;        // ring: radius of the circle of modes
  double std = -1;            // ring 0.02, grid 0.05, gaussian 1: per-mode/component std (<0: default)
  int64_t grid_size = -1;     // grid 5 (size×size modes), checkerboard 4 (cells per side) (<0: default)
  double spacing = -1;        // grid 2 (distance between modes), checkerboard 1 (cell width) (<0: default)
  int64_t dim = -1;           // gaussian, uniform: dimension (<0: default 2)
  double mean = 0.0;          // gaussian: mean of every coordinate
  double low = -1.0;          // uniform: lower bound of every coordinate
  double high = 1.0;          // uniform: upper bound of every coordinate
  double noise = -1;          // spiral/swissroll 0.25, moons 0.05, circles 0.05: Gaussian noise std (<0: default)
  double factor = 0.5;        // circles: inner radius / outer radius (outer radius is 1)
};

// A validated spec with its defaults filled in, and what evaluation needs to know of it.
struct Synthetic {
  SyntheticSpec spec;   // every default resolved
  int64_t dim = 2;      // columns of a generated row
  std::vector<std::string> columns;                     // x, y or x0, x1, ...
  std::vector<std::pair<std::string, double>> params;   // the parameters that apply, by name
  Tensor modes;         // (K, dim) centres of the mixture components; empty if not a mixture
  double mode_std = 0;  // std of each mixture component (isotropic), 0 if not a mixture
};

// One parameter of SyntheticSpec as a command-line flag: its field, its help, and the
// distributions it applies to. Exactly one of `integer` and `real` is set.
struct SyntheticParam {
  const char* flag;                     // "--modes"
  const char* help;                     // one line for --help
  std::vector<std::string> applies_to;  // the --dist names that use it
  int64_t SyntheticSpec::*integer = nullptr;
  double SyntheticSpec::*real = nullptr;
  bool negative_is_default = false;     // the field's "<0: default" rule (no default shown)
};

// Every parameter of every distribution, in the order --help lists them.
const std::vector<SyntheticParam>& synthetic_params();

// The value of parameter p in spec, as a double.
double param_value(const SyntheticSpec& spec, const SyntheticParam& p);

// The names accepted by --dist, in the order --help lists them.
const std::vector<std::string>& synthetic_names();

// Validates spec (throws UsageError naming the flag, e.g. "--modes must be at least 1") and
// resolves its defaults.
Synthetic make_synthetic(const SyntheticSpec& spec);

// Writes rows [first_row, first_row + n) of the distribution with the given seed into
// dst, which holds n × s.dim floats, row-major.
void generate_rows(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n, float* dst);

}  // namespace gantool
