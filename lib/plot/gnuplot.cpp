#include "plot/gnuplot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/tempfile.hpp"

extern char** environ;

namespace gantool {

namespace {

// The package that installs gnuplot without X on Debian.
constexpr const char* kGnuplotPackage = "gnuplot-nox";

// The path of `name` found on PATH, or "".
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = dirs.substr(start, end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// The terminal line for a format and size.
std::string terminal_line(FigureFormat format, FigureSize size) {
  switch (format) {
    case FigureFormat::png:
      return fmt::format("set terminal pngcairo size {},{} noenhanced font 'sans,10'", size.width, size.height);
    case FigureFormat::svg:
      return fmt::format("set terminal svg size {},{} noenhanced font 'sans,10' background '#ffffff'", size.width,
                         size.height);
    case FigureFormat::pdf:  // in inches, so that the page is width × height points (gnuplot rounds down)
      return fmt::format("set terminal pdfcairo size {:.6f}in,{:.6f}in noenhanced font 'sans,7'",
                         (size.width + 0.25) / 72.0, (size.height + 0.25) / 72.0);
  }
  return "";
}

// The whole script, writing to `output`.
std::string script_text(const Figure& figure, const RenderOptions& o, const std::string& output) {
  std::string text = o.header_comment;
  text += "# Drawn by gnuplot: `gnuplot THIS_FILE` writes the picture; its data are the blocks below.\n";
  text += terminal_line(figure_format(o.output, "-o"), o.size) + "\n";
  text += "set output " + gp_string(output) + "\n";
  text += figure.data;
  text += figure.commands;
  text += "unset output\n";
  return text;
}

// Writes `text` to the temporary file; errors name the file the user asked for.
void write_text(const TempFile& file, const std::string& text) {
  errno = 0;
  std::ofstream out(file.path(), std::ios::binary);
  out << text;
  out.close();
  if (!out) fail("{}: cannot write ({})", file.target(), errno ? std::strerror(errno) : "write error");
}

// Runs gnuplot on `script`; throws Error with its last error line when it fails.
void run_gnuplot(const std::string& script) {
  const std::string gnuplot = find_on_path("gnuplot");
  if (gnuplot.empty())
    fail("gnuplot is not installed (not found on PATH): install Debian's {} (apt-get install {}, or make deps)",
         kGnuplotPackage, kGnuplotPackage);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) fail("cannot start gnuplot: {}", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // gantool blocks its signals; gnuplot must not
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  const std::string name = "gnuplot";
  char* argv[] = {const_cast<char*>(name.c_str()), const_cast<char*>(script.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, gnuplot.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    fail("cannot run {}: {}", gnuplot, std::strerror(spawned));
  }
  std::string err;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (err.size() < (1 << 20)) err.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  // gnuplot's message: its last non-empty line ("script" line N: what).
  std::string last;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(start, end - start);
    line.erase(0, line.find_first_not_of(" \t^"));
    if (!line.empty()) last = line;
    start = end + 1;
  }
  if (WIFSIGNALED(status)) fail("gnuplot was killed by signal {}", WTERMSIG(status));
  fail("gnuplot failed: {}", last.empty() ? fmt::format("exit status {}", WEXITSTATUS(status)) : last);
}

}  // namespace

FigureFormat figure_format(const std::string& output, const std::string& flag) {
  std::string ext = std::filesystem::path(output).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return FigureFormat::png;
  if (ext == ".svg") return FigureFormat::svg;
  if (ext == ".pdf") return FigureFormat::pdf;
  fail_usage("{} {}: the picture's extension must be .png, .svg or .pdf", flag, quote_for_message(output));
}

FigureSize parse_figure_size(const std::string& text, const std::string& flag) {
  FigureSize size;
  char x = 0, rest = 0;
  long long w = 0, h = 0;
  if (std::sscanf(text.c_str(), "%lld%c%lld%c", &w, &x, &h, &rest) != 3 || (x != 'x' && x != 'X') || w < 64 ||
      h < 64 || w > 10000 || h > 10000)
    fail_usage("{} must be WIDTHxHEIGHT in pixels, each 64 to 10000, e.g. 800x600 (got {})", flag,
               quote_for_message(text));
  size.width = w;
  size.height = h;
  return size;
}

std::string Figure::begin_block(const std::string& comment) {
  const std::string name = fmt::format("$d{}", blocks++);
  data += "# " + comment + "\n" + name + " << EOD\n";
  return name;
}

void Figure::end_block() { data += "EOD\n"; }

std::string gp_string(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\'') {
      out += "''";
    } else if (u < 0x20 || u == 0x7F) {
      out += '?';  // a control character would end the line of the script
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string gp_number(double value) { return std::isfinite(value) ? fmt::format("{:.7g}", value) : "NaN"; }

const char* series_colour(int64_t i) {
  // Matplotlib's "tab10": distinguishable, and readable by most colour-blind people.
  static const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return colours[i % 10];
}

void render(const Figure& figure, const RenderOptions& o) {
  figure_format(o.output, "-o");
  TempFile picture(o.output);
  write_text(picture, "");  // a place gnuplot can write: said now, naming the picture
  {
    // The script gnuplot runs writes the temporary picture; it sits beside the picture as
    // a temporary of its own, removed on every way out.
    TempFile script(o.output + ".gp");
    write_text(script, script_text(figure, o, picture.path()));
    run_gnuplot(script.path());
  }
  std::error_code ec;
  if (std::filesystem::file_size(picture.path(), ec) == 0 || ec)
    fail("gnuplot wrote no picture to {}", o.output);
  if (!o.script.empty()) {
    TempFile kept(o.script);
    write_text(kept, script_text(figure, o, o.output));
    kept.commit();
  }
  picture.commit();
}

}  // namespace gantool
