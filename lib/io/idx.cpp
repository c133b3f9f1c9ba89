// Reading idx files through zlib's gz* functions, which read gzipped and plain files alike.
#include "io/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/threads.hpp"
#include "io/dataset_file.hpp"

namespace gantool {

namespace {

constexpr uint8_t kUbyte = 0x08;  // idx's type code of unsigned bytes

const char* idx_type_name(int code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return nullptr;
  }
}

// An idx file open for reading, gzipped or plain; every read is checked.
class IdxFile {
 public:
  explicit IdxFile(const std::string& path) : path_(path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail("{}: is a folder, not an idx file", path);
    if (!std::filesystem::exists(path, ec)) fail("{}: no such file", path);
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) fail("{}: cannot open: {}", path, std::strerror(errno ? errno : ENOMEM));
    gzbuffer(file_, 1 << 17);
  }
  ~IdxFile() {
    if (file_) gzclose_r(file_);
  }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  // Reads exactly n bytes into dst; `what` says what they are, for the message when the
  // file ends before them ("the header", "images 0..999 (784,000 bytes)").
  void read(void* dst, int64_t n, const std::string& what) {
    auto* out = static_cast<char*>(dst);
    int64_t got = 0;
    while (got < n) {
      const auto want = static_cast<unsigned>(std::min<int64_t>(n - got, int64_t{1} << 30));
      const int r = gzread(file_, out + got, want);
      if (r < 0) fail_stream();
      if (r == 0) break;
      got += r;
    }
    if (got == n) return;
    int code = Z_OK;
    gzerror(file_, &code);
    if (!gzdirect(file_) && code != Z_OK)
      fail("{}: the gzip stream ends early, within {} ({}): the file is truncated; download or copy it again",
           path_, what, gz_message());
    fail("{}: truncated: the file ends within {}; download or copy it again", path_, what);
  }

  // The big-endian uint32 at p.
  static int64_t be32(const uint8_t* p) {
    return (int64_t{p[0]} << 24) | (int64_t{p[1]} << 16) | (int64_t{p[2]} << 8) | int64_t{p[3]};
  }

  // Reads the header of an unsigned-byte file of `dims` dimensions; the sizes into shape.
  std::vector<int64_t> read_header(int dims, const char* kind) {
    uint8_t magic[4];
    read(magic, 4, "its magic number (the first 4 bytes)");
    const int64_t number = be32(magic);
    const char* type = idx_type_name(magic[2]);
    if (magic[0] != 0 || magic[1] != 0 || !type || magic[3] == 0)
      fail("{}: not an idx file: its magic number is 0x{:08x}, not 0x{:08x} ({}){}", path_, number,
           (kUbyte << 8) | dims, kind, gzdirect(file_) ? "" : " after gunzip");
    if (magic[2] != kUbyte || magic[3] != dims) {
      const bool other_kind = magic[2] == kUbyte && (magic[3] == 1 || magic[3] == 3);
      fail("{}: an idx file of {} values in {} dimensions (magic 0x{:08x}), not {} (0x{:08x}){}", path_, type,
           int{magic[3]}, number, kind, (kUbyte << 8) | dims,
           other_kind ? (magic[3] == 1 ? "; labels go to --labels" : "; images go to --from") : "");
    }
    std::vector<uint8_t> raw(4 * static_cast<size_t>(dims));
    read(raw.data(), static_cast<int64_t>(raw.size()), "the header's sizes");
    std::vector<int64_t> shape;
    for (int d = 0; d < dims; ++d) shape.push_back(be32(&raw[4 * static_cast<size_t>(d)]));
    return shape;
  }

 private:
  [[noreturn]] void fail_stream() {
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    if (code == Z_ERRNO) fail("{}: cannot read: {}", path_, std::strerror(errno));
    fail("{}: gzip error: {}: the file is damaged; download or copy it again", path_, message ? message : "unknown");
  }
  std::string gz_message() {
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    return message && *message ? message : "unexpected end of file";
  }

  std::string path_;
  gzFile file_ = nullptr;
};

// Throws when `bytes` would not fit in memory.
void require_memory(const std::string& path, double bytes) {
  const double memory = physical_memory();
  if (memory > 0 && bytes > memory)
    fail("{}: its images take {:.1f} GB, more than this machine's {:.1f} GB; take fewer with --limit", path,
         bytes / 1e9, memory / 1e9);
}

}  // namespace

IdxImages read_idx_images(const std::string& path, int64_t limit) {
  IdxFile file(path);
  const std::vector<int64_t> shape = file.read_header(3, "idx3-ubyte images");
  IdxImages images;
  images.count = shape[0];
  images.height = shape[1];
  images.width = shape[2];
  if (images.height == 0 || images.width == 0)
    fail("{}: its header declares images of {}×{} pixels; a damaged file", path, images.height, images.width);
  if (images.height * images.width > kMaxColumns)
    fail("{}: its header declares images of {}×{} pixels, more than gantool reads ({} values); a damaged file?", path,
         images.height, images.width, kMaxColumns);
  if (images.count == 0) fail("{}: holds no images (its header declares 0)", path);
  images.read = limit < 0 ? images.count : std::min(limit, images.count);
  const int64_t bytes = images.read * images.height * images.width;
  require_memory(path, static_cast<double>(bytes));
  images.pixels.resize(static_cast<size_t>(bytes));
  file.read(images.pixels.data(), bytes,
            fmt::format("the {} images of {}×{} pixels its header declares", images.count, images.height,
                        images.width));
  return images;
}

IdxLabels read_idx_labels(const std::string& path, int64_t limit) {
  IdxFile file(path);
  const std::vector<int64_t> shape = file.read_header(1, "idx1-ubyte labels");
  IdxLabels labels;
  labels.count = shape[0];
  const int64_t n = limit < 0 ? labels.count : std::min(limit, labels.count);
  std::vector<uint8_t> raw(static_cast<size_t>(n));
  file.read(raw.data(), n, fmt::format("the {} labels its header declares", labels.count));
  labels.values.assign(raw.begin(), raw.end());
  return labels;
}

bool looks_like_idx(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  const auto ends_with = [&](const char* tail) {
    const size_t n = std::strlen(tail);
    return name.size() >= n && name.compare(name.size() - n, n, tail) == 0;
  };
  if (ends_with("-ubyte") || ends_with(".idx") || ends_with("idx3") || ends_with("idx1")) return true;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return false;
  uint8_t head[4] = {1, 1, 1, 1};
  const int n = gzread(file, head, 4);
  gzclose_r(file);
  return n == 4 && head[0] == 0 && head[1] == 0 && idx_type_name(head[2]) != nullptr && head[3] > 0;
}

}  // namespace gantool
