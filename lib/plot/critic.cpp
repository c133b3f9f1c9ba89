#include "plot/critic.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/normalize.hpp"
#include "gan/losses.hpp"

namespace gantool {

namespace {

// The most panels a picture holds.
constexpr int64_t kMaxPanels = 16;

// A panel from G and D as they were at `step`.
CriticPanel make_panel(Net& g, Net& d, const GanConfig& c, const ModelMeta& meta, const CriticGrid& grid,
                       int64_t step, int64_t points) {
  // G's samples from the noise of (seed, stream 5): the same noise for every snapshot, so
  // that the panels show how G's map moved.
  const Normalization& norm = meta.schema.normalization;
  Rng rng = make_rng(meta.seed, 5);
  return CriticPanel{step, critic_surface(d, c, norm, grid), generate_rows(g, c, norm, rng, points)};
}

}  // namespace

CriticGrid critic_grid(const Tensor& real, int64_t cells) {
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (int64_t r = 0; r < real.rows(); ++r)
    for (int64_t j = 0; j < 2; ++j)
      if (std::isfinite(real(r, j))) lo[j] = std::min(lo[j], double(real(r, j))), hi[j] = std::max(hi[j], double(real(r, j)));
  for (int64_t j = 0; j < 2; ++j) {
    if (!(lo[j] <= hi[j])) lo[j] = -1, hi[j] = 1;
    const double margin = std::max(0.15 * (hi[j] - lo[j]), 1e-3 * std::max(1.0, std::abs(lo[j])));
    lo[j] -= margin;
    hi[j] += margin;
  }
  return CriticGrid{lo[0], hi[0], lo[1], hi[1], cells, cells};
}

Tensor critic_surface(Net& d, const GanConfig& c, const Normalization& norm, const CriticGrid& grid) {
  const int64_t n = grid.nx * grid.ny, pack = c.pack;
  Tensor points(n, 2);  // the cell centres, row by row
  for (int64_t iy = 0; iy < grid.ny; ++iy)
    for (int64_t ix = 0; ix < grid.nx; ++ix) {
      points(iy * grid.nx + ix, 0) = static_cast<float>(grid.x0 + (ix + 0.5) * (grid.x1 - grid.x0) / grid.nx);
      points(iy * grid.nx + ix, 1) = static_cast<float>(grid.y0 + (iy + 0.5) * (grid.y1 - grid.y0) / grid.ny);
    }
  normalize_rows(norm, points.data(), n, 2);
  Tensor src(n, pack * 2);  // (n, pack·2): m copies of each point
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < pack; ++k) std::copy_n(points.row(i), 2, src.row(i) + k * 2);
  const Tensor& logits = d.forward(src.data(), n);
  Tensor surface(grid.ny, grid.nx);
  const bool probability = outputs_probability(c.loss);
  for (int64_t i = 0; i < n; ++i)
    surface.data()[i] = static_cast<float>(probability ? sigmoid(logits.data()[i]) : logits.data()[i]);
  return surface;
}

CriticPicture critic_picture(const Gan& gan, const ModelMeta& meta, const Tensor& real, int64_t every,
                             int64_t points, const std::string& model) {
  const GanConfig& c = gan.config;
  if (c.data_dim() != 2)
    fail_usage("plot critic draws D over a plane: {} was trained on {} columns, not 2 (see its samples with plot samples)",
               model, c.data_dim());
  CriticPicture p;
  p.columns = column_names(meta.schema);
  p.probability = outputs_probability(c.loss);
  p.pack = c.pack;
  p.grid = critic_grid(real);
  const int64_t shown = std::min(points, real.rows());
  p.real = Tensor(shown, 2);
  for (int64_t k = 0; k < shown; ++k) std::copy_n(real.row(k * real.rows() / shown), 2, p.real.row(k));
  std::vector<const Snapshot*> chosen;
  if (every > 0) {
    if (meta.snapshots.empty())
      fail_usage("{} holds no snapshots for --every: train with --snapshot-every N to keep them", model);
    for (const Snapshot& s : meta.snapshots)
      if (s.step % every == 0) chosen.push_back(&s);
    if (chosen.empty())
      fail_usage("--every {} selects none of the {} snapshots of {} (steps {} to {}, every {}): use a multiple of {}",
                 every, meta.snapshots.size(), model, meta.snapshots.front().step, meta.snapshots.back().step,
                 meta.snapshot_every, meta.snapshot_every);
    const bool final_too = chosen.back()->step != meta.steps_done;
    if (static_cast<int64_t>(chosen.size()) + final_too > kMaxPanels)
      fail_usage("--every {} selects {} snapshots of {}; a picture holds at most {} panels: use a larger --every", every,
                 chosen.size() + final_too, model, kMaxPanels);
  }
  // One copy of each net (forward passes need their own buffers), loaded with each
  // snapshot's parameters in turn, then with the final ones.
  const Net& sampling = c.ema > 0 ? gan.g_ema : gan.g;
  Net g = sampling.copy(), d = gan.d.copy();
  for (const Snapshot* s : chosen) {
    g.params.values = s->g;
    g.state.values = s->g_state;
    d.params.values = s->d;
    p.panels.push_back(make_panel(g, d, c, meta, p.grid, s->step, shown));
  }
  if (chosen.empty() || chosen.back()->step != meta.steps_done) {
    g.params.values = sampling.params.values;
    g.state.values = sampling.state.values;
    d.params.values = gan.d.params.values;
    p.panels.push_back(make_panel(g, d, c, meta, p.grid, meta.steps_done, shown));
  }
  return p;
}

}  // namespace gantool
