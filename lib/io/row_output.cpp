// Row outputs: HDF5 through DatasetWriter, or CSV text, written by a background thread.
#include "io/row_output.hpp"

#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "io/csv.hpp"
#include "io/h5.hpp"
#include "io/png.hpp"

namespace gantool {


namespace {

bool ends_with(std::string text, const std::string& suffix) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool is_png_folder_output(const std::string& path) { return !path.empty() && path.back() == '/'; }

void check_output_name(const std::string& path, const std::string& flag) {
  if (path == "-" || is_png_folder_output(path) || ends_with(path, ".csv") || ends_with(path, ".h5") || ends_with(path, ".hdf5") ||
      ends_with(path, ".he5") || is_stream_target(path))
    return;
  fail_usage("{} '{}': give a name ending in .h5 (HDF5) or .csv, - for CSV on stdout, or DIR/ for PNG files of images",
             flag, path);
}

bool is_csv_output(const std::string& path) {
  return path == "-" || ends_with(path, ".csv") || is_stream_target(path);
}

// The output itself: a DatasetWriter, or a CSV stream.
struct RowOutput::Sink {
  std::unique_ptr<DatasetWriter> h5;
  std::unique_ptr<TempFolder> folder;  // PNG files
  Image image;                         // the PNG files' buffer
  int64_t images = 0;
  std::unique_ptr<TempFile> temp;  // CSV to a file (none for stdout, a device or a pipe)
  std::FILE* out = stdout;
  bool owns_out = false;  // out was opened here (a temporary, a device or a pipe)
  std::string name;  // for messages
  DatasetMeta meta;  // CSV only; a DatasetWriter keeps its own
  int64_t cols = 0, companion_cols = 0;
  char delimiter = ',';
  std::string text;

  ~Sink() {
    if (owns_out && out) std::fclose(out);
  }
  void write_text() {
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size())
      throw Error(write_error_message(name, errno));
    text.clear();
  }
  void append(const float* rows, int64_t n, const float* companion_rows) {
    if (h5) return h5->append(rows, n, companion_rows);
    if (folder) {
      for (int64_t r = 0; r < n; ++r, ++images) {
        for (int64_t i = 0; i < cols; ++i) image.pixels[static_cast<size_t>(i)] = pixel_byte(rows[r * cols + i]);
        write_png_direct(fmt::format("{}/{:06}.png", folder->path(), images), image);
      }
      return;
    }
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t j = 0; j < cols; ++j) {
        if (j) text += delimiter;
        append_float(text, rows[r * cols + j]);
      }
      for (int64_t j = 0; j < companion_cols; ++j) {
        text += delimiter;
        append_float(text, companion_rows[r * companion_cols + j]);
      }
      text += '\n';
      if (text.size() >= (1 << 20)) write_text();
    }
  }
  void commit() {
    if (h5) return h5->commit();
    if (folder) return folder->commit();
    write_text();
    if (std::fflush(out) != 0) throw Error(write_error_message(name, errno));
    if (owns_out) {
      const int status = std::fclose(out);
      out = nullptr;
      if (status != 0) throw Error(write_error_message(name, errno));
      if (temp) temp->commit();
    }
  }
};

// One block in flight: append() waits for the previous block to be written, hands over a
// copy of the new one and returns.
struct RowOutput::Writer {
  Sink& sink;
  std::vector<float> rows, companion;
  int64_t n = 0;
  bool pending = false, stop = false;
  std::exception_ptr error;
  std::mutex mutex;
  std::condition_variable changed;
  std::thread thread;

  explicit Writer(Sink& s) : sink(s), thread([this] { loop(); }) {}
  ~Writer() {
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    changed.notify_all();
    thread.join();
  }
  void loop() {
    init_hdf5();
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return pending || stop; });
      if (!pending) return;
      lock.unlock();
      try {
        if (!error) sink.append(rows.data(), n, companion.empty() ? nullptr : companion.data());
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      pending = false;
      changed.notify_all();
    }
  }
  // Waits until the last block is written; rethrows its error.
  void drain() {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return !pending; });
    if (error) std::rethrow_exception(error);
  }
};

RowOutput::RowOutput(const std::string& path, int64_t cols, DatasetMeta meta, std::optional<Companion> companion,
                     CsvStyle style)
    : sink_(std::make_unique<Sink>()) {
  Sink& c = *sink_;
  c.cols = cols;
  c.companion_cols = companion ? static_cast<int64_t>(companion->columns.size()) : 0;
  if (!style.always && is_png_folder_output(path)) {
    const std::vector<int64_t>& shape = meta.image;
    if (shape.size() != 3 || (shape[0] != 1 && shape[0] != 3))
      fail_usage("-o {}: a folder of PNG files holds grey or RGB images, and these rows are {}", path,
                 shape.empty() ? fmt::format("not images ({} columns)", cols) : fmt::format("images of {} channels", shape[0]));
    if (companion) fail_usage("-o {}: PNG files hold no second dataset (--save-latent): write FILE.h5 or FILE.csv", path);
    c.folder = std::make_unique<TempFolder>(path.substr(0, path.size() - 1));
    c.image = Image{shape[0], shape[1], shape[2], std::vector<uint8_t>(static_cast<size_t>(cols))};
    c.meta = std::move(meta);
  } else if (!style.always && !is_csv_output(path)) {
    c.h5 = std::make_unique<DatasetWriter>(path, cols, std::move(meta), std::move(companion));
  } else {
    c.name = path == "-" ? "standard output" : path;
    c.meta = std::move(meta);
    c.delimiter = style.delimiter;
    if (path != "-") {
      // A device or pipe has no file to replace: written straight through, as stdout.
      if (!is_stream_target(path)) c.temp = std::make_unique<TempFile>(path);
      c.out = std::fopen(c.temp ? c.temp->path().c_str() : path.c_str(), "wb");
      if (!c.out) fail("{}: cannot write: {}", path, std::strerror(errno));
      c.owns_out = true;
    }
    std::vector<std::string> names = column_names(c.meta.schema);
    if (names.empty())
      for (int64_t i = 0; i < cols; ++i) names.push_back(fmt::format("x{}", i));
    GANTOOL_ASSERT(static_cast<int64_t>(names.size()) == cols);
    if (companion) names.insert(names.end(), companion->columns.begin(), companion->columns.end());
    if (style.header) {
      for (size_t i = 0; i < names.size(); ++i) {
        if (i) c.text += c.delimiter;
        append_csv_field(c.text, names[i], c.delimiter);
      }
      c.text += '\n';
    }
  }
  // A second thread may call HDF5 only in its thread-safe build (Debian's is).
  if (!c.h5 || hdf5_is_threadsafe()) writer_ = std::make_unique<Writer>(c);
}

// The writer goes first: it may still be using the sink.
RowOutput::~RowOutput() { writer_.reset(); }

void RowOutput::append(const float* rows, int64_t n, const float* companion_rows) {
  GANTOOL_ASSERT((companion_rows != nullptr) == (sink_->companion_cols > 0));
  rows_ += n;
  if (!writer_) return sink_->append(rows, n, companion_rows);
  Writer& w = *writer_;
  w.drain();
  {
    std::lock_guard lock(w.mutex);
    w.rows.assign(rows, rows + n * sink_->cols);
    w.companion.clear();
    if (companion_rows) w.companion.assign(companion_rows, companion_rows + n * sink_->companion_cols);
    w.n = n;
    w.pending = true;
  }
  w.changed.notify_all();
}

void RowOutput::append_text(const std::string& lines, int64_t n) {
  GANTOOL_ASSERT(!sink_->h5 && !sink_->folder);
  if (writer_) writer_->drain();  // the blocks before go first
  rows_ += n;
  sink_->text += lines;
  if (sink_->text.size() >= (1 << 20)) sink_->write_text();
}

DatasetMeta& RowOutput::meta() { return sink_->h5 ? sink_->h5->meta() : sink_->meta; }

void RowOutput::commit() {
  if (writer_) writer_->drain();
  sink_->commit();
}

}  // namespace gantool
