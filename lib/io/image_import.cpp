// Reading idx files, PNG folders and image datasets into an ImageSet.
#include "io/image_import.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "data/image.hpp"
#include "io/idx.hpp"
#include "io/png.hpp"

namespace fs = std::filesystem;

namespace gantool {

namespace {

bool hidden(const fs::path& p) { return p.filename().string().rfind('.', 0) == 0; }

bool is_png_name(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" && !hidden(p);
}

// The entries directly in `dir` that `keep` accepts, sorted by name.
template <typename Keep>
std::vector<fs::path> entries(const fs::path& dir, Keep keep) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (keep(*it)) found.push_back(it->path());
  if (ec) fail("{}: cannot list the folder: {}", dir.string(), ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

// The PNG files directly in `dir`, sorted by name.
std::vector<std::string> png_files(const fs::path& dir) {
  std::vector<std::string> files;
  for (const fs::path& p : entries(dir, [](const fs::directory_entry& e) {
         std::error_code ec;
         return is_png_name(e.path()) && e.is_regular_file(ec);
       }))
    files.push_back(p.string());
  return files;
}

// The PNG files under `dir` at any depth (hidden folders skipped), sorted by path.
std::vector<std::string> png_files_below(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && hidden(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    if (is_png_name(it->path()) && it->is_regular_file(ec)) files.push_back(it->path().string());
  }
  if (ec) fail("{}: cannot list the folder: {}", dir.string(), ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

// The class folders of `dir`, sorted by name.
std::vector<fs::path> class_folders(const fs::path& dir) {
  return entries(dir, [](const fs::directory_entry& e) {
    std::error_code ec;
    return e.is_directory(ec) && !hidden(e.path());
  });
}

}  // namespace

ImageSet import_idx(const std::string& images_path, const std::string& labels_path,
                    const std::vector<std::string>& names, int64_t limit) {
  IdxImages images = read_idx_images(images_path, limit);
  ImageSet set;
  set.shape = {1, images.height, images.width};
  set.count = images.read;
  set.pixels = std::move(images.pixels);
  set.source = "idx " + images_path;
  if (labels_path.empty()) return set;
  IdxLabels labels = read_idx_labels(labels_path, limit);
  if (labels.count != images.count)
    fail("{}: holds {} labels but {} holds {} images; give the labels file of these images", labels_path,
         labels.count, images_path, images.count);
  set.labels = Labels{std::move(labels.values), names};
  int64_t classes = 0;
  for (const int64_t v : set.labels->values) classes = std::max(classes, v + 1);
  if (names.empty()) {
    for (int64_t k = 0; k < classes; ++k) set.labels->names.push_back(std::to_string(k));
  } else if (static_cast<int64_t>(names.size()) < classes) {
    fail_usage("--label-names names {} classes, but {} holds label {}: give a name to each of the labels 0 to {}",
               names.size(), labels_path, classes - 1, classes - 1);
  }
  set.source += " with labels " + labels_path;
  return set;
}

bool has_class_folders(const std::string& dir) { return !class_folders(dir).empty(); }

bool has_png_files(const std::string& dir) { return !png_files(dir).empty(); }

ImageSet import_png_folder(const std::string& dir, int64_t limit) {
  std::vector<std::string> files;
  std::vector<int64_t> labels;
  ImageSet set;
  set.source = "png folder " + dir;
  const std::vector<fs::path> classes = class_folders(dir);
  if (classes.empty()) {
    files = png_files(dir);
    if (files.empty()) fail("{}: holds no PNG files (*.png) and no class folders", dir);
  } else {
    const std::vector<std::string> loose = png_files(dir);
    if (!loose.empty())
      fail("{}: lies beside the class folders of {} ({}, ...); move it into the folder of its class, or remove it",
           loose.front(), dir, classes.front().filename().string());
    set.labels = Labels{};
    for (size_t k = 0; k < classes.size(); ++k) {
      const std::vector<std::string> in_class = png_files_below(classes[k]);
      if (in_class.empty())
        fail("{}: a class folder without PNG files; add its images or remove the folder", classes[k].string());
      files.insert(files.end(), in_class.begin(), in_class.end());
      labels.insert(labels.end(), in_class.size(), static_cast<int64_t>(k));
      set.labels->names.push_back(classes[k].filename().string());
    }
  }
  const auto n = static_cast<int64_t>(limit < 0 ? files.size() : std::min<size_t>(files.size(), static_cast<size_t>(limit)));
  for (int64_t i = 0; i < n; ++i) {
    const std::string& file = files[static_cast<size_t>(i)];
    Image image = read_png(file);
    const std::vector<int64_t> shape = {image.channels, image.height, image.width};
    if (i == 0) {
      set.shape = shape;
      set.pixels.reserve(static_cast<size_t>(n * image_size(shape)));
    } else if (shape != set.shape) {
      fail("{}: {} pixels, but the images before it are {} (the first: {}); gantool needs images of one size and "
           "kind: resize or convert them first", file, image_shape_text(shape), image_shape_text(set.shape), files[0]);
    }
    set.pixels.insert(set.pixels.end(), image.pixels.begin(), image.pixels.end());
  }
  set.count = n;
  if (set.labels) set.labels->values.assign(labels.begin(), labels.begin() + n);
  return set;
}

ImageSet import_image_dataset(const DataRef& ref, int64_t limit) {
  DatasetReader reader(ref);
  GANTOOL_ASSERT(!reader.meta().image.empty());
  ImageSet set;
  set.shape = reader.meta().image;
  set.count = limit < 0 ? reader.rows() : std::min(limit, reader.rows());
  set.source = "hdf5 " + ref.display();
  const int64_t size = reader.cols();
  set.pixels.resize(static_cast<size_t>(set.count * size));
  const int64_t block = block_rows(size);
  std::vector<float> rows(static_cast<size_t>(block * size));
  for (int64_t first = 0; first < set.count; first += block) {
    const int64_t n = std::min(block, set.count - first);
    reader.read(first, n, rows.data());
    for (int64_t i = 0; i < n * size; ++i) set.pixels[static_cast<size_t>(first * size + i)] = pixel_byte(rows[static_cast<size_t>(i)]);
  }
  if (!ref.dataset_given || ref.dataset == "/data") {
    set.labels = read_labels(ref.path);
    if (set.labels) set.labels->values.resize(static_cast<size_t>(set.count));
  }
  return set;
}

}  // namespace gantool
