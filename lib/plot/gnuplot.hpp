// Pictures drawn by gnuplot (Debian's gnuplot-nox: cairo terminals, no X). A Figure is a
// gnuplot script with its data inline, as named data blocks ($d0 << EOD ... EOD), so that a
// kept script runs anywhere with `gnuplot FILE.gp`. render() runs gnuplot on it and writes
// the output atomically (a temporary name, renamed when gnuplot succeeded).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gantool {

// The picture formats, chosen by the output's extension.
enum class FigureFormat { png, svg, pdf };

// The format of `output` (.png, .svg or .pdf, any case); throws UsageError naming `flag`
// otherwise.
FigureFormat figure_format(const std::string& output, const std::string& flag);

// A picture's size in pixels (PDF: in points, 1/72 inch).
struct FigureSize {
  int64_t width = 0, height = 0;
};

// Parses "WxH" (e.g. "800x600", 64 to 10000 each); throws UsageError naming `flag`.
FigureSize parse_figure_size(const std::string& text, const std::string& flag);

// A gnuplot script being built: data blocks, then commands.
struct Figure {
  std::string data;      // the data blocks
  std::string commands;  // everything after them: settings and plot commands
  int64_t blocks = 0;    // data blocks so far

  // Starts a new data block and returns its name ("$d3"); append its lines to `data`,
  // then call end_block().
  std::string begin_block(const std::string& comment);
  void end_block();
};

// `text` as a gnuplot string literal (single quotes; a control character becomes '?'). The
// terminals are set `noenhanced`, so that a file name with '_' or '^' prints as itself.
std::string gp_string(const std::string& text);

// A number as gnuplot data reads it back exactly enough for a picture (NaN as "NaN").
std::string gp_number(double value);

// The colours of the 1st, 2nd, ... input (as "#RRGGBB"), the same in every picture.
const char* series_colour(int64_t i);

// How render() runs gnuplot.
struct RenderOptions {
  std::string output;          // the picture's path; its extension picks the format
  FigureSize size;
  std::string script;          // where to keep the script ("": not kept)
  std::string header_comment;  // first lines of the script, e.g. the command line
};

// Runs gnuplot on the figure, writing options.output (and, when asked, the script that
// draws it, whose `set output` names options.output). Throws Error when gnuplot is not
// installed (naming the Debian package), fails (its first error line), or the output
// cannot be written; nothing is left behind then.
void render(const Figure& figure, const RenderOptions& options);

}  // namespace gantool
