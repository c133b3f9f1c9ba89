// Importing images for an image dataset: from MNIST's idx files, from a folder of PNG files
// (with classes as subfolders, the ImageFolder layout), or from an image dataset file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/dataset_file.hpp"

namespace gantool {

// Images and their labels, in memory, as imported.
struct ImageSet {
  std::vector<int64_t> shape;    // {C, H, W} of every image
  int64_t count = 0;             // images
  std::vector<uint8_t> pixels;   // (count, C, H, W)
  std::optional<Labels> labels;  // one per image, when the input has them
  std::string source;            // provenance: "idx FILE", "png folder DIR", "hdf5 FILE"
};

// The first `limit` images (all when limit < 0) of the idx3-ubyte file `images`, with those
// of the idx1-ubyte file `labels` when it is not empty, named by `names` (else "0", "1", ...).
// Throws Error naming the file for what read_idx_images refuses, a labels file of another
// image count, and a label without a name.
ImageSet import_idx(const std::string& images, const std::string& labels, const std::vector<std::string>& names,
                    int64_t limit);

// The first `limit` PNG files (*.png, any case; hidden names skipped) of folder `dir`, by
// name. When `dir` has subfolders, each is a class: named by the folder, classes sorted by
// name, their files (also in deeper folders) sorted by their path; PNG files beside the
// class folders, and a class folder without one, are refused. Every image must be of the
// first one's size and kind (grey or RGB): the first that is not is named with both.
ImageSet import_png_folder(const std::string& dir, int64_t limit);

// The first `limit` images of the image dataset `ref` (meta().image set), with its labels.
ImageSet import_image_dataset(const DataRef& ref, int64_t limit);

// True when the folder holds class folders (not hidden), the layout import_png_folder reads
// as labelled.
bool has_class_folders(const std::string& dir);

// True when the folder holds PNG files (*.png, not hidden) itself.
bool has_png_files(const std::string& dir);

}  // namespace gantool
