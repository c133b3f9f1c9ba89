// The feature classifier: its net, training by softmax cross-entropy, and evaluation.
#include "metrics/classifier.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "optim/optimizer.hpp"

namespace gantool {

namespace {

// Pixels 0..255 → [−1, 1], as the DCGAN's data.
constexpr float kPixelShift = 127.5f, kPixelScale = 127.5f;

void to_input(const float* pixels, int64_t n, float* x) {
  for (int64_t i = 0; i < n; ++i) x[i] = (pixels[i] - kPixelShift) / kPixelScale;
}

// Softmax cross-entropy of logits (rows, classes) against labels: returns the summed loss
// and the count of rows whose largest logit is their label; writes the gradient of the
// mean loss into diff (rows, classes).
double softmax_cross_entropy(const float* logits, const int64_t* labels, int64_t rows, int64_t classes, float* diff,
                             int64_t& correct) {
  double loss = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* l = logits + r * classes;
    const int64_t top = std::max_element(l, l + classes) - l;
    correct += top == labels[r];
    double sum = 0;
    for (int64_t k = 0; k < classes; ++k) sum += std::exp(double(l[k]) - l[top]);
    const double log_sum = std::log(sum) + l[top];
    loss += log_sum - l[labels[r]];
    for (int64_t k = 0; k < classes; ++k) {
      const double p = std::exp(double(l[k]) - log_sum);
      diff[r * classes + k] = static_cast<float>((p - (k == labels[r] ? 1.0 : 0.0)) / double(rows));
    }
  }
  return loss;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

NetSpec classifier_spec(const std::vector<int64_t>& image, int64_t classes) {
  GANTOOL_ASSERT(image.size() == 3);
  const auto conv = [](int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
    LayerSpec l{LayerKind::conv2d, out, Activation::relu, 0.0f};
    l.kernel = kernel, l.stride = stride, l.padding = padding;
    return l;
  };
  NetSpec spec;
  spec.in = image;
  spec.layers = {conv(32, 3, 1, 1), conv(64, 4, 2, 1), conv(64, 4, 2, 1)};
  LayerSpec features{LayerKind::linear, 128, Activation::relu, 0.0f};
  features.dropout = 0.3f;
  spec.layers.push_back(features);
  spec.layers.push_back({LayerKind::linear, classes, Activation::identity, 0.0f});
  return spec;
}

Classifier train_classifier(const Tensor& images, const std::vector<int64_t>& labels, const Tensor& test_images,
                            const std::vector<int64_t>& test_labels, const std::vector<int64_t>& image,
                            const std::vector<std::string>& classes, const ClassifierOptions& options,
                            const std::function<bool(const ClassifierProgress&)>& progress) {
  const int64_t n = images.rows(), in = images.cols(), k = static_cast<int64_t>(classes.size());
  GANTOOL_ASSERT(static_cast<int64_t>(labels.size()) == n && shape_size(image) == in && k >= 2);
  Classifier c;
  c.image = image;
  c.classes = classes;
  c.feature_layer = kClassifierFeatureLayer;
  c.seed = options.seed;
  Rng init = make_rng(options.seed, 0);
  c.net = Net(classifier_spec(image, k), Init::pytorch, init);
  Rng order_rng = make_rng(options.seed, 1), dropout_rng = make_rng(options.seed, 2);

  OptimizerConfig adam;
  adam.lr = options.lr;
  adam.beta1 = 0.9;
  adam.beta2 = 0.999;
  OptimizerState state;
  const Param param = c.net.params.param();
  optimizer_init(adam, state, {&param, 1});

  const int64_t batch = std::min(options.batch, n);
  std::vector<int64_t> order(static_cast<size_t>(n)), batch_labels(static_cast<size_t>(batch));
  for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  Tensor x(batch, in), diff(batch, k);
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t per_epoch = n / batch;  // whole minibatches only
  bool stop = false;
  for (int64_t epoch = 0; epoch < options.epochs && !stop; ++epoch) {
    shuffle(order, order_rng);
    double loss = 0;
    int64_t correct = 0, seen = 0;
    for (int64_t b = 0; b < per_epoch && !stop; ++b) {
      const int64_t first = b * batch;
      for (int64_t r = 0; r < batch; ++r) {
        const int64_t row = order[static_cast<size_t>(first + r)];
        to_input(images.row(row), in, x.row(r));
        batch_labels[static_cast<size_t>(r)] = labels[static_cast<size_t>(row)];
      }
      const Tensor& logits = c.net.forward(x.data(), batch, &dropout_rng);
      loss += softmax_cross_entropy(logits.data(), batch_labels.data(), batch, k, diff.data(), correct);
      c.net.backward(diff.data(), /*param_grads=*/true, /*diff_src=*/nullptr);
      optimizer_step(adam, state, {&param, 1});
      seen += batch;
      if (progress && ((b + 1) % 20 == 0 || b + 1 == per_epoch))
        stop = !progress({epoch + 1, options.epochs, b + 1, per_epoch, loss / double(seen), double(correct) / double(seen),
                          seconds_since(t0)});
    }
    ++c.epochs;
    c.train_accuracy = double(correct) / double(std::max<int64_t>(seen, 1));
  }
  c.test_rows = test_images.rows();
  if (c.test_rows > 0) c.test_accuracy = accuracy(c, test_images, test_labels);
  return c;
}

void classify(Classifier& c, const float* images, int64_t n, float* features, int64_t* predicted) {
  const int64_t in = c.net.in(), block = 256, width = c.features(), k = c.net.out();
  Tensor x(std::min(block, std::max<int64_t>(n, 1)), in);
  for (int64_t first = 0; first < n; first += block) {
    const int64_t rows = std::min(block, n - first);
    to_input(images + first * in, rows * in, x.data());
    const Tensor& logits = c.net.forward(x.data(), rows);
    if (features) std::copy_n(c.net.layer_output(c.feature_layer).data(), rows * width, features + first * width);
    if (predicted)
      for (int64_t r = 0; r < rows; ++r) {
        const float* l = logits.row(r);
        predicted[first + r] = std::max_element(l, l + k) - l;
      }
  }
}

double accuracy(Classifier& c, const Tensor& images, const std::vector<int64_t>& labels) {
  std::vector<int64_t> predicted(static_cast<size_t>(images.rows()));
  classify(c, images.data(), images.rows(), nullptr, predicted.data());
  int64_t correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == labels[i];
  return images.rows() > 0 ? double(correct) / double(images.rows()) : 0.0;
}

}  // namespace gantool
