// The synthetic distributions: validation of a SyntheticSpec, its defaults, and row
// generation from per-row substreams of the project's Rng.
//
// Ring and grid are the mixtures of Metz et al., "Unrolled Generative Adversarial Networks"
// (ICLR 2017, sec. 3.1); moons, circles and the swiss roll follow scikit-learn's
// make_moons / make_circles; the spiral and checkerboard are the 2-D toys of Grathwohl et
// al., "FFJORD" (ICLR 2019, fig. 2).
#include "data/synthetic.hpp"

#include <cmath>
#include <numbers>

#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace gantool {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr int64_t kMaxDim = 100000;
constexpr int64_t kMaxModes = 1000000;     // the (K, 2) modes tensor must fit in memory
constexpr int64_t kMaxGridSize = 1000;     // grid: at most 10^6 modes

// swissroll is another name for spiral; the spec keeps the name it was given.
enum class Dist { ring, grid, gaussian, uniform, spiral, moons, circles, checkerboard };

Dist parse_dist(const std::string& name) {
  if (name == "ring") return Dist::ring;
  if (name == "grid") return Dist::grid;
  if (name == "gaussian") return Dist::gaussian;
  if (name == "uniform") return Dist::uniform;
  if (name == "spiral" || name == "swissroll") return Dist::spiral;
  if (name == "moons") return Dist::moons;
  if (name == "circles") return Dist::circles;
  if (name == "checkerboard") return Dist::checkerboard;
  fail_usage("unknown --dist '{}' (valid: {})", name, fmt::join(synthetic_names(), ", "));
}

// ---- validation -------------------------------------------------------------

// Throws UsageError for the first flag set away from its default that `dist` ignores, so
// a mistyped combination is reported instead of silently doing something else. The fields
// whose comment says "<0: default" count as unset when negative or NaN; the others count as
// set when they differ from SyntheticSpec{} (NaN differs from everything).
void check_flags_apply(const SyntheticSpec& spec) {
  const SyntheticSpec defaults;
  for (const SyntheticParam& p : synthetic_params()) {
    const double value = param_value(spec, p);
    const bool set = p.negative_is_default ? value >= 0 : !(value == param_value(defaults, p));
    if (!set) continue;
    bool applies = false;
    for (const std::string& name : p.applies_to) applies = applies || name == spec.dist;
    if (!applies)
      fail_usage("{} does not apply to --dist {} (it applies to: {})", p.flag, spec.dist, fmt::join(p.applies_to, ", "));
  }
}

void require_in_range(const char* flag, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo) fail_usage("{} must be at least {} (got {})", flag, lo, value);
  if (value > hi) fail_usage("{} must be at most {} (got {})", flag, hi, value);
}

void require_positive(const char* flag, double value) {
  if (!(value > 0) || !std::isfinite(value))
    fail_usage("{} must be positive and finite (got {})", flag, value);
}

void require_non_negative(const char* flag, double value) {
  if (!(value >= 0) || !std::isfinite(value))
    fail_usage("{} must be non-negative and finite (got {})", flag, value);
}

void require_finite(const char* flag, double value) {
  if (!std::isfinite(value)) fail_usage("{} must be finite (got {})", flag, value);
}

// The header's "<0: default" rule; NaN also takes the default.
double or_default(double value, double fallback) { return value >= 0 ? value : fallback; }
int64_t or_default(int64_t value, int64_t fallback) { return value >= 0 ? value : fallback; }

// ---- resolution, one function per distribution --------------------------------

void set_xy(Synthetic& s) {
  s.dim = 2;
  s.columns = {"x", "y"};
}

void set_numbered_columns(Synthetic& s, int64_t dim) {
  s.dim = dim;
  s.columns.clear();
  for (int64_t j = 0; j < dim; ++j) s.columns.push_back(fmt::format("x{}", j));
}

void resolve_ring(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.std = or_default(spec.std, 0.02);
  require_in_range("--modes", spec.modes, 1, kMaxModes);
  require_positive("--radius", spec.radius);
  require_non_negative("--std", spec.std);
  set_xy(s);
  s.params = {{"modes", double(spec.modes)}, {"radius", spec.radius}, {"std", spec.std}};
  // Angle 2πk/K for k < K: K distinct modes (linspace(0, 2π, K) would repeat the first).
  s.modes = Tensor(spec.modes, 2);  // (K, 2)
  for (int64_t k = 0; k < spec.modes; ++k) {
    const double angle = 2.0 * kPi * double(k) / double(spec.modes);
    s.modes(k, 0) = float(spec.radius * std::cos(angle));
    s.modes(k, 1) = float(spec.radius * std::sin(angle));
  }
  s.mode_std = spec.std;
}

void resolve_grid(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.grid_size = or_default(spec.grid_size, int64_t{5});
  spec.spacing = or_default(spec.spacing, 2.0);
  spec.std = or_default(spec.std, 0.05);
  require_in_range("--grid-size", spec.grid_size, 1, kMaxGridSize);
  require_positive("--spacing", spec.spacing);
  require_non_negative("--std", spec.std);
  set_xy(s);
  s.params = {{"grid-size", double(spec.grid_size)},
              {"spacing", spec.spacing},
              {"std", spec.std}};
  // Mode k = i·g + j sits at ((i − (g−1)/2)·s, (j − (g−1)/2)·s): centred at the origin.
  const int64_t g = spec.grid_size;
  const double half = double(g - 1) / 2.0;
  s.modes = Tensor(g * g, 2);  // (g², 2)
  for (int64_t i = 0; i < g; ++i) {
    for (int64_t j = 0; j < g; ++j) {
      s.modes(i * g + j, 0) = float((double(i) - half) * spec.spacing);
      s.modes(i * g + j, 1) = float((double(j) - half) * spec.spacing);
    }
  }
  s.mode_std = spec.std;
}

void resolve_gaussian(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.dim = or_default(spec.dim, int64_t{2});
  spec.std = or_default(spec.std, 1.0);
  require_in_range("--dim", spec.dim, 1, kMaxDim);
  require_finite("--mean", spec.mean);
  require_non_negative("--std", spec.std);
  set_numbered_columns(s, spec.dim);
  s.params = {{"dim", double(spec.dim)}, {"mean", spec.mean}, {"std", spec.std}};
  s.modes = Tensor(1, spec.dim);  // (1, dim)
  for (int64_t j = 0; j < spec.dim; ++j) s.modes(0, j) = float(spec.mean);
  s.mode_std = spec.std;
}

void resolve_uniform(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.dim = or_default(spec.dim, int64_t{2});
  require_in_range("--dim", spec.dim, 1, kMaxDim);
  require_finite("--low", spec.low);
  require_finite("--high", spec.high);
  if (!(spec.low < spec.high))
    fail_usage("--low must be less than --high (got --low {} --high {})", spec.low, spec.high);
  set_numbered_columns(s, spec.dim);
  s.params = {{"dim", double(spec.dim)}, {"low", spec.low}, {"high", spec.high}};
}

void resolve_spiral(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.noise = or_default(spec.noise, 0.25);
  require_non_negative("--noise", spec.noise);
  set_xy(s);
  s.params = {{"noise", spec.noise}};
}

void resolve_moons(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.noise = or_default(spec.noise, 0.05);
  require_non_negative("--noise", spec.noise);
  set_xy(s);
  s.params = {{"noise", spec.noise}};
}

void resolve_circles(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.noise = or_default(spec.noise, 0.05);
  require_non_negative("--noise", spec.noise);
  if (!(spec.factor > 0 && spec.factor < 1))
    fail_usage("--factor must be between 0 and 1, exclusive (got {})", spec.factor);
  set_xy(s);
  s.params = {{"noise", spec.noise}, {"factor", spec.factor}};
}

void resolve_checkerboard(Synthetic& s) {
  SyntheticSpec& spec = s.spec;
  spec.grid_size = or_default(spec.grid_size, int64_t{4});
  spec.spacing = or_default(spec.spacing, 1.0);
  require_in_range("--grid-size", spec.grid_size, 1, kMaxGridSize);
  require_positive("--spacing", spec.spacing);
  set_xy(s);
  s.params = {{"grid-size", double(spec.grid_size)}, {"spacing", spec.spacing}};
}

// ---- generation, one loop per distribution -----------------------------------
// Row r of a call is row first_row + r of the set, drawn from make_rng(seed, that row) in
// the order written in each loop; dst is (n, s.dim).

Rng row_rng(uint64_t seed, int64_t first_row, int64_t r) {
  return make_rng(seed, /*stream=*/static_cast<uint64_t>(first_row + r));
}

// Ring and grid: a mode k = below(K), then dim normals around its centre.
void generate_mixture(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n,
                      float* dst) {
  const int64_t num_modes = s.modes.rows(), dim = s.dim;
  GANTOOL_ASSERT(num_modes >= 1 && s.modes.cols() == dim);
  const float* centres = s.modes.data();  // (K, dim)
  const double mode_std = s.mode_std;
  for (int64_t r = 0; r < n; ++r) {
    Rng rng = row_rng(seed, first_row, r);
    const float* centre = centres + below(rng, uint64_t(num_modes)) * dim;
    float* row = dst + r * dim;
    for (int64_t j = 0; j < dim; ++j) row[j] = float(double(centre[j]) + mode_std * normal(rng));
  }
}

// Gaussian: dim normals, coordinate by coordinate.
void generate_gaussian(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n,
                       float* dst) {
  const int64_t dim = s.dim;
  const double mean = s.spec.mean, sigma = s.spec.std;
  for (int64_t r = 0; r < n; ++r) {
    Rng rng = row_rng(seed, first_row, r);
    float* row = dst + r * dim;
    for (int64_t j = 0; j < dim; ++j) row[j] = float(mean + sigma * normal(rng));
  }
}

// Uniform: dim uniforms in [low, high), coordinate by coordinate.
void generate_uniform(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n,
                      float* dst) {
  const int64_t dim = s.dim;
  const double low = s.spec.low, high = s.spec.high;
  for (int64_t r = 0; r < n; ++r) {
    Rng rng = row_rng(seed, first_row, r);
    float* row = dst + r * dim;
    for (int64_t j = 0; j < dim; ++j) {
      // float rounding could lift a value just below high onto high; keep the bound open.
      const float value = float(uniform(rng, low, high));
      row[j] = value < float(high) ? value : std::nextafter(float(high), float(low));
    }
  }
}

// Spiral: t = 1.5π(1 + 2u), (t cos t, t sin t) + noise.
void generate_spiral(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n,
                     float* dst) {
  const double noise = s.spec.noise;
  for (int64_t r = 0; r < n; ++r) {
    Rng rng = row_rng(seed, first_row, r);
    const double t = 1.5 * kPi * (1.0 + 2.0 * uniform(rng));
    const double x = t * std::cos(t) + noise * normal(rng);
    const double y = t * std::sin(t) + noise * normal(rng);
    dst[2 * r] = float(x);
    dst[2 * r + 1] = float(y);
  }
}

// Moons: half 0 is the upper arc (cos θ, sin θ), half 1 the lower (1 − cos θ, ½ − sin θ).
void generate_moons(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n,
                    float* dst) {
  const double noise = s.spec.noise;
  for (int64_t r = 0; r < n; ++r) {
    Rng rng = row_rng(seed, first_row, r);
    const bool inner = below(rng, 2) == 1;
    const double theta = kPi * uniform(rng);
    double x = std::cos(theta), y = std::sin(theta);
    if (inner) {
      x = 1.0 - x;
      y = 0.5 - y;
    }
    x += noise * normal(rng);
    y += noise * normal(rng);
    dst[2 * r] = float(x);
    dst[2 * r + 1] = float(y);
  }
}

// Circles: half 0 on the unit circle, half 1 on the circle of radius factor.
void generate_circles(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n,
                      float* dst) {
  const double noise = s.spec.noise, factor = s.spec.factor;
  for (int64_t r = 0; r < n; ++r) {
    Rng rng = row_rng(seed, first_row, r);
    const double radius = below(rng, 2) == 1 ? factor : 1.0;
    const double theta = 2.0 * kPi * uniform(rng);
    const double x = radius * std::cos(theta) + noise * normal(rng);
    const double y = radius * std::sin(theta) + noise * normal(rng);
    dst[2 * r] = float(x);
    dst[2 * r + 1] = float(y);
  }
}

// Checkerboard: g×g cells of width w centred at the origin; cell (i, j) (i along x, j along
// y) is black when i + j is even. Black cells are numbered row pair by row pair: the pair
// of rows (2p, 2p+1) holds ceil(g/2) cells at even i then floor(g/2) at odd i, g in all,
// and the last row of an odd board holds ceil(g/2). So there are ceil(g²/2) black cells.
void generate_checkerboard(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n,
                           float* dst) {
  const int64_t g = s.spec.grid_size;
  const int64_t even_per_row = (g + 1) / 2;
  const uint64_t num_black = uint64_t((g * g + 1) / 2);
  const double width = s.spec.spacing, origin = -0.5 * double(g) * width;
  for (int64_t r = 0; r < n; ++r) {
    Rng rng = row_rng(seed, first_row, r);
    const int64_t cell = int64_t(below(rng, num_black));
    const int64_t pair = cell / g, rest = cell % g;
    const int64_t j = rest < even_per_row ? 2 * pair : 2 * pair + 1;
    const int64_t i = rest < even_per_row ? 2 * rest : 2 * (rest - even_per_row) + 1;
    const double u = uniform(rng), v = uniform(rng);
    dst[2 * r] = float(origin + (double(i) + u) * width);
    dst[2 * r + 1] = float(origin + (double(j) + v) * width);
  }
}

}  // namespace

const std::vector<SyntheticParam>& synthetic_params() {
  using S = SyntheticSpec;
  static const std::vector<SyntheticParam> params = {
      {"--modes", "ring: number of modes (at angles 2πk/K)", {"ring"}, &S::modes, nullptr},
      {"--radius", "ring: radius of the circle of modes", {"ring"}, nullptr, &S::radius},
      {"--std", "ring, grid, gaussian: std of each mode (default 0.02, 0.05, 1)", {"ring", "grid", "gaussian"},
       nullptr, &S::std, true},
      {"--grid-size", "grid: modes per side (5); checkerboard: cells per side (4)", {"grid", "checkerboard"},
       &S::grid_size, nullptr, true},
      {"--spacing", "grid: distance between modes (2); checkerboard: cell width (1)", {"grid", "checkerboard"},
       nullptr, &S::spacing, true},
      {"--dim", "gaussian, uniform: dimension (2)", {"gaussian", "uniform"}, &S::dim, nullptr, true},
      {"--mean", "gaussian: mean of every coordinate", {"gaussian"}, nullptr, &S::mean},
      {"--low", "uniform: lower bound", {"uniform"}, nullptr, &S::low},
      {"--high", "uniform: upper bound", {"uniform"}, nullptr, &S::high},
      {"--noise", "spiral/swissroll (0.25), moons (0.05), circles (0.05): noise std",
       {"spiral", "swissroll", "moons", "circles"}, nullptr, &S::noise, true},
      {"--factor", "circles: inner radius / outer radius", {"circles"}, nullptr, &S::factor},
  };
  return params;
}

double param_value(const SyntheticSpec& spec, const SyntheticParam& p) {
  return p.integer ? static_cast<double>(spec.*p.integer) : spec.*p.real;
}

const std::vector<std::string>& synthetic_names() {
  static const std::vector<std::string> names = {
      "ring", "grid", "gaussian", "uniform", "spiral", "swissroll", "moons", "circles",
      "checkerboard"};
  return names;
}

Synthetic make_synthetic(const SyntheticSpec& spec) {
  const Dist dist = parse_dist(spec.dist);
  check_flags_apply(spec);
  Synthetic s;
  s.spec = spec;
  switch (dist) {
    case Dist::ring: resolve_ring(s); break;
    case Dist::grid: resolve_grid(s); break;
    case Dist::gaussian: resolve_gaussian(s); break;
    case Dist::uniform: resolve_uniform(s); break;
    case Dist::spiral: resolve_spiral(s); break;
    case Dist::moons: resolve_moons(s); break;
    case Dist::circles: resolve_circles(s); break;
    case Dist::checkerboard: resolve_checkerboard(s); break;
  }
  return s;
}

void generate_rows(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n, float* dst) {
  GANTOOL_ASSERT(first_row >= 0 && n >= 0);
  switch (parse_dist(s.spec.dist)) {
    case Dist::ring:
    case Dist::grid: generate_mixture(s, seed, first_row, n, dst); break;
    case Dist::gaussian: generate_gaussian(s, seed, first_row, n, dst); break;
    case Dist::uniform: generate_uniform(s, seed, first_row, n, dst); break;
    case Dist::spiral: generate_spiral(s, seed, first_row, n, dst); break;
    case Dist::moons: generate_moons(s, seed, first_row, n, dst); break;
    case Dist::circles: generate_circles(s, seed, first_row, n, dst); break;
    case Dist::checkerboard: generate_checkerboard(s, seed, first_row, n, dst); break;
  }
}

}  // namespace gantool
