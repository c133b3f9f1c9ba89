// gantool eval-fd: compares two image sets in a classifier's feature space (made by
// train-classifier): the Fréchet distance, k-NN precision and recall, and class coverage.
// The metrics: lib/metrics/frechet.hpp; the classifier: lib/metrics/classifier.hpp.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "core/error.hpp"
#include "data/image.hpp"
#include "io/classifier_file.hpp"
#include "io/dataset_file.hpp"
#include "metrics/classifier.hpp"
#include "metrics/frechet.hpp"

namespace gantool {

namespace {

struct FdOptions {
  std::string real, fake, features;
  int64_t rows = 10000;
  int k = 3;
  int64_t bootstrap = 0;
  uint64_t seed = 1;
  bool json = false;
};

// The features and predicted classes of the first `rows` images of a dataset.
struct Featured {
  std::string name;
  int64_t rows = 0;
  Tensor features;
  std::vector<int64_t> predicted;
};

// The features and predicted classes of the first `rows` images of reader's dataset.
Featured featurize(DatasetReader& reader, Classifier& c, const FdOptions& opt, int64_t rows,
                   const std::string& features_file) {
  const DataRef& ref = reader.ref();
  const std::vector<int64_t>& image = reader.meta().image;
  if (image.empty() ? reader.cols() != shape_size(c.image) : image != c.image)
    fail("{}: {}, but {} was trained on images of {}; give images of that shape (or train a classifier on "
         "images like these)",
         ref.display(), image.empty() ? fmt::format("rows of {} values", reader.cols()) : "images of " + image_shape_text(image),
         features_file, image_shape_text(c.image));
  Featured f;
  f.name = ref.display();
  f.rows = rows;
  if (f.rows <= opt.k)
    fail("{}: {} images are compared (the smaller file's count, at most --rows); eval-fd needs more than --k {} "
         "(10,000 is the usual count)",
         ref.display(), f.rows, opt.k);
  Tensor images(f.rows, reader.cols());
  reader.read_finite(0, f.rows, images.data());
  f.features = Tensor(f.rows, c.features());
  f.predicted.resize(static_cast<size_t>(f.rows));
  classify(c, images.data(), f.rows, f.features.data(), f.predicted.data());
  return f;
}

void run_eval_fd(const FdOptions& opt) {
  Classifier c = read_classifier(opt.features);
  // Both sets at the same count: FD, precision and recall depend on it.
  DatasetReader real_reader(parse_data_ref(opt.real)), fake_reader(parse_data_ref(opt.fake));
  const int64_t rows = std::min({opt.rows, real_reader.rows(), fake_reader.rows()});
  const Featured real = featurize(real_reader, c, opt, rows, opt.features);
  const Featured fake = featurize(fake_reader, c, opt, rows, opt.features);
  const double fd = frechet_distance(real.features, fake.features);
  std::optional<FrechetInterval> interval;
  if (opt.bootstrap > 0) interval = frechet_interval(real.features, fake.features, opt.bootstrap, opt.seed);
  const PrecisionRecall pr = precision_recall(real.features, fake.features, opt.k);
  const int64_t k = static_cast<int64_t>(c.classes.size());
  const ClassCoverage cover = class_coverage(real.predicted, fake.predicted, k);

  if (opt.json) {
    nlohmann::json j = {{"real", real.name},
                        {"fake", fake.name},
                        {"features", opt.features},
                        {"rows_real", real.rows},
                        {"rows_fake", fake.rows},
                        {"feature_dims", c.features()},
                        {"classifier_test_accuracy", c.test_accuracy},
                        {"fd", fd},
                        {"precision", pr.precision},
                        {"recall", pr.recall},
                        {"k", pr.k},
                        {"classes", c.classes},
                        {"class_share_real", cover.share_real},
                        {"class_share_fake", cover.share_fake},
                        {"class_kl", cover.kl},
                        {"classes_missing", cover.missing},
                        {"classes_balanced", cover.balanced}};
    if (interval)
      j["fd_bootstrap"] = {{"resamples", opt.bootstrap}, {"bias", interval->bias}, {"low", interval->low}, {"high", interval->high}};
    fmt::print("{}\n", j.dump());
    return;
  }
  fmt::print("eval-fd: {} ({} images) against {} ({} images), in the {} features of {} (test accuracy {:.1f}%)\n",
             fake.name, fake.rows, real.name, real.rows, c.features(), opt.features, 100 * c.test_accuracy);
  fmt::print("  Fréchet distance   {:.3f}", fd);
  if (interval)
    fmt::print("  (bootstrap of {}: bias {:.3f}, 95% interval {:.3f} to {:.3f})", opt.bootstrap, interval->bias,
               interval->low, interval->high);
  fmt::print("\n  precision (k={})    {:.3f}   share of {} inside the real images' k-NN balls\n", pr.k, pr.precision,
             fake.name);
  fmt::print("  recall (k={})       {:.3f}   share of {} inside the fake images' k-NN balls\n", pr.k, pr.recall, real.name);
  fmt::print("  classes            {} of {} classes hold 5–15% of the fake images; {} class{} never predicted; "
             "KL(real ‖ fake) {:.4f}\n",
             cover.balanced, k, cover.missing, cover.missing == 1 ? " is" : "es are", cover.kl);
  size_t width = 5;
  for (const std::string& name : c.classes) width = std::max(width, name.size());
  fmt::print("  {:<{}}  {:>7}  {:>7}\n", "class", width, "real", "fake");
  for (int64_t i = 0; i < k; ++i)
    fmt::print("  {:<{}}  {:>6.1f}%  {:>6.1f}%\n", c.classes[static_cast<size_t>(i)], width,
               100 * cover.share_real[static_cast<size_t>(i)], 100 * cover.share_fake[static_cast<size_t>(i)]);
}

}  // namespace

void add_eval_fd_command(CLI::App& app) {
  auto opt = std::make_shared<FdOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval-fd", "Compare generated images with real ones in a classifier's features: Fréchet distance, precision, recall, classes");
  cmd->footer(
      "The features are the penultimate layer of a classifier made by `gantool train-classifier` (an FID without\n"
      "downloaded Inception weights). FD = |μ₁−μ₂|² + tr(Σ₁ + Σ₂ − 2(Σ₁^½Σ₂Σ₁^½)^½) (Heusel et al. 2017); precision\n"
      "and recall with k-NN balls (Kynkäänniemi et al. 2019); class coverage compares the predicted classes.\n"
      "FD, precision and recall depend on the image counts: compare them at equal counts (--rows).\n"
      "Example:\n"
      "  gantool eval-fd test.h5 fake.h5 --features features.h5");
  cmd->add_option("real", opt->real, "Real images: FILE.h5 (an image dataset)")->required();
  cmd->add_option("fake", opt->fake, "Generated images: FILE.h5")->required();
  cmd->add_option("--features", opt->features, "Classifier file written by gantool train-classifier")->required();
  cmd->add_option("--rows", opt->rows, "Images of each file to use: the first ones, as many of each (at most the smaller file's)")->capture_default_str()->check(CLI::Range(int64_t{4}, int64_t{1} << 30));
  cmd->add_option("--k", opt->k, "Neighbours of precision and recall")->capture_default_str()->check(CLI::Range(1, 100));
  cmd->add_option("--bootstrap", opt->bootstrap, "Resamples of a bootstrap interval for the FD (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{10000}));
  cmd->add_option("--seed", opt->seed, "Seed of the bootstrap")->capture_default_str()->check(seed_check());
  cmd->add_flag("--json", opt->json, "Print one JSON object");
  add_threads_option(cmd);
  cmd->callback([opt] { run_eval_fd(*opt); });
}

}  // namespace gantool
