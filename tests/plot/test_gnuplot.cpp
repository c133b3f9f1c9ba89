// Tests of plot/gnuplot: formats and sizes from flags, gnuplot's strings, and render() with
// the real gnuplot — each format at the asked size, the kept script, and every failure
// leaving nothing behind.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "plot/gnuplot.hpp"
#include "plot/picture.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// A small figure: a line through a data block.
Figure line_figure() {
  Figure f;
  const std::string block = f.begin_block("a line");
  f.data += "0 0\n1 1\n2 4\n";
  f.end_block();
  f.commands += "plot " + block + " using 1:2 with lines title 'x²'\n";
  return f;
}

// Sets an environment variable for the scope.
struct ScopedEnv {
  std::string name, old;
  bool had = false;
  ScopedEnv(const std::string& n, const std::string& value) : name(n) {
    if (const char* v = std::getenv(n.c_str())) had = true, old = v;
    setenv(n.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { had ? setenv(name.c_str(), old.c_str(), 1) : unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("figure_format picks the format by extension", "[plot]") {
  CHECK(figure_format("a.png", "-o") == FigureFormat::png);
  CHECK(figure_format("dir.x/a.PNG", "-o") == FigureFormat::png);
  CHECK(figure_format("a.svg", "-o") == FigureFormat::svg);
  CHECK(figure_format("a.pdf", "-o") == FigureFormat::pdf);
  for (const char* bad : {"a.jpg", "a", "png", "a.png.txt"}) {
    INFO(bad);
    CHECK_THROWS_AS(figure_format(bad, "-o"), UsageError);
  }
  CHECK_THROWS_WITH(figure_format("fig.gif", "-o"), Catch::Contains(".png, .svg or .pdf"));
}

TEST_CASE("parse_figure_size reads WIDTHxHEIGHT within bounds", "[plot]") {
  const FigureSize s = parse_figure_size("800x600", "--size");
  CHECK(s.width == 800);
  CHECK(s.height == 600);
  CHECK(parse_figure_size("64X10000", "--size").height == 10000);
  for (const char* bad : {"800", "800x", "x600", "63x600", "800x10001", "800x600x2", "-800x600", "800 x 600", "a"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_figure_size(bad, "--size"), UsageError);
  }
}

TEST_CASE("gp_string quotes for gnuplot and keeps a script line whole", "[plot]") {
  CHECK(gp_string("a_b^c") == "'a_b^c'");
  CHECK(gp_string("it's") == "'it''s'");
  CHECK(gp_string("two\nlines\t") == "'two?lines?'");
  CHECK(gp_string("naïve") == "'naïve'");
  CHECK(gp_number(0.5) == "0.5");
  CHECK(gp_number(NAN) == "NaN");
  CHECK(gp_number(INFINITY) == "NaN");
}

TEST_CASE("render writes each format at the asked size, atomically", "[plot]") {
  ScratchDir s("plot_render");
  for (const auto& [name, format, w, h] : {std::tuple{"a.png", "png", 640, 480}, std::tuple{"b.svg", "svg", 300, 200},
                                           std::tuple{"c.pdf", "pdf", 500, 350}, std::tuple{"d.PNG", "png", 64, 64}}) {
    INFO(name);
    RenderOptions o{s / name, {w, h}, "", "# test\n"};
    render(line_figure(), o);
    const Picture p = read_picture(s / name);
    CHECK(p.format == format);
    CHECK(p.width == w);
    CHECK(p.height == h);
  }
  // Only the pictures: no script, no temporary.
  CHECK(s.files() == std::vector<std::string>{"a.png", "b.svg", "c.pdf", "d.PNG"});
}

TEST_CASE("render keeps a script that redraws the picture", "[plot]") {
  ScratchDir s("plot_script");
  RenderOptions o{s / "fig.svg", {400, 300}, s / "fig.gp", "# gantool plot test\n"};
  render(line_figure(), o);
  const std::string script = s.read("fig.gp");
  CHECK(script.rfind("# gantool plot test\n", 0) == 0);
  CHECK(script.find("set output '" + s / "fig.svg" + "'") != std::string::npos);
  CHECK(script.find("$d0 << EOD\n0 0\n1 1\n2 4\nEOD") != std::string::npos);
  const std::string first = s.read("fig.svg");
  std::filesystem::remove(s / "fig.svg");
  REQUIRE(std::system(("gnuplot '" + s / "fig.gp" + "'").c_str()) == 0);
  CHECK(s.read("fig.svg") == first);
}

TEST_CASE("render fails cleanly: no gnuplot, a gnuplot error, an unwritable place", "[plot]") {
  ScratchDir s("plot_fail");
  RenderOptions o{s / "fig.png", {400, 300}, s / "fig.gp", ""};
  {
    ScopedEnv path("PATH", (s.dir / "empty").string());
    CHECK_THROWS_WITH(render(line_figure(), o),
                      Catch::Contains("gnuplot is not installed") && Catch::Contains("gnuplot-nox"));
  }
  Figure bad = line_figure();
  bad.commands += "plot $nowhere using 1:2\n";
  CHECK_THROWS_WITH(render(bad, o), Catch::StartsWith("gnuplot failed: ") && Catch::Contains("nowhere"));
  CHECK(s.files().empty());  // no picture, no script, no temporary
  RenderOptions missing{s / "no/such/dir/fig.png", {400, 300}, "", ""};
  CHECK_THROWS_AS(render(line_figure(), missing), Error);
  CHECK(s.files().empty());
}
