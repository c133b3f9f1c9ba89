// Classifier files (`gantool train-classifier -o features.h5`): a feature classifier's net,
// its image shape and class names, and how well it classifies, for eval-fd to reuse.
#pragma once

#include <string>

#include "metrics/classifier.hpp"

namespace gantool {

inline constexpr const char* kClassifierFormat = "gantool-classifier";
inline constexpr int64_t kClassifierFormatVersion = 1;

// Writes c to `path` (through a temporary name), recording `command`.
void write_classifier(const std::string& path, const Classifier& c, const std::string& command);

// True when `path` is an HDF5 file marked as a classifier file.
bool is_classifier_file(const std::string& path);

// Reads a classifier file; throws Error naming the file when it is not one or is damaged.
Classifier read_classifier(const std::string& path);

}  // namespace gantool
