// Classifier files: root attributes (format, net spec, image shape, classes, accuracies)
// and the net's parameters in /network (io/net_group.hpp's layout).
#include "io/classifier_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "core/version.hpp"
#include "io/h5.hpp"
#include "io/net_group.hpp"

namespace gantool {

namespace {

constexpr const char* kDamaged = "(damaged classifier file, or not written by gantool train-classifier)";

}  // namespace

void write_classifier(const std::string& path, const Classifier& c, const std::string& command) {
  TempFile temp(path);
  {
    H5Id file = create_h5(temp.path(), temp.target());
    const hid_t root = file.get();
    write_attr(root, "format", std::string(kClassifierFormat));
    write_attr(root, "format_version", kClassifierFormatVersion);
    write_attr(root, "version", std::string(version()));
    write_attr(root, "command", command);
    write_attr(root, "net", format_net_spec(c.net.spec()));
    write_attr(root, "feature_layer", static_cast<int64_t>(c.feature_layer));
    write_attr(root, "image", c.image);
    write_attr(root, "classes", c.classes);
    write_attr(root, "train_accuracy", c.train_accuracy);
    write_attr(root, "test_accuracy", c.test_accuracy);
    write_attr(root, "test_rows", c.test_rows);
    write_attr(root, "epochs", c.epochs);
    write_attr(root, "seed", c.seed);
    write_network(root, "network", c.net);
    close_h5(file);
  }
  temp.commit();
}

bool is_classifier_file(const std::string& path) {
  if (!is_hdf5_file(path)) return false;
  H5Id file = open_h5_read(path);
  return read_string_attr(file.get(), "format").value_or("") == kClassifierFormat;
}

Classifier read_classifier(const std::string& path) {
  H5Id file = open_h5_read(path);
  const hid_t root = file.get();
  if (read_string_attr(root, "format").value_or("") != kClassifierFormat)
    fail("{}: not a classifier file (make one with gantool train-classifier --data LABELLED.h5 -o {})", path, path);
  const int64_t version = static_cast<int64_t>(read_number_attr(root, "format_version").value_or(0));
  if (version != kClassifierFormatVersion)
    fail("{}: classifier format version {} is not one this gantool reads ({})", path, version, kClassifierFormatVersion);
  const auto text = [&](const char* name) {
    const std::optional<std::string> v = read_string_attr(root, name);
    if (!v) fail("{}: attribute '{}' is missing {}", path, name, kDamaged);
    return *v;
  };
  const auto number = [&](const char* name) {
    const std::optional<double> v = read_number_attr(root, name);
    if (!v) fail("{}: attribute '{}' is missing {}", path, name, kDamaged);
    return *v;
  };
  Classifier c;
  const NetSpec spec = parse_net_spec(text("net"), path + ": attribute 'net'");
  c.image = read_ints_attr(root, "image").value_or(std::vector<int64_t>{});
  c.classes = read_strings_attr(root, "classes").value_or(std::vector<std::string>{});
  const double layer = number("feature_layer");
  if (c.image.size() != 3 || spec.in != c.image)
    fail("{}: its image shape ({}) is not its network's input ({}) {}", path, fmt::join(c.image, "x"),
         fmt::join(spec.in, "x"), kDamaged);
  if (c.classes.size() < 2 || static_cast<int64_t>(c.classes.size()) != spec.out_size())
    fail("{}: it names {} classes for {} outputs {}", path, c.classes.size(), spec.out_size(), kDamaged);
  if (!(layer >= 0 && layer + 1 < double(spec.layers.size())))
    fail("{}: its feature layer {} is not a hidden layer {}", path, layer, kDamaged);
  c.feature_layer = static_cast<size_t>(layer);
  c.train_accuracy = number("train_accuracy");
  c.test_accuracy = number("test_accuracy");
  c.test_rows = static_cast<int64_t>(number("test_rows"));
  c.epochs = static_cast<int64_t>(number("epochs"));
  c.seed = read_uint_attr(root, "seed").value_or(0);
  Rng unused = make_rng(0);
  c.net = Net(spec, Init::pytorch, unused);
  read_network(root, "network", c.net, nullptr, 0, path);
  return c;
}

}  // namespace gantool
