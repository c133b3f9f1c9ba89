#include "plot/figures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/model_file.hpp"

namespace gantool {

namespace {

constexpr double kSecondsPerYear = 365.2425 * 86400;
constexpr int64_t kHistogramBins = 40;
constexpr int64_t kDensityBins = 120;

// Settings one panel of a multiplot may have changed, back to gnuplot's defaults.
constexpr const char* kPanelReset =
    "unset key; unset label; unset logscale; unset title; unset colorbox; set size noratio\n"
    "set xtics autofreq norotate; set ytics autofreq; set xrange [*:*]; set yrange [*:*]\n"
    "set xlabel ''; set ylabel ''; set format x '% h'; set format y '% h'; set style fill empty\n";

// Row r of column c as drawn: NaN when missing, a datetime in years, a discrete column's code.
double drawn_value(const Table& t, int64_t c, int64_t r) {
  const double v = number_at(t, c, r);
  return t.schema.columns[c].kind == ColumnKind::datetime ? 1970 + v / kSecondsPerYear : v;
}

std::string axis_label(const Column& column) {
  return column.kind == ColumnKind::datetime ? column.name + " (year)" : column.name;
}

// A point colour with gnuplot's transparency byte (00 opaque, FF invisible).
std::string with_alpha(const char* colour, int alpha) { return fmt::format("#{:02x}{}", alpha, colour + 1); }

// A fixed pseudo-random offset in [-0.3, 0.3] for row r of column c (jitter of a discrete axis).
double jitter(int64_t r, int64_t c) {
  uint64_t x = static_cast<uint64_t>(r) * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(c) * 0xBF58476D1CE4E5B9ull;
  x ^= x >> 31;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 29;
  return (static_cast<double>(x >> 11) / 9007199254740992.0 - 0.5) * 0.6;
}

struct Range {
  double lo = 0, hi = 1;
};

// The smallest and largest finite values of column c over every input ({0, 1} when none).
Range value_range(const std::vector<SampleSet>& sets, int64_t c) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const SampleSet& s : sets)
    for (int64_t r = 0; r < s.table.rows; ++r) {
      const double v = drawn_value(s.table, c, r);
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  return lo <= hi ? Range{lo, hi} : Range{0, 1};
}

// The same with a margin of 4% a side (±0.5 for a single value): an axis's range.
Range numeric_range(const std::vector<SampleSet>& sets, int64_t c) {
  const auto [lo, hi] = value_range(sets, c);
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(lo))) return {lo - 0.5, hi + 0.5};
  const double margin = 0.04 * (hi - lo);
  return {lo - margin, hi + margin};
}

// The bins of a numeric column's histogram: kHistogramBins over its range, or for an integer
// column whole numbers of values each (so that no bin holds one more value than its neighbour).
struct Bins {
  double lo = 0, width = 1;
  int64_t count = 1;
};

Bins histogram_bins(const std::vector<SampleSet>& sets, int64_t c) {
  const Range v = value_range(sets, c);
  if (sets[0].table.schema.columns[c].kind != ColumnKind::integer)
    return v.hi > v.lo ? Bins{v.lo, (v.hi - v.lo) / kHistogramBins, kHistogramBins} : Bins{v.lo - 0.5, 1, 1};
  const double lo = std::round(v.lo), hi = std::round(v.hi);
  const double width = std::max(1.0, std::ceil((hi - lo + 1) / kHistogramBins));
  return {lo - 0.5, width, static_cast<int64_t>(std::ceil((hi - lo + 1) / width))};
}

bool discrete_column(const std::vector<SampleSet>& sets, int64_t c) {
  return is_discrete(sets[0].table.schema.columns[c].kind);
}

// The axis settings of column c on axis "x" or "y": its range and, when discrete, its
// categories as tics.
std::string axis_settings(const std::vector<SampleSet>& sets, int64_t c, const char* axis) {
  const Column& column = sets[0].table.schema.columns[c];
  if (!is_discrete(column.kind)) {
    const Range r = numeric_range(sets, c);
    return fmt::format("set {}range [{}:{}]\n", axis, gp_number(r.lo), gp_number(r.hi));
  }
  const auto k = static_cast<int64_t>(column.categories.size());
  const int64_t every = std::max<int64_t>(1, (k + 19) / 20);  // at most about 20 labels
  std::string tics;
  for (int64_t i = 0; i < k; i += every)
    tics += fmt::format("{}{} {}", tics.empty() ? "" : ", ", gp_string(column.categories[i].substr(0, 24)), i);
  return fmt::format("set {}range [-0.6:{}]\nset {}tics ({}){}\n", axis, k - 0.4, axis, tics,
                     std::string(axis) == "x" && k > 4 ? " rotate by 30 right" : "");
}

// Rows of an input drawn in a panel: all of them, or `most` chosen evenly.
int64_t shown_rows(int64_t rows, int64_t most) { return std::min(rows, most); }
int64_t shown_row(int64_t k, int64_t shown, int64_t rows) { return shown == rows ? k : k * rows / shown; }

std::string set_title(const SampleSet& s, int64_t shown) {
  return shown == s.table.rows ? fmt::format("{} ({} rows)", s.label, s.table.rows)
                               : fmt::format("{} ({} of {} rows)", s.label, shown, s.table.rows);
}

// A panel's axis names ("": none), whether it has the key, and its title ("": none).
struct PanelText {
  std::string xlabel, ylabel;
  bool key = false;
  std::string title;
  bool key_on_canvas = false;  // the key at the canvas's top right (a pair plot's), not in the panel
};

std::string panel_text(const PanelText& text) {
  return fmt::format("set xlabel {}; set ylabel {}\n", gp_string(text.xlabel), gp_string(text.ylabel)) +
         (text.title.empty() ? "" : "set title " + gp_string(text.title) + "\n");
}

std::string key_setting(const PanelText& text) {
  return text.key_on_canvas ? "set key at screen 0.99, 0.995 right top box opaque\n" : "set key top right opaque box\n";
}

// Column cy against column cx, the inputs' points over each other (at most `most` rows each).
void scatter_panel(Figure& f, const std::vector<SampleSet>& sets, int64_t cx, int64_t cy, int64_t most,
                   const PanelText& text) {
  f.commands += kPanelReset;
  f.commands += axis_settings(sets, cx, "x") + axis_settings(sets, cy, "y");
  const bool jitter_x = discrete_column(sets, cx), jitter_y = discrete_column(sets, cy);
  const bool key = text.key;
  f.commands += panel_text(text);
  if (key) f.commands += key_setting(text);
  std::string plot = "plot ";
  for (size_t i = 0; i < sets.size(); ++i) {
    const Table& t = sets[i].table;
    const int64_t shown = shown_rows(t.rows, most);
    const std::string block = f.begin_block(fmt::format("{}: {} against {}", sets[i].label,
                                                        t.schema.columns[cy].name, t.schema.columns[cx].name));
    for (int64_t k = 0; k < shown; ++k) {
      const int64_t r = shown_row(k, shown, t.rows);
      const double x = drawn_value(t, cx, r) + (jitter_x ? jitter(r, cx) : 0);
      const double y = drawn_value(t, cy, r) + (jitter_y ? jitter(r, cy) : 0);
      if (std::isfinite(x) && std::isfinite(y)) f.data += gp_number(x) + " " + gp_number(y) + "\n";
    }
    f.end_block();
    const int alpha = shown > 5000 ? 0xb0 : shown > 1000 ? 0x80 : 0x40;
    plot += fmt::format("{}{} using 1:2 with points pt 7 ps {} lc rgb '{}' notitle", i ? ", " : "", block,
                        shown > 5000 ? 0.25 : 0.4, with_alpha(series_colour(i), alpha));
    // The key's symbol is drawn larger than the points, so that its colour reads.
    if (key)
      plot += fmt::format(", keyentry with points pt 7 ps 1.2 lc rgb '{}' title {}", series_colour(i),
                          gp_string(set_title(sets[i], shown)));
  }
  f.commands += plot + "\n";
}

// The marginal of column c: overlaid histograms of shares (numeric) or side-by-side bars of
// each category's share (discrete).
void marginal_panel(Figure& f, const std::vector<SampleSet>& sets, int64_t c, const PanelText& text) {
  f.commands += kPanelReset;
  const Column& column = sets[0].table.schema.columns[c];
  const bool discrete = is_discrete(column.kind);
  const bool key = text.key;
  f.commands += axis_settings(sets, c, "x");
  f.commands += "set yrange [0:*]\n";
  f.commands += panel_text(text);
  if (key) f.commands += key_setting(text);
  const auto n_sets = static_cast<double>(sets.size());
  const double bar = 0.8 / n_sets;
  if (discrete) f.commands += fmt::format("set boxwidth {} absolute; set style fill solid 0.75 noborder\n", bar);
  const Bins hist = histogram_bins(sets, c);
  std::string plot = "plot ";
  for (size_t i = 0; i < sets.size(); ++i) {
    const Table& t = sets[i].table;
    const int64_t bins = discrete ? static_cast<int64_t>(column.categories.size()) : hist.count;
    std::vector<double> counts(static_cast<size_t>(std::max<int64_t>(bins, 1)), 0.0);
    double total = 0;
    for (int64_t r = 0; r < t.rows; ++r) {
      const double v = drawn_value(t, c, r);
      if (!std::isfinite(v)) continue;
      // (The largest value closes the last bin.)
      const auto b = static_cast<int64_t>(discrete ? v : std::min<double>(std::floor((v - hist.lo) / hist.width), bins - 1));
      if (b >= 0 && b < bins) counts[b] += 1, total += 1;
    }
    const std::string block = f.begin_block(fmt::format("{}: share of rows by {} of {}", sets[i].label,
                                                        discrete ? "category" : "bin", column.name));
    for (int64_t b = 0; b < bins; ++b) {
      const double x = discrete ? b + (static_cast<double>(i) - (n_sets - 1) / 2) * bar : hist.lo + (b + 0.5) * hist.width;
      f.data += gp_number(x) + " " + gp_number(total > 0 ? counts[b] / total : 0) + "\n";
    }
    f.end_block();
    const std::string title = key ? "title " + gp_string(set_title(sets[i], t.rows)) : "notitle";
    plot += discrete ? fmt::format("{}{} using 1:2 with boxes lc rgb '{}' {}", i ? ", " : "", block, series_colour(i), title)
                     : fmt::format("{}{} using 1:2 with histeps lw 2 lc rgb '{}' {}", i ? ", " : "", block,
                                   series_colour(i), title);
  }
  f.commands += plot + "\n";
}

// Two numeric columns as one density map per input (counts per cell, log colour scale).
void density_panels(Figure& f, const std::vector<SampleSet>& sets, const std::string& title) {
  const Range rx = numeric_range(sets, 0), ry = numeric_range(sets, 1);
  f.commands += fmt::format("set multiplot layout 1,{} title {}\n", sets.size(), gp_string(title));
  const double wx = (rx.hi - rx.lo) / kDensityBins, wy = (ry.hi - ry.lo) / kDensityBins;
  for (const SampleSet& s : sets) {
    std::vector<double> counts(kDensityBins * kDensityBins, 0.0);
    for (int64_t r = 0; r < s.table.rows; ++r) {
      const double x = drawn_value(s.table, 0, r), y = drawn_value(s.table, 1, r);
      const auto bx = static_cast<int64_t>(std::floor((x - rx.lo) / wx));
      const auto by = static_cast<int64_t>(std::floor((y - ry.lo) / wy));
      if (bx >= 0 && bx < kDensityBins && by >= 0 && by < kDensityBins) counts[by * kDensityBins + bx] += 1;
    }
    const std::string block = f.begin_block(fmt::format("{}: rows per cell (x, y, count; NaN for none)", s.label));
    for (int64_t by = 0; by < kDensityBins; ++by) {
      for (int64_t bx = 0; bx < kDensityBins; ++bx) {
        const double n = counts[by * kDensityBins + bx];
        f.data += gp_number(rx.lo + (bx + 0.5) * wx) + " " + gp_number(ry.lo + (by + 0.5) * wy) + " " +
                  (n > 0 ? gp_number(n) : "NaN") + "\n";
      }
      f.data += "\n";
    }
    f.end_block();
    f.commands += kPanelReset;
    f.commands += fmt::format("set xrange [{}:{}]; set yrange [{}:{}]\n", gp_number(rx.lo), gp_number(rx.hi),
                              gp_number(ry.lo), gp_number(ry.hi));
    f.commands += fmt::format("set xlabel {}; set ylabel {}\n", gp_string(axis_label(s.table.schema.columns[0])),
                              gp_string(axis_label(s.table.schema.columns[1])));
    f.commands += fmt::format("set title {}\n", gp_string(fmt::format("{} ({} rows)", s.label, s.table.rows)));
    f.commands += "set logscale cb; set colorbox; set cblabel 'rows per cell'\n";
    f.commands += "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";
    f.commands += fmt::format("plot {} using 1:2:3 with image notitle\n", block);
  }
  f.commands += "unset multiplot\n";
}

// A panel that says there is nothing to draw.
std::string empty_panel(const std::string& what) {
  return fmt::format("{}unset border; unset xtics; unset ytics\nset label 1 {} at graph 0.5, 0.5 center\n"
                     "plot [0:1] [0:1] 2 notitle\nset border; set xtics; set ytics\n",
                     kPanelReset, gp_string(what));
}

}  // namespace

Figure samples_figure(const std::vector<SampleSet>& sets, const std::string& title) {
  if (sets.empty()) throw std::logic_error("samples_figure: no inputs");
  const int64_t n = width(sets[0].table.schema);
  Figure f;
  bool large = false, discrete = false;
  for (const SampleSet& s : sets) large = large || s.table.rows > kMaxScatterRows;
  for (int64_t c = 0; c < n; ++c) discrete = discrete || discrete_column(sets, c);
  const auto label = [&](int64_t c) { return axis_label(sets[0].table.schema.columns[c]); };
  if (n == 1) {
    marginal_panel(f, sets, 0, {label(0), "share of rows", true, title});
  } else if (n == 2 && !discrete && large) {
    density_panels(f, sets, title);
  } else if (n == 2 && !discrete) {
    scatter_panel(f, sets, 0, 1, kMaxScatterRows, {label(0), label(1), true, title});
  } else {
    // A pair plot: row i, column j shows column i against column j; the diagonal, column i's
    // marginal. Axis names on the left column and the bottom row; the key in the first panel.
    f.commands += fmt::format("set multiplot layout {},{} title {}\n", n, n, gp_string(title));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        const PanelText text{i == n - 1 ? label(j) : "", j == 0 ? label(i) : "", i == 0 && j == 0, "", true};
        if (i == j) {
          marginal_panel(f, sets, i, text);
        } else {
          scatter_panel(f, sets, j, i, kPairPlotPoints, text);
        }
      }
    f.commands += "unset multiplot\n";
  }
  return f;
}

Figure history_figure(const std::vector<HistorySet>& sets, const std::string& title) {
  const std::vector<std::string>& names = history_columns();
  const auto cols = static_cast<int64_t>(names.size());
  const auto at = [&](const char* name) {
    return static_cast<int64_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  const char* shown[] = {"loss_d", "loss_g", "d_real", "d_fake", "penalty"};
  struct Panel {
    const char* label;
    bool any = false;  // some value is finite (for the penalty: and not 0)
  };
  Panel panels[] = {{"loss_d"}, {"loss_g"}, {"D(x)"}, {"D(G(z))"}, {"penalty"}, {"steps/s"}};
  Figure f;
  std::vector<std::string> blocks;
  for (const HistorySet& s : sets) {
    const int64_t rows = static_cast<int64_t>(s.history.size()) / cols;
    blocks.push_back(f.begin_block(s.label + ": step loss_d loss_g d_real d_fake penalty steps_per_second"));
    for (int64_t r = 0; r < rows; ++r) {
      const double* row = &s.history[r * cols];
      const double* before = r > 0 ? &s.history[(r - 1) * cols] : nullptr;
      f.data += gp_number(row[at("step")]);
      for (int64_t p = 0; p < 5; ++p) {
        const double v = row[at(shown[p])];
        f.data += " " + gp_number(v);
        if (std::isfinite(v) && (p != 4 || v != 0)) panels[p].any = true;
      }
      const double steps = row[at("step")] - (before ? before[at("step")] : 0);
      const double seconds = row[at("seconds")] - (before ? before[at("seconds")] : 0);
      const double rate = seconds > 0 ? steps / seconds : NAN;
      if (std::isfinite(rate)) panels[5].any = true;
      f.data += " " + gp_number(rate) + "\n";
    }
    f.end_block();
  }
  f.commands += fmt::format("set multiplot layout 3,2 title {}\n", gp_string(title));
  for (int64_t p = 0; p < 6; ++p) {
    if (!panels[p].any) {
      f.commands += empty_panel(p == 4 ? "no penalty: none of these runs has one" : "no values recorded");
      continue;
    }
    f.commands += kPanelReset;
    f.commands += fmt::format("set ylabel {}\n", gp_string(panels[p].label));
    if (p >= 4) f.commands += "set xlabel 'step'\n";
    f.commands += "set format x '%.0s%c'\n";  // 20000 as 20k
    if (p == 5) f.commands += "set yrange [0:*]\n";
    if (p == 0) f.commands += "set key top right opaque box\n";
    std::string plot = "plot ";
    for (size_t i = 0; i < sets.size(); ++i)
      plot += fmt::format("{}{} using 1:{} with lines lw 1.5 lc rgb '{}' {}", i ? ", " : "", blocks[i], p + 2,
                          series_colour(i), p == 0 ? "title " + gp_string(sets[i].label) : "notitle");
    f.commands += plot + "\n";
  }
  f.commands += "unset multiplot\n";
  return f;
}

PanelLayout panel_layout(int64_t panels) {
  const int64_t cols = panels <= 4 ? std::max<int64_t>(panels, 1)
                                   : static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(panels))));
  return {(std::max<int64_t>(panels, 1) + cols - 1) / cols, cols};
}

Figure critic_figure(const CriticPicture& p, const std::string& title) {
  const CriticGrid& g = p.grid;
  Figure f;
  const auto points = [&](const Tensor& rows, const std::string& what) {
    const std::string block = f.begin_block(what);
    for (int64_t r = 0; r < rows.rows(); ++r) f.data += gp_number(rows(r, 0)) + " " + gp_number(rows(r, 1)) + "\n";
    f.end_block();
    return block;
  };
  const std::string real = points(p.real, fmt::format("{} real rows (x, y)", p.real.rows()));
  const auto n = static_cast<int64_t>(p.panels.size());
  const auto [rows, cols] = panel_layout(n);
  const std::string value = p.probability ? "D(x), the probability that x is real" : "critic value D(x)";
  f.commands += fmt::format("set multiplot layout {},{} title {}\n", rows, cols,
                            gp_string(title + (p.pack > 1 ? fmt::format(" (pack {}: D of {} copies of x)", p.pack, p.pack) : "")));
  for (const CriticPanel& panel : p.panels) {
    const std::string surface = f.begin_block(fmt::format("step {}: D over the plane (x, y, D)", panel.step));
    const double wx = (g.x1 - g.x0) / g.nx, wy = (g.y1 - g.y0) / g.ny;
    for (int64_t iy = 0; iy < g.ny; ++iy) {
      for (int64_t ix = 0; ix < g.nx; ++ix)
        f.data += gp_number(g.x0 + (ix + 0.5) * wx) + " " + gp_number(g.y0 + (iy + 0.5) * wy) + " " +
                  gp_number(panel.surface(iy, ix)) + "\n";
      f.data += "\n";
    }
    f.end_block();
    const std::string fake = points(panel.fake, fmt::format("step {}: {} rows of G (x, y)", panel.step, panel.fake.rows()));
    f.commands += kPanelReset;
    f.commands += fmt::format("set xrange [{}:{}]; set yrange [{}:{}]; set size ratio -1\n", gp_number(g.x0),
                              gp_number(g.x1), gp_number(g.y0), gp_number(g.y1));
    f.commands += fmt::format("set xlabel {}; set ylabel {}\n", gp_string(p.columns[0]), gp_string(p.columns[1]));
    if (n > 1) f.commands += fmt::format("set title 'step {}'\n", panel.step);
    f.commands += "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b'); set colorbox\n";
    f.commands += p.probability ? "set cbrange [0:1]\n" : "set cbrange [*:*]\n";
    f.commands += fmt::format("set cblabel {}\n", gp_string(value));
    f.commands += "set key top right opaque box\n";
    f.commands += fmt::format(
        "plot {} using 1:2:3 with image notitle, {} using 1:2 with points pt 7 ps 0.3 lc rgb '#00a000' notitle, "
        "{} using 1:2 with points pt 7 ps 0.2 lc rgb '#000000' notitle, "
        "keyentry with points pt 7 ps 1 lc rgb '#000000' title 'real', "
        "keyentry with points pt 7 ps 1 lc rgb '#00a000' title 'generated'\n",
        surface, fake, real);  // the real rows on top: they are what G should cover
  }
  f.commands += "unset multiplot\n";
  return f;
}

}  // namespace gantool
