// PNG reading with libpng's progressive transforms, writing with its simplified API.
//
// libpng reports errors by longjmp to a setjmp in its caller. decode() is the only function
// that calls setjmp: it declares no C++ objects, and the buffers it fills belong to its
// caller, so that the jump skips no destructor.
#include "io/png.hpp"

#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/tempfile.hpp"
#include "io/dataset_file.hpp"

namespace gantool {

namespace {

// libpng's error message, kept for the Error the caller throws.
struct PngMessage {
  char text[256] = "";
};

void on_error(png_structp png, png_const_charp message) {
  auto* m = static_cast<PngMessage*>(png_get_error_ptr(png));
  std::snprintf(m->text, sizeof m->text, "%s", message);
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // warnings (e.g. a bad ancillary chunk) are not errors

// Owns the read structures.
struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReader() { png_destroy_read_struct(&png, &info, nullptr); }
};

// What decode() found besides the pixels.
struct Decoded {
  png_uint_32 width = 0, height = 0;
  int channels = 0;           // after the transforms: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
  bool grey_palette = false;  // a palette of grey entries only (expanded to RGB)
  bool too_big = false;       // more values than an image dataset's row holds
};

// Decodes the open PNG `file` into `pixels` (height, width, channels), interleaved; `rows`
// is its row pointers. Returns false on a libpng error (its text in `message`).
bool decode(PngReader& r, std::FILE* file, PngMessage& message, Decoded& out, std::vector<uint8_t>& pixels,
            std::vector<png_bytep>& rows) {
  if (setjmp(png_jmpbuf(r.png))) return false;
  png_init_io(r.png, file);
  png_set_sig_bytes(r.png, 8);
  png_read_info(r.png, r.info);
  out.width = png_get_image_width(r.png, r.info);
  out.height = png_get_image_height(r.png, r.info);
  const int color = png_get_color_type(r.png, r.info);
  const int depth = png_get_bit_depth(r.png, r.info);
  const int64_t planes = (color & PNG_COLOR_MASK_COLOR) ? 3 : 1;
  if (static_cast<int64_t>(out.width) * out.height * planes > kMaxColumns) {
    out.too_big = true;
    return true;
  }
  if (color == PNG_COLOR_TYPE_PALETTE) {
    png_colorp palette = nullptr;
    int entries = 0;
    out.grey_palette = png_get_PLTE(r.png, r.info, &palette, &entries) != 0;
    for (int i = 0; i < entries; ++i)
      out.grey_palette = out.grey_palette && palette[i].red == palette[i].green && palette[i].red == palette[i].blue;
    png_set_palette_to_rgb(r.png);
  }
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(r.png);
  if (png_get_valid(r.png, r.info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(r.png);
  if (depth == 16) png_set_scale_16(r.png);
  png_set_interlace_handling(r.png);
  png_read_update_info(r.png, r.info);
  out.channels = png_get_channels(r.png, r.info);
  const size_t row_bytes = png_get_rowbytes(r.png, r.info);
  pixels.resize(row_bytes * out.height);
  rows.resize(out.height);
  for (png_uint_32 y = 0; y < out.height; ++y) rows[y] = pixels.data() + y * row_bytes;
  png_read_image(r.png, rows.data());
  png_read_end(r.png, nullptr);  // the rest of the file: a truncated one fails here
  return true;
}

// Interleaved (H, W, channels) pixels to a planar grey or RGB Image, dropping an opaque
// alpha channel; throws naming `path` when a pixel is not opaque.
Image planar_image(const std::string& path, const Decoded& d, const std::vector<uint8_t>& pixels) {
  const int64_t h = d.height, w = d.width, in = d.channels;
  const bool alpha = in == 2 || in == 4;
  Image image;
  image.channels = d.grey_palette ? 1 : (in >= 3 ? 3 : 1);
  image.height = h;
  image.width = w;
  image.pixels.resize(static_cast<size_t>(image.channels * h * w));
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      const uint8_t* src = &pixels[static_cast<size_t>((y * w + x) * in)];
      if (alpha && src[in - 1] != 255)
        fail("{}: pixel (x {}, y {}) is transparent (alpha {}); gantool reads opaque grey or RGB images: flatten "
             "the images onto a background first (e.g. convert IN.png -background black -flatten OUT.png)",
             path, x, y, src[in - 1]);
      for (int64_t c = 0; c < image.channels; ++c) image.pixels[static_cast<size_t>((c * h + y) * w + x)] = src[c];
    }
  return image;
}

}  // namespace

Image read_png(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("{}: is a folder, not a PNG file", path);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) fail("{}: cannot open: {}", path, std::strerror(errno));
  png_byte signature[8] = {};
  if (std::fread(signature, 1, 8, file.get()) != 8 || png_sig_cmp(signature, 0, 8) != 0)
    fail("{}: not a PNG file (no PNG signature at its start)", path);
  PngMessage message;
  PngReader r;
  r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &message, on_error, on_warning);
  if (r.png) r.info = png_create_info_struct(r.png);
  if (!r.png || !r.info) fail("{}: cannot read: out of memory", path);
  Decoded d;
  std::vector<uint8_t> pixels;
  std::vector<png_bytep> rows;
  if (!decode(r, file.get(), message, d, pixels, rows))
    fail("{}: a damaged or truncated PNG file ({})", path, message.text);
  if (d.too_big)
    fail("{}: {}×{} pixels, more values than an image of a gantool dataset holds ({}); resize it first", path,
         d.width, d.height, kMaxColumns);
  return planar_image(path, d, pixels);
}

namespace {

// Encodes `image` into the new file `file`, named `name` in messages.
void encode_png(const std::string& file, const std::string& name, const Image& image) {
  GANTOOL_ASSERT(image.channels == 1 || image.channels == 3);
  const int64_t c = image.channels, h = image.height, w = image.width;
  GANTOOL_ASSERT(static_cast<int64_t>(image.pixels.size()) == c * h * w);
  std::vector<uint8_t> interleaved(image.pixels.size());  // (h, w, c), as PNG rows hold them
  for (int64_t k = 0; k < c; ++k)
    for (int64_t i = 0; i < h * w; ++i)
      interleaved[static_cast<size_t>(i * c + k)] = image.pixels[static_cast<size_t>(k * h * w + i)];
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (!out) throw Error(write_error_message(name, errno));
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(w);
  png.height = static_cast<png_uint_32>(h);
  png.format = c == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  const bool encoded = png_image_write_to_stdio(&png, out, /*convert_to_8bit=*/0, interleaved.data(),
                                                /*row_stride=*/0, /*colormap=*/nullptr) != 0;
  const std::string reason = png.message;
  png_image_free(&png);
  errno = 0;
  const bool flushed = std::fflush(out) == 0 && !std::ferror(out);
  int err = errno;
  const bool closed = std::fclose(out) == 0;
  if (!err) err = errno;
  if (!flushed || !closed) throw Error(write_error_message(name, err ? err : EIO));
  if (!encoded) fail("{}: cannot write the PNG: {}", name, reason);
}

}  // namespace

void write_png(const std::string& path, const Image& image) {
  TempFile temp(path);
  encode_png(temp.path(), path, image);
  temp.commit();
}

void write_png_direct(const std::string& path, const Image& image) { encode_png(path, path, image); }

}  // namespace gantool
