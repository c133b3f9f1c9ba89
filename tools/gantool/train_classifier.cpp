// gantool train-classifier: trains the feature classifier of eval-fd on a labelled image
// dataset (lib/metrics/classifier.hpp), prints its test accuracy and writes it to a file.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/tempfile.hpp"
#include "io/classifier_file.hpp"
#include "io/dataset_file.hpp"
#include "metrics/classifier.hpp"
#include "progress.hpp"

namespace gantool {

namespace {

struct ClassifierCommandOptions {
  std::string data, test, output;
  double test_share = 0.1;
  ClassifierOptions train;
  bool quiet = false;
};

// The images (n, C·H·W) in pixel units and the labels of an image dataset file.
struct LabelledImages {
  Tensor images;
  Labels labels;
  std::vector<int64_t> image;
};

LabelledImages read_labelled(const std::string& arg, const char* flag) {
  const DataRef ref = parse_data_ref(arg);
  DatasetReader reader(ref);
  if (reader.meta().image.empty())
    fail("{}: not an image dataset ({} columns); {} takes images made by gantool prepare --from FILE-idx3-ubyte.gz "
         "--labels FILE-idx1-ubyte.gz, or --from FOLDER/ of class subfolders",
         ref.display(), reader.cols(), flag);
  std::optional<Labels> labels = read_labels(ref.path);
  if (!labels)
    fail("{}: its images have no labels (/labels); prepare it with --labels FILE-idx1-ubyte.gz, or from a folder of "
         "class subfolders",
         ref.display());
  if (labels->names.size() < 2) fail("{}: its labels name {} class; a classifier needs 2 or more", ref.display(), labels->names.size());
  return {reader.read_all_finite(), std::move(*labels), reader.meta().image};
}

void run_train_classifier(const ClassifierCommandOptions& opt) {
  TempFile{opt.output};  // fails now, not after training, when the output's folder is missing
  LabelledImages train = read_labelled(opt.data, "--data");
  LabelledImages test;
  if (!opt.test.empty()) {
    test = read_labelled(opt.test, "--test");
    if (test.image != train.image)
      fail("{}: images of {}, but --data's are {}", opt.test, fmt::join(test.image, "x"), fmt::join(train.image, "x"));
    if (test.labels.names != train.labels.names)
      fail("{}: its classes ({}) are not --data's ({})", opt.test, fmt::join(test.labels.names, ", "),
           fmt::join(train.labels.names, ", "));
  } else {
    // A held-out share of --data, drawn with the seed.
    const int64_t n = train.images.rows(), held = static_cast<int64_t>(double(n) * opt.test_share);
    if (held < 1 || n - held < 2)
      fail_usage("--test-share {} of {} images leaves no test or no training images; give --test FILE", opt.test_share, n);
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    Rng rng = make_rng(opt.train.seed, 3);
    shuffle(order, rng);
    Tensor kept(n - held, train.images.cols());
    test.images = Tensor(held, train.images.cols());
    std::vector<int64_t> kept_labels;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t row = order[static_cast<size_t>(i)];
      float* to = i < held ? test.images.row(i) : kept.row(i - held);
      std::copy_n(train.images.row(row), train.images.cols(), to);
      (i < held ? test.labels.values : kept_labels).push_back(train.labels.values[static_cast<size_t>(row)]);
    }
    train.images = std::move(kept);
    train.labels.values = std::move(kept_labels);
  }

  ProgressLine line(opt.quiet);
  const auto progress = [&](const ClassifierProgress& p) {
    if (line.due() || p.batches == p.batches_per_epoch)
      line.show(fmt::format("train-classifier: epoch {}/{}  batch {}/{}  loss {:.4f}  accuracy {:.1f}%  {:.0f} s", p.epoch,
                            p.epochs, p.batches, p.batches_per_epoch, p.loss, 100 * p.accuracy, p.seconds));
    return true;
  };
  Classifier c = train_classifier(train.images, train.labels.values, test.images, test.labels.values, train.image,
                                  train.labels.names, opt.train, progress);
  line.show("");
  write_classifier(opt.output, c, command_line());
  if (!opt.quiet)
    fmt::print("train-classifier: test accuracy {:.2f}% on {} images{} ({} epochs, training accuracy {:.2f}%); "
               "written to {}\n",
               100 * c.test_accuracy, c.test_rows, opt.test.empty() ? " held out of --data" : fmt::format(" of {}", opt.test),
               c.epochs, 100 * c.train_accuracy, opt.output);
}

}  // namespace

void add_train_classifier_command(CLI::App& app) {
  auto opt = std::make_shared<ClassifierCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "train-classifier", "Train the image classifier whose features eval-fd compares (a small CNN on labelled images)");
  cmd->footer(
      "The net: three convolutions (32 3x3; 64 4x4 stride 2, twice) with ReLU, 128 ReLU features (dropout 0.3\n"
      "while training), then one logit per class; softmax cross-entropy, Adam. The features are eval-fd's space.\n"
      "Example:\n"
      "  gantool prepare --from train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz -o train.h5\n"
      "  gantool prepare --from t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz -o test.h5\n"
      "  gantool train-classifier --data train.h5 --test test.h5 -o features.h5");
  cmd->add_option("--data", opt->data, "Labelled image dataset to train on")->required();
  cmd->add_option("--test", opt->test, "Labelled images to measure the accuracy on (default: --test-share of --data)");
  cmd->add_option("--test-share", opt->test_share, "Without --test: the share of --data held out to test on")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9));
  cmd->add_option("-o,--output", opt->output, "Classifier file to write")->required();
  cmd->add_option("--epochs", opt->train.epochs, "Passes over the training images")->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--batch", opt->train.batch, "Images per minibatch")->capture_default_str()->check(CLI::Range(1, 65536));
  cmd->add_option("--lr", opt->train.lr, "Adam's learning rate")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--seed", opt->train.seed, "Seed of the initialization, order and dropout")->capture_default_str()->check(seed_check());
  add_threads_option(cmd);
  cmd->add_flag("-q,--quiet", opt->quiet, "No progress and no summary");
  cmd->callback([opt] { run_train_classifier(*opt); });
}

}  // namespace gantool
