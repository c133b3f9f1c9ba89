// gantool plot: pictures drawn by gnuplot (lib/plot) — samples over the data, training
// histories, and the discriminator's surface over the plane. Binds the flags of each verb,
// reads the files, and hands plain data to the library's figures.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "data/normalize.hpp"
#include "gan/losses.hpp"
#include "io/csv_table.hpp"
#include "data/image.hpp"
#include "io/dataset_file.hpp"
#include "io/model_file.hpp"
#include "io/png.hpp"
#include "io/table_file.hpp"
#include "plot/critic.hpp"
#include "plot/figures.hpp"
#include "plot/gnuplot.hpp"
#include "plot/image_grid.hpp"

namespace gantool {

namespace {

struct PlotOptions {
  std::vector<std::string> inputs;
  std::string out, size, title, script;
  std::string columns;  // samples
  std::string data;     // critic
  int64_t every = 0, points = 2000;
  int64_t grid_rows = 8, grid_cols = 8, scale = 3;  // grid
  bool quiet = false;
};

// Checks the outputs before any work: the picture's format, the script's name, and that
// neither replaces an input.
void check_outputs(const PlotOptions& opt, const std::vector<std::string>& inputs) {
  figure_format(opt.out, "-o");
  if (!opt.script.empty() && opt.script == opt.out) fail_usage("--script and -o name the same file {}", opt.out);
  for (const std::string& in : inputs) {
    refuse_overwrite(opt.out, "-o", parse_data_ref(in).path);
    if (!opt.script.empty()) refuse_overwrite(opt.script, "--script", parse_data_ref(in).path);
  }
  TempFile{opt.out};  // fails now when the folder is missing or not writable
}

// The size asked for, else `automatic`.
FigureSize figure_size(const PlotOptions& opt, FigureSize automatic) {
  return opt.size.empty() ? automatic : parse_figure_size(opt.size, "--size");
}

void draw(const Figure& figure, const PlotOptions& opt, FigureSize automatic) {
  RenderOptions r;
  r.output = opt.out;
  r.size = figure_size(opt, automatic);
  r.script = opt.script;
  r.header_comment = "# " + command_line() + "\n";
  render(figure, r);
  if (!opt.quiet)
    fmt::print(stderr, "plot: wrote {} ({} × {} {}){}\n", opt.out, r.size.width, r.size.height,
               figure_format(opt.out, "-o") == FigureFormat::pdf ? "points" : "pixels",
               opt.script.empty() ? "" : "; its gnuplot script: " + opt.script);
}

// The inputs' names for a default title: "a.h5, b.h5 and c.h5".
std::string listing(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return text;
}

// True when some value of the table is present and finite.
bool has_value(const Table& t) {
  for (int64_t c = 0; c < width(t.schema); ++c)
    for (int64_t r = 0; r < t.rows; ++r)
      if (std::isfinite(number_at(t, c, r))) return true;
  return false;
}

// Refuses a --size that leaves panels too small to read (below min_w × min_h pixels).
void check_panels(const FigureSize& size, PanelLayout layout, int64_t min_w, int64_t min_h, const PlotOptions& opt) {
  if (opt.size.empty() || (size.width >= layout.cols * min_w && size.height >= layout.rows * min_h)) return;
  fail_usage("--size {} leaves {} × {} panels of {} × {} pixels: give at least {}x{} (or leave --size out)", opt.size,
             layout.rows, layout.cols, size.width / layout.cols, size.height / layout.rows, layout.cols * min_w,
             layout.rows * min_h);
}

// Re-codes discrete column c of `t` to the categories of `into` (appending the ones it lacks).
void align_categories(Column& into, Table& t, int64_t c) {
  Column& column = t.schema.columns[c];
  std::vector<int64_t> code(column.categories.size());
  for (size_t k = 0; k < column.categories.size(); ++k) {
    const auto at = std::find(into.categories.begin(), into.categories.end(), column.categories[k]);
    code[k] = at - into.categories.begin();
    if (at == into.categories.end()) into.categories.push_back(column.categories[k]);
  }
  for (int64_t& v : t.columns[c].ints)
    if (v >= 0) v = code[v];
  column.categories = into.categories;
}

void run_plot_samples(const PlotOptions& opt) {
  check_outputs(opt, opt.inputs);
  std::vector<SampleSet> sets;
  std::vector<std::string> chosen;  // the columns' names, from the first input
  for (const std::string& input : opt.inputs) {
    if (is_model_file(input))
      fail_usage("{} is a model file: draw its samples (gantool sample --model {} -n 5000 -o fake.h5, then plot "
                 "samples), its training (plot history) or its discriminator (plot critic)", input, input);
    TableReader reader(parse_data_ref(input));
    const std::vector<std::string> names = column_names(reader.meta().schema);
    std::vector<int64_t> keep;
    if (chosen.empty()) {
      keep = select_columns(opt.columns, names, reader.ref().display());
      if (opt.columns.empty() && keep.size() > 4) keep.resize(4);
      if (static_cast<int64_t>(keep.size()) > kMaxPairColumns)
        fail_usage("--columns names {} columns; a pair plot shows at most {}", keep.size(), kMaxPairColumns);
      for (const int64_t k : keep) chosen.push_back(names[k]);
    } else {
      for (const std::string& name : chosen) {
        const auto at = std::find(names.begin(), names.end(), name);
        if (at == names.end())
          fail("{}: has no column {} (the columns drawn are {}, from {}); choose ones both have with --columns",
               reader.ref().display(), quote_for_message(name), fmt::join(chosen, ", "), opt.inputs[0]);
        keep.push_back(at - names.begin());
      }
    }
    if (reader.rows() == 0) fail("{}: has no rows to draw", reader.ref().display());
    sets.push_back(SampleSet{reader.ref().display(), keep_columns(reader.read_all(), keep)});
    if (!has_value(sets.back().table))
      fail("{}: every value of the columns drawn ({}) is missing or not finite: nothing to draw",
           reader.ref().display(), fmt::join(chosen, ", "));
  }
  // The same kind of column in every input, and one list of categories.
  Schema& first = sets[0].table.schema;
  for (size_t i = 1; i < sets.size(); ++i)
    for (size_t c = 0; c < chosen.size(); ++c) {
      Column& column = sets[i].table.schema.columns[c];
      if (is_discrete(column.kind) != is_discrete(first.columns[c].kind))
        fail("{}: column {} is {} but {} in {}; plot columns of the same kind", sets[i].label,
             quote_for_message(chosen[c]), is_discrete(column.kind) ? "discrete" : "numeric",
             is_discrete(first.columns[c].kind) ? "discrete" : "numeric", sets[0].label);
      if (is_discrete(column.kind)) align_categories(first.columns[c], sets[i].table, static_cast<int64_t>(c));
    }
  for (size_t i = 1; i < sets.size(); ++i)
    for (size_t c = 0; c < chosen.size(); ++c)
      if (is_discrete(first.columns[c].kind)) sets[i].table.schema.columns[c].categories = first.columns[c].categories;
  std::vector<std::string> labels;
  for (const SampleSet& s : sets) labels.push_back(s.label);
  const std::string title = opt.title.empty() ? listing(labels) : opt.title;
  const auto n = static_cast<int64_t>(chosen.size());
  bool large = false;
  for (const SampleSet& s : sets) large = large || s.table.rows > kMaxScatterRows;
  bool discrete = false;
  for (const Column& c : first.columns) discrete = discrete || is_discrete(c.kind);
  const bool pairs = n > 2 || (n == 2 && discrete), density = n == 2 && !discrete && large;
  const FigureSize automatic = n == 1    ? FigureSize{800, 500}
                               : density ? FigureSize{std::min<int64_t>(520 * sets.size(), 2600), 500}
                               : !pairs  ? FigureSize{800, 700}
                                         : FigureSize{std::min<int64_t>(280 * n, 1800), std::min<int64_t>(280 * n, 1800)};
  const FigureSize size = figure_size(opt, automatic);
  if (pairs) check_panels(size, {n, n}, 150, 150, opt);
  if (density) check_panels(size, {1, static_cast<int64_t>(sets.size())}, 240, 200, opt);
  draw(samples_figure(sets, title), opt, automatic);
}

void run_plot_history(const PlotOptions& opt) {
  check_outputs(opt, opt.inputs);
  std::vector<HistorySet> sets;
  for (const std::string& input : opt.inputs) {
    ModelMeta meta;
    const Gan gan = read_model(input, meta);
    if (meta.history.empty())
      fail("{}: holds no training history (/history is missing or empty): nothing to plot", input);
    // The loss says what D(x) is: a probability, or a critic's score on a scale of its own.
    const std::string loss = gan_loss_name(gan.config.loss);
    sets.push_back(HistorySet{fmt::format("{} ({}{})", input, meta.tabular.columns.empty() ? "" : "tabular, ", loss),
                              std::move(meta.history)});
  }
  check_panels(figure_size(opt, {1000, 900}), {3, 2}, 240, 150, opt);
  const std::string title = opt.title.empty() ? "training of " + listing(opt.inputs) : opt.title;
  draw(history_figure(sets, title), opt, FigureSize{1000, 900});
}

void run_plot_critic(const PlotOptions& opt) {
  const std::string& model = opt.inputs[0];
  if (opt.every < 0) fail_usage("--every must not be negative (got {})", opt.every);
  if (opt.points < 1 || opt.points > 1000000) fail_usage("--points must be 1 to 1000000 (got {})", opt.points);
  check_outputs(opt, {model, opt.data});
  ModelMeta meta;
  const Gan gan = read_model(model, meta);
  if (!meta.tabular.columns.empty())
    fail_usage("{} is a tabular model: its discriminator judges coded rows with their conditions, not points of a "
               "plane; see its samples with plot samples", model);
  DatasetReader reader(parse_data_ref(opt.data));
  if (reader.cols() != gan.config.data_dim())
    fail("{}: has {} columns but {} was trained on {}", reader.ref().display(), reader.cols(), model,
         gan.config.data_dim());
  if (reader.rows() == 0) fail("{}: has no rows to draw", reader.ref().display());
  const std::string& trained_on = meta.schema.distribution.name;
  const std::string& given = reader.meta().schema.distribution.name;
  if (!opt.quiet && !trained_on.empty() && !given.empty() && trained_on != given)
    fmt::print(stderr, "plot critic: note: {} holds {} data, but {} was trained on {} data\n", reader.ref().display(),
               given, model, trained_on);
  Tensor real = reader.read_all();
  denormalize_rows(reader.meta().schema.normalization, real.data(), real.rows(), real.cols());
  const CriticPicture picture = critic_picture(gan, meta, real, opt.every, opt.points, model);
  const PanelLayout layout = panel_layout(static_cast<int64_t>(picture.panels.size()));
  const auto [rows, cols] = layout;
  check_panels(figure_size(opt, {560 * cols, 480 * rows}), layout, 280, 240, opt);
  const std::string title = opt.title.empty() ? fmt::format("D and G of {} over {}", model, reader.ref().display())
                                              : opt.title;
  draw(critic_figure(picture, title), opt, FigureSize{std::min<int64_t>(560 * cols, 2400), std::min<int64_t>(480 * rows, 2000)});
}

void run_plot_grid(const PlotOptions& opt) {
  const std::string& input = opt.inputs[0];
  std::string extension = std::filesystem::path(opt.out).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension != ".png") fail_usage("plot grid writes PNG (exact pixels): name the output FILE.png (got {})", opt.out);
  for (const auto& [flag, value] : {std::pair{"--rows", opt.grid_rows}, std::pair{"--cols", opt.grid_cols}})
    if (value < 1 || value > 100) fail_usage("{} must be 1 to 100 (got {})", flag, value);
  if (opt.scale < 1 || opt.scale > 16) fail_usage("--scale must be 1 to 16 (got {})", opt.scale);
  refuse_overwrite(opt.out, "-o", parse_data_ref(input).path);
  if (is_model_file(input))
    fail_usage("{} is a model file: draw its images first (gantool sample --model {} -n 64 -o fake.h5), then plot "
               "grid fake.h5", input, input);
  DatasetReader reader(parse_data_ref(input));
  const std::vector<int64_t>& shape = reader.meta().image;
  if (shape.empty())
    fail("{}: is not an image dataset ({} rows × {} columns); plot grid draws images (prepare --from idx files or a "
         "folder of PNG files makes them), plot samples draws rows", reader.ref().display(), reader.rows(),
         reader.cols());
  if (shape[0] != 1 && shape[0] != 3)
    fail("{}: images of {} channels; plot grid draws grey (1) or RGB (3) images", reader.ref().display(), shape[0]);
  if (reader.rows() == 0) fail("{}: holds no images to draw", reader.ref().display());
  GridOptions grid;
  grid.rows = opt.grid_rows;
  grid.cols = opt.grid_cols;
  grid.scale = opt.scale;
  const double pixels = static_cast<double>(grid.rows * (shape[1] + grid.gap) * grid.scale) *
                        static_cast<double>(grid.cols * (shape[2] + grid.gap) * grid.scale);
  if (pixels > 1e8) fail_usage("a grid of {} × {} images of {} at --scale {} would be too large; lower them",
                               grid.rows, grid.cols, image_shape_text(shape), grid.scale);
  const int64_t n = std::min(reader.rows(), grid.rows * grid.cols);
  Tensor images(n, reader.cols());
  reader.read(0, n, images.data());
  const Image picture = image_grid(images.data(), n, shape, grid);
  write_png(opt.out, picture);
  if (!opt.quiet)
    fmt::print(stderr, "plot: wrote {} ({} × {} pixels: {} images of {}, scale {})\n", opt.out, picture.width,
               picture.height, n, image_shape_text(shape), grid.scale);
}

// The flags every verb has.
void add_common(CLI::App* cmd, PlotOptions& opt) {
  cmd->add_option("-o,--out", opt.out, "The picture: FILE.png, FILE.svg or FILE.pdf")->required();
  cmd->add_option("--size", opt.size, "WIDTHxHEIGHT in pixels (PDF: points), e.g. 1200x900 (default: by the picture)");
  cmd->add_option("--title", opt.title, "The picture's title (default: the inputs' names)");
  cmd->add_option("--script", opt.script,
                  "Also write the gnuplot script, its data inline, to this file (run it with: gnuplot FILE.gp)");
  cmd->add_flag("-q,--quiet", opt.quiet, "No summary line");
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto opt = std::make_shared<PlotOptions>();
  CLI::App* plot = app.add_subcommand("plot", "Draw pictures of data, samples, training and the discriminator (gnuplot), and grids of images");
  plot->require_subcommand(1);
  plot->footer(
      "Pictures are drawn by gnuplot (Debian's gnuplot-nox); the output's extension picks PNG, SVG or PDF.\n"
      "--script FILE.gp keeps the gnuplot script, with its data inline, for a person to edit and rerun.");

  CLI::App* samples = plot->add_subcommand("samples", "Samples over the data: scatter, density map, or pair plot");
  samples->footer(
      "Two numeric columns: the files' points over each other (density maps, one per file, above 50,000 rows).\n"
      "One column: overlaid histograms. More columns, or a categorical one: a pair plot with each column's\n"
      "marginal on the diagonal (categories as side-by-side bars, jittered in the scatter panels).\n\n"
      "Examples:\n"
      "  gantool plot samples ring.h5 fake.h5 -o samples.png\n"
      "  gantool plot samples adult.h5 synth.h5 --columns age,sex,income -o pairs.svg");
  samples->add_option("inputs", opt->inputs, "REAL.h5 [FAKE.h5 ...]: dataset files (or FILE.h5:/dataset)")
      ->required();
  samples->add_option("--columns", opt->columns, "The columns to draw: names or numbers from 1 (default: the first 4)");
  add_common(samples, *opt);
  samples->callback([opt] { run_plot_samples(*opt); });

  CLI::App* history = plot->add_subcommand("history", "Losses, D(x), D(G(z)), penalty and speed against the step");
  history->footer(
      "From each model's /history (one row every --log-every steps of train); several models are overlaid.\n\n"
      "Example:\n"
      "  gantool plot history gan.h5 wgan.h5 -o history.png");
  history->add_option("inputs", opt->inputs, "MODEL.h5 [MODEL.h5 ...]: model files written by train")->required();
  add_common(history, *opt);
  history->callback([opt] { run_plot_history(*opt); });

  CLI::App* critic = plot->add_subcommand("critic", "D's output over the plane, with real and generated samples (2-D data)");
  critic->footer(
      "The heat map is D(x) at each point: for the cross-entropy losses the probability that x is real (the\n"
      "optimal D is p_data / (p_data + p_g), ½ where G has learned the data), else the critic's raw score.\n"
      "With --every N, one panel per snapshot kept by `train --snapshot-every` at a multiple of N, and the end.\n\n"
      "Examples:\n"
      "  gantool plot critic gan.h5 --data ring.h5 -o critic.png\n"
      "  gantool train --data ring.h5 --model gan.h5 --steps 8000 --snapshot-every 1000\n"
      "  gantool plot critic gan.h5 --data ring.h5 --every 2000 -o training.png");
  critic->add_option("inputs", opt->inputs, "MODEL.h5: a model trained on 2-D data")->required()->expected(1);
  critic->add_option("--data", opt->data, "The real data (FILE.h5), drawn over D")->required();
  critic->add_option("--every", opt->every, "A panel for each snapshot whose step is a multiple of N (0: the end only)");
  critic->add_option("--points", opt->points, "Real and generated points drawn in each panel")->capture_default_str();
  add_common(critic, *opt);
  critic->callback([opt] { run_plot_critic(*opt); });

  CLI::App* grid = plot->add_subcommand("grid", "The first images of an image dataset in a grid (PNG, exact pixels)");
  grid->footer(
      "Images fill the grid row by row, 2 pixels apart (white); each pixel is drawn as --scale × --scale pixels.\n"
      "Written with libpng, not gnuplot: the output is FILE.png.\n\n"
      "Examples:\n"
      "  gantool plot grid fashion.h5 -o real.png\n"
      "  gantool plot grid fake.h5 --rows 4 --cols 16 --scale 2 -o fake.png");
  grid->add_option("inputs", opt->inputs, "IMAGES.h5: an image dataset (prepare --from idx or PNG folder, sample)")
      ->required()->expected(1);
  grid->add_option("-o,--out", opt->out, "The picture: FILE.png")->required();
  grid->add_option("--rows", opt->grid_rows, "Rows of images")->capture_default_str();
  grid->add_option("--cols", opt->grid_cols, "Images per row")->capture_default_str();
  grid->add_option("--scale", opt->scale, "Nearest-neighbour upscaling factor (1 to 16)")->capture_default_str();
  grid->add_flag("-q,--quiet", opt->quiet, "No summary line");
  grid->callback([opt] { run_plot_grid(*opt); });
}

}  // namespace gantool
