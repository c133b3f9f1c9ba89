// The pictures of `gantool plot`, as gnuplot figures (plot/gnuplot.hpp) built from plain data:
// samples over each other, training histories, and the discriminator's surface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "data/table.hpp"
#include "plot/gnuplot.hpp"

namespace gantool {

// Above this many rows a side, two numeric columns are drawn as density maps, not points.
inline constexpr int64_t kMaxScatterRows = 50000;
// Points per input in each panel of a pair plot (an even choice of rows when there are more).
inline constexpr int64_t kPairPlotPoints = 5000;
// The most columns a pair plot shows.
inline constexpr int64_t kMaxPairColumns = 8;

// One input of a samples picture: a label and a table whose columns are the chosen ones (the
// same names and kinds in every input).
struct SampleSet {
  std::string label;
  Table table;
};

// The inputs over each other: one column as overlaid histograms (bars for a discrete column),
// two numeric columns as a scatter (density maps, one per input, when an input has more than
// kMaxScatterRows rows), more (or a discrete one) as a pair plot with the marginals on its
// diagonal. Datetime columns are shown in years. Missing values are left out.
Figure samples_figure(const std::vector<SampleSet>& sets, const std::string& title);

// One model's training history: rows × history_columns() values (io/model_file.hpp).
struct HistorySet {
  std::string label;
  std::vector<double> history;
};

// loss_d, loss_g, D(x), D(G(z)), the penalty and steps/s against the step, the models
// overlaid.
Figure history_figure(const std::vector<HistorySet>& sets, const std::string& title);

// The plane a critic picture covers and its resolution.
struct CriticGrid {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  int64_t nx = 160, ny = 160;
};

// One panel of a critic picture: D over the grid and G's samples at one step.
struct CriticPanel {
  int64_t step = 0;
  Tensor surface;  // (ny, nx): D at the centre of each cell, row 0 at y0
  Tensor fake;     // (n, 2) in data units
};

// What a critic picture shows besides its panels.
struct CriticPicture {
  CriticGrid grid;
  std::vector<std::string> columns;  // the two axes
  Tensor real;                       // (n, 2) in data units
  bool probability = true;           // D(x) is a probability (else a raw critic value)
  int64_t pack = 1;                  // D judges `pack` copies of a point
  std::vector<CriticPanel> panels;   // in step order
};

// How panels are laid out: up to 4 in one row, more in a near-square grid.
struct PanelLayout {
  int64_t rows = 1, cols = 1;
};
PanelLayout panel_layout(int64_t panels);

// D's output as a heat map over the plane with the real and generated samples on top, one
// panel per step.
Figure critic_figure(const CriticPicture& picture, const std::string& title);

}  // namespace gantool
