// A small convolutional image classifier, trained on labelled images, whose penultimate
// layer gives the feature space of eval-fd (Fréchet distance, precision and recall, class
// coverage): the ImageNet Inception features of the usual FID cannot be downloaded here and
// do not suit 28×28 grey images anyway.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "nn/net.hpp"

namespace gantool {

struct Classifier {
  Net net;                          // (C, H, W) images, as (x − 127.5)/127.5 of their pixels → class logits
  size_t feature_layer = 0;         // the layer whose outputs are the features
  std::vector<int64_t> image;       // {C, H, W}
  std::vector<std::string> classes; // one name per output
  double train_accuracy = 0, test_accuracy = 0;  // as measured after training
  int64_t test_rows = 0;            // the images the test accuracy was measured on
  int64_t epochs = 0;
  uint64_t seed = 0;

  int64_t features() const { return net.layers[feature_layer].linear.out(); }
};

// The classifier's net for images of shape {C, H, W} and `classes` outputs: three
// convolutions (32 channels 3×3; 64 channels 4×4 stride 2, twice) with ReLU, a linear layer
// of 128 ReLU features with dropout 0.3 while training, then the logits. H and W of at least 4.
NetSpec classifier_spec(const std::vector<int64_t>& image, int64_t classes);
// The index of its feature layer (the penultimate).
inline constexpr size_t kClassifierFeatureLayer = 3;

struct ClassifierOptions {
  int64_t epochs = 5;
  int64_t batch = 128;
  double lr = 1e-3;  // Adam, β (0.9, 0.999)
  uint64_t seed = 1;
};

// Progress of training, every 20 minibatches and at the end of each epoch: the epoch (from
// 1), the minibatches of it done, the mean training loss and accuracy of the epoch's
// minibatches so far (with dropout), and the seconds since training began.
struct ClassifierProgress {
  int64_t epoch = 0, epochs = 0, batches = 0, batches_per_epoch = 0;
  double loss = 0, accuracy = 0, seconds = 0;
};

// Trains a new classifier on images (n, C·H·W) in pixel units (0..255) and their labels
// (each below classes.size()), by softmax cross-entropy with Adam over shuffled epochs, then
// measures its accuracy on test_images/test_labels (evaluation forwards). progress, when
// set, is called as ClassifierProgress says and may return false to stop (the test
// accuracy is then still measured).
Classifier train_classifier(const Tensor& images, const std::vector<int64_t>& labels, const Tensor& test_images,
                            const std::vector<int64_t>& test_labels, const std::vector<int64_t>& image,
                            const std::vector<std::string>& classes, const ClassifierOptions& options,
                            const std::function<bool(const ClassifierProgress&)>& progress = {});

// Evaluation forwards of n images (n, C·H·W) in pixel units, in blocks: writes the features
// (n, features()) when non-null, and the most probable class of each image when non-null.
void classify(Classifier& c, const float* images, int64_t n, float* features, int64_t* predicted);

// The share of images whose most probable class is their label.
double accuracy(Classifier& c, const Tensor& images, const std::vector<int64_t>& labels);

}  // namespace gantool
