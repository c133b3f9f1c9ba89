// gantool prepare, images: MNIST's idx files, a folder of PNG files (classes as subfolders)
// or an image dataset file, to an image dataset (/data (N, C, H, W) uint8, /labels), with
// --limit, --shuffle and --split as for rows. Images are held in memory as bytes (Fashion-
// MNIST's 60,000: 47 MB).
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/tempfile.hpp"
#include "data/image.hpp"
#include "data/selection.hpp"
#include "data/table_pipeline.hpp"
#include "io/idx.hpp"
#include "io/image_import.hpp"
#include "prepare.hpp"

namespace gantool {

namespace {

enum class ImageInput { none, idx, png_folder, dataset };

// What kind of image input --from names, if any.
ImageInput image_input(const std::string& from) {
  std::error_code ec;
  if (from.empty() || from == "-") return ImageInput::none;
  if (std::filesystem::is_directory(from, ec)) return ImageInput::png_folder;
  const DataRef ref = parse_data_ref(from);
  if (is_hdf5_file(ref.path)) {
    for (const DatasetEntry& e : list_datasets(ref.path))
      if (e.path == ref.dataset && e.shape.size() == 4) return ImageInput::dataset;
    return ImageInput::none;
  }
  return looks_like_idx(from) ? ImageInput::idx : ImageInput::none;
}

// Refuses the flags that do not apply to images.
void check_image_flags(const PrepareOptions& opt, const CLI::App& cmd, ImageInput input) {
  const auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (given("-n")) fail_usage("-n applies to --dist; to keep the first images of an import use --limit");
  for (const SyntheticParam& p : synthetic_params())
    if (given(p.flag)) fail_usage("{} applies to --dist, not to --from", p.flag);
  for (const char* flag : {"--header", "--delimiter", "--columns", "--drop-columns", "--categorical", "--integer",
                           "--continuous", "--datetime", "--na-values", "--max-categories", "--drop-missing",
                           "--drop-nonfinite"})
    if (given(flag)) fail_usage("{} applies to tables, but {} holds images", flag, opt.from);
  if (opt.normalize != "none")
    fail_usage("--normalize applies to tables: images are stored as pixels 0..255, and train maps them to [-1, 1] "
               "(its --normalize auto)");
  if (input != ImageInput::idx && given("--labels"))
    fail_usage("--labels applies to idx images; {}", input == ImageInput::png_folder
                                                         ? "a folder's labels are its class folders"
                                                         : "an image dataset keeps its labels in /labels");
  if (given("--label-names") && !given("--labels"))
    fail_usage("--label-names names the labels of --labels FILE-idx1-ubyte[.gz]");
  if (given("--limit") && opt.limit < 1) fail_usage("--limit must be at least 1 (got {})", opt.limit);
  if (given("--split") != given("--test-out")) fail_usage("--split FRACTION and --test-out FILE go together");
  if (given("--split") && !(opt.split > 0 && opt.split < 1))
    fail_usage("--split is the fraction of images for --test-out, between 0 and 1 (got {})", opt.split);
  if (given("--test-out") && opt.test_out == opt.out) fail_usage("--test-out and -o must be different files");
  for (const std::string& input_file : {parse_data_ref(opt.from).path, opt.labels}) {
    if (input_file.empty()) continue;
    refuse_overwrite(opt.out, "-o", input_file);
    if (given("--test-out")) refuse_overwrite(opt.test_out, "--test-out", input_file);
  }
}

// --label-names "a,b,c" as a list; empty names and repeated names are refused.
std::vector<std::string> parse_label_names(const std::string& text) {
  std::vector<std::string> names;
  if (text.empty()) return names;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    names.push_back(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) fail_usage("--label-names: name {} is empty; give one name per label, 'a,b,c'", i);
    for (size_t j = 0; j < i; ++j)
      if (names[j] == names[i]) fail_usage("--label-names: {} names labels {} and {}", quote_for_message(names[i]), j, i);
    if (invalid_utf8_at(names[i]) != std::string::npos)
      fail_usage("--label-names: name {} is not UTF-8", quote_for_message(names[i]));
  }
  return names;
}

// Writes the images `order` lists (indices into set) to `path`.
int64_t write_images(const ImageSet& set, const std::vector<int64_t>& order, const std::string& path,
                     DatasetMeta meta) {
  const int64_t size = image_size(set.shape);
  meta.image = set.shape;
  DatasetWriter out(path, size, meta);
  const int64_t block = block_rows(size);
  std::vector<float> rows(static_cast<size_t>(block * size));
  for (size_t first = 0; first < order.size(); first += static_cast<size_t>(block)) {
    const size_t n = std::min(order.size() - first, static_cast<size_t>(block));
    for (size_t r = 0; r < n; ++r) {
      const uint8_t* src = &set.pixels[static_cast<size_t>(order[first + r] * size)];
      std::copy(src, src + size, rows.begin() + static_cast<std::ptrdiff_t>(r) * size);
    }
    out.append(rows.data(), static_cast<int64_t>(n));
  }
  if (set.labels) {
    Labels labels{{}, set.labels->names};
    for (const int64_t i : order) labels.values.push_back(set.labels->values[static_cast<size_t>(i)]);
    out.set_labels(std::move(labels));
  }
  out.commit();
  return static_cast<int64_t>(order.size());
}

}  // namespace

bool prepare_image_input(const PrepareOptions& opt, const CLI::App& cmd) {
  const ImageInput input = image_input(opt.from);
  if (input == ImageInput::none) return false;
  if (input == ImageInput::png_folder && !has_class_folders(opt.from) && !has_png_files(opt.from))
    fail("{}: is a folder, not a CSV file, and holds no PNG files (*.png) nor class folders of them", opt.from);
  check_image_flags(opt, cmd, input);
  const ImageSet set = input == ImageInput::idx
                           ? import_idx(opt.from, opt.labels, parse_label_names(opt.label_names), opt.limit)
                       : input == ImageInput::png_folder ? import_png_folder(opt.from, opt.limit)
                                                         : import_image_dataset(parse_data_ref(opt.from), opt.limit);
  DatasetMeta meta;
  meta.command = command_line();
  meta.source = set.source;
  if (opt.shuffle || opt.split > 0) meta.seed = opt.seed;

  // The order of the images (shuffled: Fisher–Yates on the shuffle stream), then the test
  // images chosen in that order by selection sampling, as for rows.
  std::vector<int64_t> order(static_cast<size_t>(set.count));
  for (int64_t i = 0; i < set.count; ++i) order[static_cast<size_t>(i)] = i;
  if (opt.shuffle) {
    Rng rng = make_rng(opt.seed, kShuffleStream);
    shuffle(order, rng);
  }
  std::vector<int64_t> train, test;
  const int64_t test_count = opt.split > 0 ? std::llround(opt.split * static_cast<double>(set.count)) : 0;
  if (opt.split > 0 && (test_count < 1 || test_count >= set.count))
    fail_usage("--split {} of {} images leaves {} test and {} training images; both need at least one", opt.split,
               set.count, test_count, set.count - test_count);
  Selection split{make_rng(opt.seed, kSplitStream), set.count, test_count};
  for (const int64_t i : order) (opt.split > 0 && split.next() ? test : train).push_back(i);

  if (!test.empty()) {
    DatasetMeta test_meta = meta;
    test_meta.source += fmt::format(" (test split {} of seed {})", opt.split, opt.seed);
    write_images(set, test, opt.test_out, test_meta);
  }
  write_images(set, train, opt.out, meta);
  if (!opt.quiet) {
    fmt::print(stderr, "prepare: wrote {} images of {} to {}", train.size(), image_shape_text(set.shape), opt.out);
    if (!test.empty()) fmt::print(stderr, " and {} to {}", test.size(), opt.test_out);
    if (set.labels) fmt::print(stderr, ", labelled in {} classes", set.labels->names.size());
    fmt::print(stderr, "\n");
  }
  return true;
}

void add_image_options(CLI::App* cmd, PrepareOptions& opt) {
  const char* images = "Images";
  cmd->add_option("--labels", opt.labels, "idx images: the labels file (FILE-idx1-ubyte[.gz]) of --from")->group(images);
  cmd->add_option("--label-names", opt.label_names,
                  "idx images: the names of labels 0, 1, ..., comma-separated (default: the numbers)")
      ->group(images);
}

}  // namespace gantool
