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
    "unset key; unset label; unset logscale; unset title; unset colorbox; set size noratio; set boxwidth\n"
    "set xtics autofreq norotate; set ytics autofreq; set xrange [*:*]; set yrange [*:*]; set cbrange [*:*]\n"
    "set xlabel ''; set ylabel ''; set format x '% h'; set format y '% h'; set style fill empty\n";

// A numeric column with at most this many distinct values has a bar per value, not bins.
constexpr int64_t kMaxValueBars = 40;
// Category labels on an axis, at most; longer names are cut.
constexpr int64_t kMaxCategoryLabels = 15;
constexpr size_t kCategoryLabelBytes = 16;

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

// The style of the i-th series' lines: its colour, dashed from the 11th on (the colours repeat).
std::string line_style(size_t i) {
  return fmt::format("lc rgb '{}' dt {}", series_colour(static_cast<int64_t>(i)), 1 + i / 10);
}

// A fixed pseudo-random offset in [-0.5, 0.5) for row r of column c (jitter of an axis).
double jitter(int64_t r, int64_t c) {
  uint64_t x = static_cast<uint64_t>(r) * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(c) * 0xBF58476D1CE4E5B9ull;
  x ^= x >> 31;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 29;
  return static_cast<double>(x >> 11) / 9007199254740992.0 - 0.5;
}

// `text` cut to about `bytes` bytes (at a UTF-8 character's start), with "…" when cut.
std::string cut(const std::string& text, size_t bytes) {
  if (text.size() <= bytes) return text;
  size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

struct Range {
  double lo = 0, hi = 1;
};

// What the panels need to know of one column over every input.
struct Axis {
  const Column* column = nullptr;
  bool discrete = false;
  bool any = false;             // some value is finite
  Range values;                 // the smallest and largest finite values
  Range range;                  // the axis's range: the values with a margin
  std::vector<double> distinct; // the distinct finite values, when at most kMaxValueBars (else empty)
  double gap = 1;               // the smallest gap between distinct values (1 when fewer than two)
  double jitter = 0;            // the amplitude of a scatter's jitter (0: none)
};

Axis make_axis(const std::vector<SampleSet>& sets, int64_t c) {
  Axis a;
  a.column = &sets[0].table.schema.columns[c];
  a.discrete = is_discrete(a.column->kind);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::vector<double> distinct;
  bool many = false;
  for (const SampleSet& s : sets)
    for (int64_t r = 0; r < s.table.rows; ++r) {
      const double v = drawn_value(s.table, c, r);
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v), hi = std::max(hi, v);
      if (!many && std::find(distinct.begin(), distinct.end(), v) == distinct.end()) {
        distinct.push_back(v);
        many = static_cast<int64_t>(distinct.size()) > kMaxValueBars;
      }
    }
  a.any = lo <= hi;
  a.values = a.any ? Range{lo, hi} : Range{0, 1};
  if (!many && a.any) {
    std::sort(distinct.begin(), distinct.end());
    a.distinct = distinct;
    for (size_t i = 1; i < distinct.size(); ++i) a.gap = i == 1 ? distinct[1] - distinct[0] : std::min(a.gap, distinct[i] - distinct[i - 1]);
  }
  if (a.discrete) {
    a.range = {-0.6, static_cast<double>(a.column->categories.size()) - 0.4};
    a.jitter = 0.6;
  } else if (!a.distinct.empty()) {  // a bar per value
    a.range = {a.values.lo - 0.6 * a.gap, a.values.hi + 0.6 * a.gap};
  } else {
    const double margin = 0.04 * (hi - lo);
    a.range = {lo - margin, hi + margin};
  }
  // Whole numbers pile up on each other in a scatter: a strip of ±¼ of their spacing (a
  // continuous column's points stay where they are).
  if (a.column->kind == ColumnKind::integer) a.jitter = 0.5 * (a.distinct.size() > 1 ? a.gap : 1.0);
  return a;
}

// The axis settings of a column on axis "x" or "y": its range and, when discrete, its
// categories as tics (at most kMaxCategoryLabels of them, cut to kCategoryLabelBytes).
std::string axis_settings(const Axis& a, const char* axis, bool rotate) {
  std::string text = fmt::format("set {}range [{}:{}]\n", axis, gp_number(a.range.lo), gp_number(a.range.hi));
  const bool x = std::string(axis) == "x";
  if (a.discrete) {
    const auto k = static_cast<int64_t>(a.column->categories.size());
    const int64_t every = std::max<int64_t>(1, (k + kMaxCategoryLabels - 1) / kMaxCategoryLabels);
    std::string tics;
    for (int64_t i = 0; i < k; i += every)
      tics += fmt::format("{}{} {}", tics.empty() ? "" : ", ", gp_string(cut(a.column->categories[i], kCategoryLabelBytes)), i);
    text += fmt::format("set {}tics ({}){}\n", axis, tics, x && (k > 4 || rotate) ? " rotate by 45 right" : "");
  } else if (a.column->kind == ColumnKind::integer && !a.distinct.empty() && a.distinct.size() <= 12) {
    std::string tics;  // few whole numbers: each its tic
    for (const double v : a.distinct) tics += fmt::format("{}{}", tics.empty() ? "" : ", ", gp_number(v));
    text += fmt::format("set {}tics ({}){}\n", axis, tics, x && rotate ? " rotate by 30 right" : "");
  } else if (x && rotate) {
    text += "set xtics rotate by 30 right\n";
  }
  return text;
}

// Rows of an input drawn in a panel: all of them, or `most` chosen evenly.
int64_t shown_rows(int64_t rows, int64_t most) { return std::min(rows, most); }
int64_t shown_row(int64_t k, int64_t shown, int64_t rows) { return shown == rows ? k : k * rows / shown; }

// A key entry: the input, and how many of its rows are drawn.
std::string set_title(const SampleSet& s, int64_t drawn, int64_t considered) {
  const int64_t rows = s.table.rows;
  if (drawn == rows) return fmt::format("{} ({} rows)", s.label, rows);
  if (considered == rows) return fmt::format("{} ({} of {} rows; the rest missing here)", s.label, drawn, rows);
  return fmt::format("{} ({} of {} rows drawn)", s.label, drawn, rows);
}

// A panel's axis names ("": none), whether it has the key, and its title ("": none).
struct PanelText {
  std::string xlabel, ylabel;
  bool key = false;
  std::string title;
  bool multi = false;  // a panel of a pair plot: the key above the panels, x tics turned
};

std::string panel_text(const PanelText& text) {
  return fmt::format("set xlabel {}; set ylabel {}\n", gp_string(text.xlabel), gp_string(text.ylabel)) +
         (text.title.empty() ? "" : "set title " + gp_string(text.title) + "\n");
}

// The key: above the plot, so that it hides no data (a pair plot's above all its panels).
std::string key_setting(const PanelText& text) {
  return text.multi ? "set key at screen 0.5, 0.965 center top horizontal Left reverse samplen 1\n"
                    : "set key tmargin center horizontal Left reverse samplen 1\n";
}

// Column cy against column cx, the inputs' points over each other (at most `most` rows each).
void scatter_panel(Figure& f, const std::vector<SampleSet>& sets, const std::vector<Axis>& axes, int64_t cx,
                   int64_t cy, int64_t most, const PanelText& text) {
  f.commands += kPanelReset;
  f.commands += axis_settings(axes[cx], "x", text.multi) + axis_settings(axes[cy], "y", false);
  f.commands += panel_text(text);
  if (text.key) f.commands += key_setting(text);
  std::string plot = "plot ";
  for (size_t i = 0; i < sets.size(); ++i) {
    const Table& t = sets[i].table;
    const int64_t shown = shown_rows(t.rows, most);
    const std::string block = f.begin_block(fmt::format("{}: {} against {}", sets[i].label,
                                                        t.schema.columns[cy].name, t.schema.columns[cx].name));
    int64_t drawn = 0;
    for (int64_t k = 0; k < shown; ++k) {
      const int64_t r = shown_row(k, shown, t.rows);
      const double x = drawn_value(t, cx, r) + axes[cx].jitter * jitter(r, cx);
      const double y = drawn_value(t, cy, r) + axes[cy].jitter * jitter(r, cy);
      if (std::isfinite(x) && std::isfinite(y)) f.data += gp_number(x) + " " + gp_number(y) + "\n", ++drawn;
    }
    f.end_block();
    const int alpha = shown > 5000 ? 0xb0 : shown > 1000 ? 0x80 : 0x30;
    const double size = shown > 5000 ? 0.25 : shown > 1000 ? 0.4 : 0.6;
    plot += fmt::format("{}{} using 1:2 with points pt 7 ps {} lc rgb '{}' notitle", i ? ", " : "", block, size,
                        with_alpha(series_colour(i), alpha));
    // The key's symbol is drawn larger than the points, so that its colour reads.
    if (text.key)
      plot += fmt::format(", keyentry with points pt 7 ps 1.2 lc rgb '{}' title {}", series_colour(i),
                          gp_string(set_title(sets[i], drawn, shown)));
  }
  f.commands += plot + "\n";
}

// A panel that says there is nothing to draw.
std::string empty_panel(const std::string& what) {
  return fmt::format("{}unset border; unset xtics; unset ytics\nset label 1 {} at graph 0.5, 0.5 center\n"
                     "plot [0:1] [0:1] 2 notitle\nset border; set xtics; set ytics\n",
                     kPanelReset, gp_string(what));
}

// The marginal of a column: the share of each input's rows with each value — side-by-side
// bars per category (discrete) or per value (at most kMaxValueBars distinct values), else
// overlaid histograms of kHistogramBins bins (whole numbers of values for an integer column).
void marginal_panel(Figure& f, const std::vector<SampleSet>& sets, const std::vector<Axis>& axes, int64_t c,
                    const PanelText& text) {
  const Axis& a = axes[c];
  if (!a.any) {
    f.commands += empty_panel(fmt::format("no values: {} is missing in every row", a.column->name));
    return;
  }
  f.commands += kPanelReset;
  f.commands += axis_settings(a, "x", text.multi);
  f.commands += "set yrange [0:*]\n";
  f.commands += panel_text(text);
  if (text.key) f.commands += key_setting(text);
  const bool bars = a.discrete || !a.distinct.empty();
  const auto n_sets = static_cast<double>(sets.size());
  // Bars: k slots at the categories' codes or the distinct values; histogram: equal bins.
  const int64_t k = a.discrete ? static_cast<int64_t>(a.column->categories.size()) : static_cast<int64_t>(a.distinct.size());
  double lo = a.values.lo, width = (a.values.hi - a.values.lo) / kHistogramBins;
  int64_t bins = kHistogramBins;
  if (!bars && a.column->kind == ColumnKind::integer) {
    const double first = std::round(a.values.lo), last = std::round(a.values.hi);
    width = std::max(1.0, std::ceil((last - first + 1) / kHistogramBins));
    lo = first - 0.5;
    bins = static_cast<int64_t>(std::ceil((last - first + 1) / width));
  }
  const double bar = (a.discrete ? 0.8 : 0.8 * a.gap) / n_sets;
  f.commands += bars ? fmt::format("set boxwidth {} absolute; set style fill solid 0.75 noborder\n", gp_number(bar))
                     : fmt::format("set boxwidth {} absolute; set style fill transparent solid 0.3 border\n", gp_number(width));
  std::string plot = "plot ";
  for (size_t i = 0; i < sets.size(); ++i) {
    const Table& t = sets[i].table;
    const int64_t slots = bars ? k : bins;
    std::vector<double> counts(static_cast<size_t>(slots), 0.0);
    double total = 0;
    for (int64_t r = 0; r < t.rows; ++r) {
      const double v = drawn_value(t, c, r);
      if (!std::isfinite(v)) continue;
      int64_t b = 0;
      if (a.discrete) b = static_cast<int64_t>(v);
      else if (bars) b = std::lower_bound(a.distinct.begin(), a.distinct.end(), v) - a.distinct.begin();
      else b = std::min<int64_t>(static_cast<int64_t>(std::floor((v - lo) / width)), slots - 1);  // the largest closes the last bin
      if (b >= 0 && b < slots) counts[b] += 1, total += 1;
    }
    const std::string block = f.begin_block(fmt::format("{}: share of rows by {} of {}", sets[i].label,
                                                        bars ? "value" : "bin", a.column->name));
    for (int64_t b = 0; b < slots; ++b) {
      const double centre = a.discrete ? b : bars ? a.distinct[b] : lo + (b + 0.5) * width;
      const double x = bars ? centre + (static_cast<double>(i) - (n_sets - 1) / 2) * bar : centre;
      f.data += gp_number(x) + " " + gp_number(total > 0 ? counts[b] / total : 0) + "\n";
    }
    f.end_block();
    const std::string title =
        text.key ? "title " + gp_string(set_title(sets[i], static_cast<int64_t>(total), t.rows)) : "notitle";
    plot += fmt::format("{}{} using 1:2 with boxes {} {}", i ? ", " : "", block, line_style(i), title);
  }
  f.commands += plot + "\n";
}

// Two numeric columns as one density map per input: the share of its rows in each cell, on
// one log colour scale for all inputs.
void density_panels(Figure& f, const std::vector<SampleSet>& sets, const std::vector<Axis>& axes,
                    const std::string& title) {
  const Range rx = axes[0].range, ry = axes[1].range;
  f.commands += fmt::format("set multiplot layout 1,{} title {}\n", sets.size(), gp_string(title));
  const double wx = (rx.hi - rx.lo) / kDensityBins, wy = (ry.hi - ry.lo) / kDensityBins;
  std::vector<std::vector<double>> shares;
  double smallest = 1, largest = 0;
  for (const SampleSet& s : sets) {
    std::vector<double> counts(kDensityBins * kDensityBins, 0.0);
    double total = 0;
    for (int64_t r = 0; r < s.table.rows; ++r) {
      const double x = drawn_value(s.table, 0, r), y = drawn_value(s.table, 1, r);
      const auto bx = static_cast<int64_t>(std::floor((x - rx.lo) / wx));
      const auto by = static_cast<int64_t>(std::floor((y - ry.lo) / wy));
      if (bx >= 0 && bx < kDensityBins && by >= 0 && by < kDensityBins) counts[by * kDensityBins + bx] += 1, total += 1;
    }
    for (double& n : counts) {
      n = total > 0 ? n / total : 0;
      if (n > 0) smallest = std::min(smallest, n), largest = std::max(largest, n);
    }
    shares.push_back(std::move(counts));
  }
  for (size_t i = 0; i < sets.size(); ++i) {
    const SampleSet& s = sets[i];
    const std::string block = f.begin_block(fmt::format("{}: share of rows per cell (x, y, share; NaN for none)", s.label));
    for (int64_t by = 0; by < kDensityBins; ++by) {
      for (int64_t bx = 0; bx < kDensityBins; ++bx) {
        const double n = shares[i][by * kDensityBins + bx];
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
    f.commands += fmt::format("set logscale cb; set cbrange [{}:{}]; set colorbox; set cblabel 'share of rows per cell'\n",
                              gp_number(largest > 0 ? smallest : 1e-6), gp_number(largest > 0 ? largest : 1));
    f.commands += "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";
    f.commands += fmt::format("plot {} using 1:2:3 with image notitle\n", block);
  }
  f.commands += "unset multiplot\n";
}

}  // namespace

Figure samples_figure(const std::vector<SampleSet>& sets, const std::string& title) {
  if (sets.empty()) throw std::logic_error("samples_figure: no inputs");
  const int64_t n = width(sets[0].table.schema);
  Figure f;
  bool large = false, discrete = false;
  std::vector<Axis> axes;
  for (int64_t c = 0; c < n; ++c) axes.push_back(make_axis(sets, c));
  for (const SampleSet& s : sets) large = large || s.table.rows > kMaxScatterRows;
  for (const Axis& a : axes) discrete = discrete || a.discrete;
  const auto label = [&](int64_t c) { return axis_label(sets[0].table.schema.columns[c]); };
  if (n == 1) {
    marginal_panel(f, sets, axes, 0, {label(0), "share of rows", true, title});
  } else if (n == 2 && !discrete && large) {
    density_panels(f, sets, axes, title);
  } else if (n == 2 && !discrete) {
    scatter_panel(f, sets, axes, 0, 1, kMaxScatterRows, {label(0), label(1), true, title});
  } else {
    // A pair plot: row i, column j shows column i against column j; the diagonal, column i's
    // marginal. Axis names on the left column and the bottom row; the key above the panels.
    f.commands += fmt::format("set multiplot layout {},{} title {} margins 0.09,0.98,0.09,0.92 spacing 0.06,0.05\n",
                              n, n, gp_string(title));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        const PanelText text{i == n - 1 ? label(j) : "", j == 0 ? label(i) : "", i == 0 && j == 0, "", true};
        if (i == j) {
          marginal_panel(f, sets, axes, i, text);
        } else {
          scatter_panel(f, sets, axes, j, i, kPairPlotPoints, text);
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
  // Tics every 1, 2 or 5 × 10^k steps, four or five of them, written in full.
  double last = 1;
  for (const HistorySet& s : sets)
    for (size_t r = 0; r + cols <= s.history.size(); r += cols)
      if (std::isfinite(s.history[r + at("step")])) last = std::max(last, s.history[r + at("step")]);
  const double unit = std::pow(10.0, std::floor(std::log10(last / 5)));
  double tic = 10 * unit;
  for (const double m : {5.0, 2.0, 1.0})
    if (last / (m * unit) <= 5) tic = m * unit;
  f.commands += fmt::format("set multiplot layout 3,2 title {} margins 0.08,0.96,0.07,0.9 spacing 0.08,0.07\n",
                            gp_string(title));
  for (int64_t p = 0; p < 6; ++p) {
    if (!panels[p].any) {
      f.commands += empty_panel(p == 4 ? "no penalty: none of these runs has one" : "no values recorded");
      continue;
    }
    f.commands += kPanelReset;
    f.commands += fmt::format("set ylabel {}\n", gp_string(panels[p].label));
    if (p >= 4) f.commands += "set xlabel 'step'\n";
    f.commands += fmt::format("set xrange [0:*]; set xtics {}; set format x '%.0f'\n", gp_number(tic));
    if (p == 5) f.commands += "set yrange [0:*]\n";
    if (p == 0) f.commands += "set key at screen 0.5, 0.955 center top horizontal Left reverse\n";
    std::string plot = "plot ";
    for (size_t i = 0; i < sets.size(); ++i)
      plot += fmt::format("{}{} using 1:{} with lines lw 1.5 {} {}", i ? ", " : "", blocks[i], p + 2, line_style(i),
                          p == 0 ? "title " + gp_string(sets[i].label) : "notitle");
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
    f.commands += fmt::format("set title 'step {}'\n", panel.step);
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
